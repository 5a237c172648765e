"""Render the recolour benchmark's openly licensed art once to 1024x1024 RGBA PNGs.

The benchmark needs real art that nobody here drew, under licences that let
the repository ship it, in the styles that break recolouring: Twemoji (CC-BY
4.0; flat fills, thin details), OpenMoji (CC BY-SA 4.0; thick black outlines
around every shape) and devicon (MIT; real technology logos with multi-stop
gradients, translucent overlaps, shapes touching the border). The PNGs are
committed, so this script is only for re-rendering or changing the set; the
renderer is not a project dependency, install it into a throwaway environment:

    python3 -m venv /tmp/render-venv
    /tmp/render-venv/bin/pip install resvg-py==0.5.0 pyoxipng pillow
    /tmp/render-venv/bin/python scripts/render_art.py        # fetches the packages with npm

Each set comes from its npm package, unpacked into a temporary folder. resvg
antialiases by default; oxipng then shrinks each PNG losslessly so the set
stays small in git. Keep the sets in step with benchmarks/images/CREDITS.md.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import oxipng
import resvg_py
from PIL import Image

SIDE = 1024
OUTPUT = Path(__file__).resolve().parent.parent / "benchmarks" / "images"


@dataclass(frozen=True)
class ArtSet:
    """One npm package's SVGs: `files` maps an SVG's path in the package to the PNG's stem."""

    package: str
    files: dict[str, str]


SETS = (
    ArtSet(
        "@twemoji/svg@15.0.0",
        {
            f"{codepoint}.svg": name
            for codepoint, name in {
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
            }.items()
        },
    ),
    ArtSet(
        "openmoji@15.1.0",
        {
            f"color/svg/{codepoint}.svg": f"openmoji-{name}"
            for codepoint, name in {
                "1F1E9-1F1EA": "flag-germany",
                "1F9D1": "person",
                "231A": "watch",
                "1F98A": "fox",
                "1F680": "rocket",
                "1F984": "unicorn",
                "1F308": "rainbow",
                "1F431": "cat",
            }.items()
        },
    ),
    ArtSet(
        "devicon@2.16.0",
        {
            f"icons/{name}/{name}-original.svg": f"devicon-{name}"
            for name in (
                "chrome",
                "firefox",
                "intellij",
                "kotlin",
                "python",
                "azure",
                "grafana",
                "poetry",
                "figma",
            )
        },
    ),
)


def fetch_package(spec: str, folder: Path) -> Path:
    """Unpack the npm tarball of `spec` into folder; returns the package directory."""
    folder.mkdir(parents=True)
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=folder, check=True)
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


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for number, art in enumerate(SETS):
            package = fetch_package(art.package, Path(scratch) / str(number))
            for source, name in art.files.items():
                data = render(package / source)
                (OUTPUT / f"{name}.png").write_bytes(data)
                print(f"{name:24s} {source:40s} {len(data) / 1024:6.1f} KiB")


if __name__ == "__main__":
    main()
