"""The engine on logos it was not tuned on: devicon's gradient logos beyond the image set's nine.

    .venv/bin/python -m benchmarks.wider_logos

The recolour benchmark's logos are nine devicon marks, and the engine's rules
were tuned on them; the issue's judges use logos nobody here has seen. This
takes every `icons/*/*-original.svg` of the npm package PACKAGE (MIT) that
has a linear or radial gradient and is not one of the nine, renders it with
the project's own renderer at the set's side, centred on a transparent
square, and again on white as the image set does, and recolours each to the
benchmark's palettes. Prints the measures of benchmarks/recolor_quality.py
(mean / worst case, `all_used` as the share of applicable cases), how many
cases miss each worst-case target, and the images that miss most; writes
bench-results/wider-logos.json.

The package comes from the npm registry, once, into CACHE: this needs npm and
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

PACKAGE = "devicon@2.17.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "paletteflow" / PACKAGE
# The targets on worst cases in issue 15's table.
WORST_TARGETS = {"palette_true": 0.8, "smoothness": 0.7, "edge_contrast": 0.6}


def package_icons() -> Path:
    """The package's icons folder, fetched and unpacked into CACHE the first time."""
    icons = CACHE / "package" / "icons"
    if not icons.is_dir():
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                ["npm", "pack", PACKAGE, "--silent"],
                cwd=scratch,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            (tarball,) = Path(scratch).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(scratch, filter="data")
            CACHE.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(scratch) / "package", CACHE / "package")
    return icons


def gradient_logos(icons: Path) -> list[tuple[str, Path]]:
    """(name, svg) of every original-style logo with a gradient, less the image set's own."""
    tuned = {path.stem.removeprefix("devicon-") for path in IMAGES.glob("devicon-*.png")}
    return [
        (f"devicon-{svg.parent.name}", svg)
        for svg in sorted(icons.glob("*/*-original.svg"))
        if svg.parent.name not in tuned and "Gradient" in svg.read_text(encoding="utf-8")
    ]


def rendered(svg: Path) -> Image.Image:
    """The logo at the set's side, its longer side filling it, centred on a transparent square."""
    logo = Image.open(io.BytesIO(render_png(svg.read_text(encoding="utf-8"), SIDE)))
    square = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    square.alpha_composite(
        logo.convert("RGBA"), ((SIDE - logo.width) // 2, (SIDE - logo.height) // 2)
    )
    return square


def logo_cases(job: tuple[str, Path, list[Palette]]) -> list[tuple[str, Quality]]:
    """(image name, quality) for a logo on its transparent ground and on white, every palette."""
    name, svg, palettes = job
    logo = rendered(svg)
    cases = []
    for image_name, image in ((name, logo), (f"{name}-on-ffffff", on_ground(logo, "#ffffff"))):
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
        print("benchmarks.wider_logos skipped: npm is not installed")
        return
    started = time.perf_counter()
    logos = gradient_logos(package_icons())
    palettes = benchmark_palettes()
    jobs = [(name, svg, palettes) for name, svg in logos]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        cases = [case for cases in pool.map(logo_cases, jobs) for case in cases]
    summary = summarise([quality for _, quality in cases])
    table = figure_table(["measure", "mean / worst"], title="Engine on logos it was not tuned on")
    print(f"{len(logos)} {PACKAGE} gradient logos, transparent and on white: {len(cases)} cases")
    for name in MEASURES:
        table.add_row(name, mean_and_worst(summary[name]))
    Console(width=160).print(table)
    misses = {}
    for name, target in WORST_TARGETS.items():
        missed = [image for image, q in cases if (v := getattr(q, name)) is not None and v < target]
        worst = collections.Counter(missed).most_common(5)
        misses[name] = {"cases": len(missed), "images": len(set(missed)), "most": worst}
        listed = ", ".join(f"{image} ({count})" for image, count in worst)
        print(f"{name} under {target}: {len(missed)} cases in {len(set(missed))} images; {listed}")
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "wider-logos.json"
    output.write_text(json.dumps({"package": PACKAGE, "summary": summary, "misses": misses}) + "\n")
    print(f"Took {time.perf_counter() - started:.0f} s. Written: {output}")


if __name__ == "__main__":
    main()
