"""Write paletteflow/palettes/data/nice_palettes.json from the nice-color-palettes npm package.

nice-color-palettes (MIT, Jam3) holds the top palettes of COLOURlovers as
hex lists. Run once by hand when the data should change:
    npm pack nice-color-palettes@4.0.0 && tar xzf nice-color-palettes-4.0.0.tgz
    .venv/bin/python scripts/build_nice_palettes.py package/200.json

The palettes are written most central first: each one's mean distance to all
the others (each colour to its nearest in the other palette, CIEDE2000, both
ways) is smallest for the ones most like the rest, so the first palettes are
the safest choice when a text gives nothing to go on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from paletteflow.color import ciede2000, hex_to_linear, linear_to_cielab

DATA = Path(__file__).resolve().parents[1] / "paletteflow" / "palettes" / "data"


def central_first(palettes: list[list[str]]) -> list[list[str]]:
    lab = np.stack([linear_to_cielab(hex_to_linear(p)) for p in palettes])  # (P, 5, 3)
    pairs = ciede2000(lab[:, None, :, None, :], lab[None, :, None, :, :])  # (P, P, 5, 5)
    distance = (pairs.min(axis=3).mean(axis=2) + pairs.min(axis=2).mean(axis=2)) / 2
    order = np.argsort(distance.mean(axis=1), kind="stable")
    return [palettes[i] for i in order]


def main(source: Path) -> None:
    palettes = [[c.lower() for c in p] for p in json.loads(source.read_text()) if len(p) == 5]
    data = {
        "source": "nice-color-palettes 4.0.0 (npm, Jam3): top COLOURlovers palettes",
        "license": "MIT (Copyright (c) 2016 Jam3)",
        "note": "Ordered most central first by scripts/build_nice_palettes.py.",
        "palettes": central_first(palettes),
    }
    lines = [json.dumps(p) for p in data.pop("palettes")]
    head = json.dumps(data, indent=1)[:-2]
    (DATA / "nice_palettes.json").write_text(
        head + ',\n "palettes": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
