"""Write paletteflow/palettes/data/xkcd_colours.json from matplotlib's copy of the XKCD survey.

Run once by hand when the data should change; matplotlib is not a dependency:
    pip download --no-deps -d /tmp/mpl matplotlib && unzip /tmp/mpl/*.whl 'matplotlib/_color_data.py'
    python scripts/build_xkcd_colors.py matplotlib/_color_data.py
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "paletteflow" / "palettes" / "data"


def read_xkcd_colors(color_data: Path) -> dict[str, str]:
    """Parse the XKCD_COLORS literal without importing (and so without running) the file."""
    for node in ast.parse(color_data.read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "XKCD_COLORS":
            return {
                key.removeprefix("xkcd:"): value
                for key, value in ast.literal_eval(node.value).items()
            }
    raise SystemExit(f"no XKCD_COLORS in {color_data}")


def blocked_words() -> set[str]:
    lines = (DATA / "blocked_words.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def main(color_data: str) -> None:
    blocked = blocked_words()
    colors: dict[str, str] = {}
    for name, hex_value in sorted(read_xkcd_colors(Path(color_data)).items()):
        clean = " ".join(name.replace("/", " ").split())
        if not blocked.intersection(clean.replace("'", " ").split()):
            colors.setdefault(clean, hex_value.lower())
    document = {
        "source": "XKCD colour survey (Randall Munroe, 2010), https://xkcd.com/color/rgb/, via matplotlib",
        "license": "CC0 1.0 (public domain dedication)",
        "note": "Names containing a word from blocked_words.txt are left out.",
        "colours": colors,
    }
    (DATA / "xkcd_colours.json").write_text(json.dumps(document, indent=0) + "\n")
    print(f"{len(colors)} colours written")


if __name__ == "__main__":
    main(sys.argv[1])
