"""Render the benchmark's Twemoji once to 1024x1024 RGBA PNGs in benchmarks/images/.

The recolour benchmark needs real art (thin outlines, many small regions,
antialiased edges) that nobody has to draw, under a licence that lets the
repository ship it: Twemoji is CC-BY 4.0. The PNGs are committed, so this
script is only for re-rendering or changing the set; the renderer is not a
project dependency, install it ad hoc into a throwaway environment:

    python3 -m venv /tmp/render-venv
    /tmp/render-venv/bin/pip install resvg-py==0.5.0 pyoxipng pillow
    /tmp/render-venv/bin/python scripts/render_twemoji.py            # fetches the SVGs with npm
    /tmp/render-venv/bin/python scripts/render_twemoji.py PACKAGE_DIR  # or an unpacked @twemoji/svg

Without an argument it runs `npm pack @twemoji/svg@15.0.0` into a temporary
folder and renders from there. resvg antialiases by default; oxipng then
shrinks each PNG losslessly so the set stays small in git. Keep EMOJI in step
with benchmarks/images/CREDITS.md.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import oxipng
import resvg_py
from PIL import Image

PACKAGE = "@twemoji/svg@15.0.0"
SIDE = 1024
OUTPUT = Path(__file__).resolve().parent.parent / "benchmarks" / "images"
EMOJI = {
    "1f98a": "fox",
    "1f308": "rainbow",
    "1f3e0": "house",
    "1f3a8": "artist-palette",
    "2615": "coffee",
    "1f349": "watermelon",
    "1f33b": "sunflower",
    "1f41d": "bee",
    "1f3b8": "guitar",
    "1f98b": "butterfly",
    "1f3a1": "ferris-wheel",
}


def fetch_package(folder: Path) -> Path:
    """Unpack the npm tarball of the SVGs into folder; returns the package directory."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True)
    (tarball,) = folder.glob("*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def render(svg: Path) -> bytes:
    png = bytes(resvg_py.svg_to_bytes(svg_path=str(svg), width=SIDE, height=SIDE))
    image = Image.open(io.BytesIO(png))
    if image.size != (SIDE, SIDE) or image.mode != "RGBA":
        raise SystemExit(f"{svg.name}: rendered {image.mode} {image.size}, expected RGBA {SIDE}")
    return oxipng.optimize_from_memory(png, level=6, strip=oxipng.StripChunks.all())


def main(argv: list[str]) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        package = Path(argv[0]) if argv else fetch_package(Path(scratch))
        for codepoint, name in EMOJI.items():
            data = render(package / f"{codepoint}.svg")
            (OUTPUT / f"{name}.png").write_bytes(data)
            print(f"{name:16s} {codepoint:6s} {len(data) / 1024:6.1f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
