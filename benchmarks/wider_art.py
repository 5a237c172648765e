"""The engine on art it was not tuned on: more devicon logos, and another outlined emoji set.

    .venv/bin/python -m benchmarks.wider_art

The recolour benchmark's art is nine devicon logos and eight OpenMoji
drawings, and the engine's rules were tuned on them; the issue's judges use
art nobody here has seen. This takes two sets of the same kinds from npm
packages the image set does not draw on, renders each piece with the
project's own renderer at the set's side, centred on a transparent square,
and again on white as the image set does, and recolours each to the
benchmark's palettes:

- logos: every `icons/*/*-original.svg` of devicon (MIT) that has a linear or
  radial gradient and is not one of the nine;
- outlined: every EMOJI_STRIDE-th icon, by name, of Streamline Emojis (CC BY
  4.0, by Streamline), drawn with dark grey outlines rather than OpenMoji's
  black.

Prints, per set, the measures of benchmarks/recolor_quality.py (mean / worst
case, `all_used` as the share of applicable cases), how many cases miss each
worst-case target, and the images that miss most; writes
bench-results/wider-art.json.

The packages come from the npm registry, once, into CACHE: this needs npm and
the network, so it is not part of `make bench`. Without npm it prints that it
was skipped.
"""

from __future__ import annotations

import collections
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image
from rich.console import Console

from benchmarks.image_set import IMAGES, SIDE, on_ground
from benchmarks.recolor_quality import Quality, measure, prepare_source
from benchmarks.tables import figure_table
from paletteflow.models import Palette
from paletteflow.recolor import analyze, recolor_image
from paletteflow.svg.render import render_png

DEVICON = "devicon@2.17.0"
STREAMLINE = "@iconify-json/streamline-emojis@1.2.4"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "paletteflow"
EMOJI_STRIDE = 10
# The targets on worst cases in issue 15's table.
WORST_TARGETS = {"palette_true": 0.8, "smoothness": 0.7, "edge_contrast": 0.6}

Art = list[tuple[str, str]]


def fetched(package: str) -> Path:
    """The npm package's unpacked folder, fetched into CACHE the first time."""
    folder = CACHE / package.replace("/", "+") / "package"
    if not folder.is_dir():
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                ["npm", "pack", package, "--silent"],
                cwd=scratch,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            (tarball,) = Path(scratch).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch, filter="data")
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(scratch) / "package", folder)
    return folder


def gradient_logos(package: Path) -> Art:
    """(name, SVG) of every original-style logo with a gradient, less the image set's own."""
    tuned = {path.stem.removeprefix("devicon-") for path in IMAGES.glob("devicon-*.png")}
    texts = (
        (svg.parent.name, svg.read_text(encoding="utf-8"))
        for svg in sorted((package / "icons").glob("*/*-original.svg"))
    )
    return [
        (f"devicon-{name}", text)
        for name, text in texts
        if name not in tuned and "Gradient" in text
    ]


def outlined_emoji(package: Path) -> Art:
    """(name, SVG) of every EMOJI_STRIDE-th icon by name, from the Iconify JSON icon set."""
    icon_set = json.loads((package / "icons.json").read_text(encoding="utf-8"))
    chosen = sorted(icon_set["icons"])[::EMOJI_STRIDE]
    art = []
    for name in chosen:
        icon = icon_set["icons"][name]
        width = icon.get("width", icon_set.get("width", 16))
        height = icon.get("height", icon_set.get("height", 16))
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{icon.get("left", 0)} '
            f'{icon.get("top", 0)} {width} {height}" width="{width}" height="{height}">'
            f"{icon['body']}</svg>"
        )
        art.append((f"streamline-{name}", svg))
    return art


SETS: dict[str, tuple[str, Callable[[Path], Art]]] = {
    "logos": (DEVICON, gradient_logos),
    "outlined": (STREAMLINE, outlined_emoji),
}


def rendered(svg: str) -> Image.Image:
    """The art at the set's side, its longer side filling it, centred on a transparent square."""
    art = Image.open(io.BytesIO(render_png(svg, SIDE)))
    square = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    square.alpha_composite(art.convert("RGBA"), ((SIDE - art.width) // 2, (SIDE - art.height) // 2))
    return square


def art_cases(job: tuple[str, str, list[Palette]]) -> list[tuple[str, Quality]]:
    """(image name, quality) for a piece on its transparent ground and on white, every palette."""
    name, svg, palettes = job
    art = rendered(svg)
    cases = []
    for image_name, image in ((name, art), (f"{name}-on-ffffff", on_ground(art, "#ffffff"))):
        source, analysis = prepare_source(image), analyze(image)
        cases.extend(
            (image_name, measure(source, recolor_image(image, p, analysis=analysis), p.colors))
            for p in palettes
        )
    return cases


def main() -> None:
    # Here, not at the top: benchmarks.recolor needs OpenCV (the bench extra) for the old
    # approach, and the tests import this module's selection and drawing without it.
    from benchmarks.keep_neutrals import MEASURES, mean_and_worst, summarise
    from benchmarks.recolor import RESULTS, benchmark_palettes

    if shutil.which("npm") is None:
        print("benchmarks.wider_art skipped: npm is not installed")
        return
    started = time.perf_counter()
    palettes = benchmark_palettes()
    results = {}
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        for group, (package, select) in SETS.items():
            art = select(fetched(package))
            jobs = [(name, svg, palettes) for name, svg in art]
            cases = [case for cases in pool.map(art_cases, jobs) for case in cases]
            summary = summarise([quality for _, quality in cases])
            print(
                f"{group}: {len(art)} from {package}, transparent and on white: {len(cases)} cases"
            )
            table = figure_table(
                ["measure", "mean / worst"], title=f"Engine on {group} it was not tuned on"
            )
            for name in MEASURES:
                table.add_row(name, mean_and_worst(summary[name]))
            Console(width=160).print(table)
            results[group] = {"package": package, "summary": summary, "misses": _misses(cases)}
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "wider-art.json"
    output.write_text(json.dumps(results) + "\n")
    print(f"Took {time.perf_counter() - started:.0f} s. Written: {output}")


def _misses(cases: list[tuple[str, Quality]]) -> dict[str, dict]:
    """Per worst-case target: the cases under it, in how many images, and the five that miss most."""
    misses = {}
    for name, target in WORST_TARGETS.items():
        missed = [image for image, q in cases if (v := getattr(q, name)) is not None and v < target]
        worst = collections.Counter(missed).most_common(5)
        misses[name] = {"cases": len(missed), "images": len(set(missed)), "most": worst}
        listed = ", ".join(f"{image} ({count})" for image, count in worst)
        print(f"{name} under {target}: {len(missed)} cases in {len(set(missed))} images; {listed}")
    return misses


if __name__ == "__main__":
    main()
