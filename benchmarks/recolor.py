"""The recolour engine against the old approach: six quality measures, time and memory, one run.

    make bench            # or: .venv/bin/python -m benchmarks.recolor

Every image of benchmarks/image_set.py (1024x1024) meets every palette below.
The engine analyses each image once (timed), then recolours it with each
palette (timed; the per-image figure is the median over palettes); one more
call per image recolours without a shared analysis (timed), as a single
`recolor_image` call does. The old
approach (benchmarks/old_approach.py, k-means per call) takes 2-25 s an image
here, so it runs on one palette per image (two for the images in the grid),
rotated so the subset covers the palettes; "better than the old approach"
compares it with the engine on exactly those cases, while the engine's targets
are judged on all of them. Both run pinned to one core with single-threaded BLAS and OpenCV.

Palettes: the offline generator's first four for each of four themes (16
five-colour palettes with roles: light, dark and saturated grounds), plus
hand-written role-less ones, as people's palettes usually are: four and six
colours, so the engine is also seen with palettes smaller and larger than the
generator's, and three that cannot carry an image's contrast by themselves
(five salmons, five pastels, five mid-dark blues).

Peak extra memory is tracemalloc's peak over one analyze call and over one
recolour call, as a multiple of the decoded image (width x height x channels).
tracemalloc sees Python's and numpy's allocations, not Pillow's own buffers.

Prints a summary table and a per-image table (benchmarks/recolor_report.py),
writes bench-results/recolor.json (every case too) and
bench-results/recolor-grid.png (originals next to both approaches' results).
"""

from __future__ import annotations

import os

# Before numpy loads its BLAS, so neither approach gets a second core through it.
os.environ.update(
    dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
)

import dataclasses
import json
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import cv2
from PIL import Image

from benchmarks.image_set import SIDE, load_image_set
from benchmarks.old_approach import old_recolor
from benchmarks.recolor_quality import Quality, measure, prepare_source
from benchmarks.recolor_report import Kept, print_tables, save_grid, summary_rows
from paletteflow.models import Palette
from paletteflow.palettes.offline import generate_offline
from paletteflow.recolor import RECOLOR_VERSION, analyze, recolor_image

RESULTS = Path("bench-results")
THEMES = (
    ("harbor at sunset, fresh and friendly", "a lighthouse"),
    ("lavender field", "a bee"),
    ("cyberpunk neon city", "a cat"),
    ("autumn harvest", "a leaf"),
)
PER_THEME = 4
HAND_WRITTEN = {
    "hand-written 4": ["#264653", "#2a9d8f", "#e9c46a", "#e76f51"],
    "hand-written 6": ["#ff595e", "#ffca3a", "#8ac926", "#1982c4", "#6a4c93", "#f1faee"],
    "salmons": ["#fa8072", "#ffa07a", "#e9967a", "#f08080", "#ffb4a2"],
    "pastels": ["#ffd6e0", "#c1e7ff", "#d7f9d0", "#fff5ba", "#e6d4ff"],
    "blues": ["#1d3557", "#27476e", "#2f5d8a", "#3a6ea5", "#22395c"],
}
# Image i gets the old approach on palette (5 i) mod 21: 5 is co-prime with 21, so consecutive
# images visit different palettes, the hand-written ones included.
OLD_STRIDE = 5
T = TypeVar("T")
# The before/after grid: these images, each with the old approach on the named palettes too
# (None: on this image's own palette and one far from it).
GRID_IMAGES: dict[str, tuple[str, str] | None] = {
    "openmoji-person-on-ffffff": ("salmons", "pastels"),
    "openmoji-watch": ("salmons", "pastels"),
    "openmoji-flag-germany-on-ffffff": ("salmons", "blues"),
    "devicon-firefox": ("hand-written 6", "pastels"),
    "devicon-kotlin": ("hand-written 6", "salmons"),
    "butterfly": None,
    "photo-like": None,
}


@dataclass
class Case:
    """One image recoloured with one palette by one approach."""

    image: str
    palette: int
    approach: str
    ms: float
    quality: Quality


@dataclass
class ImageRun:
    """One image's timings, memory and cases."""

    name: str
    mode: str
    regions: int
    analyze_ms: float
    single_call_ms: float
    analyze_memory: float
    recolor_memory: float
    cases: list[Case] = field(default_factory=list)
    old_palettes: list[int] = field(default_factory=list)


def engine(image: Image.Image, palette: Palette, analysis: object) -> Image.Image:
    """`analysis` is whatever `analyze` returned: its type is the engine's own business."""
    return recolor_image(image, palette, analysis=analysis)


def old(image: Image.Image, palette: Palette, _analysis: object) -> Image.Image:
    """The old service knew nothing of roles or analysis: colours only, k-means every call."""
    return old_recolor(image, palette.colors)


APPROACHES = {"engine": engine, "old": old}


def benchmark_palettes() -> list[Palette]:
    palettes = [p for theme, logo in THEMES for p in generate_offline(theme, logo, PER_THEME)]
    palettes += [Palette(name=name, colors=colors) for name, colors in HAND_WRITTEN.items()]
    return palettes


def old_subset(image_index: int, name: str, palettes: list[Palette]) -> list[int]:
    """The palettes the old approach runs on for this image: two for grid images, else one."""
    first = image_index * OLD_STRIDE % len(palettes)
    if name not in GRID_IMAGES:
        return [first]
    named = GRID_IMAGES[name]
    if named is None:
        return [first, (first + len(palettes) // 2) % len(palettes)]
    names = [palette.name for palette in palettes]
    return [names.index(palette) for palette in named]


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def peak_multiple(call: Callable[[], object], decoded_bytes: int) -> float:
    """tracemalloc's peak above what was allocated before the call, in decoded-image units."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - before) / decoded_bytes


def run_image(
    index: int, name: str, image: Image.Image, palettes: list[Palette], keep: Kept
) -> ImageRun:
    """Analyse once, recolour with every palette; the old approach on this image's subset."""
    source = prepare_source(image)
    decoded = image.width * image.height * len(image.getbands())
    analysis, analyze_ms = timed(partial(analyze, image))
    _, single_call_ms = timed(partial(recolor_image, image, palettes[0]))
    run = ImageRun(
        name=name,
        mode=image.mode,
        regions=len(source.used_regions.lab),
        analyze_ms=analyze_ms,
        single_call_ms=single_call_ms,
        analyze_memory=peak_multiple(partial(analyze, image), decoded),
        recolor_memory=peak_multiple(partial(engine, image, palettes[0], analysis), decoded),
        old_palettes=old_subset(index, name, palettes),
    )
    for number, palette in enumerate(palettes):
        approaches = ("engine", "old") if number in run.old_palettes else ("engine",)
        for approach in approaches:
            result, ms = timed(partial(APPROACHES[approach], image, palette, analysis))
            run.cases.append(
                Case(name, number, approach, ms, measure(source, result, palette.colors))
            )
            if name in GRID_IMAGES and number in run.old_palettes:
                keep[(name, number, approach)] = result
    return run


def main() -> None:
    os.sched_setaffinity(0, {0})
    cv2.setNumThreads(1)
    started, load_at_start = time.perf_counter(), os.getloadavg()
    palettes = benchmark_palettes()
    images = load_image_set()
    warm = images[0][1]
    recolor_image(warm, palettes[0], analysis=analyze(warm))  # first-call costs out of the timings
    kept: Kept = {}
    runs = []
    for index, (name, image) in enumerate(images):
        runs.append(run_image(index, name, image, palettes, kept))
        print(f"  {name:18s} done at {time.perf_counter() - started:6.1f} s", flush=True)
    rows = summary_rows(runs)
    RESULTS.mkdir(exist_ok=True)
    report = {
        "side": SIDE,
        "engine_version": RECOLOR_VERSION,
        "cpu": "one core (sched_setaffinity {0}), single-threaded BLAS and OpenCV",
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "seconds": round(time.perf_counter() - started, 1),
        "palettes": [p.model_dump(include={"name", "colors", "roles"}) for p in palettes],
        "summary": [dataclasses.asdict(row) for row in rows],
        "images": [dataclasses.asdict(run) for run in runs],
    }
    (RESULTS / "recolor.json").write_text(json.dumps(report, indent=1) + "\n")
    save_grid(RESULTS / "recolor-grid.png", images, runs, palettes, kept)
    print_tables(rows, runs)
    print(
        f"\n{len(images)} images x {len(palettes)} palettes; the old approach on one palette "
        f"per image, two for {', '.join(GRID_IMAGES)}. Took {time.perf_counter() - started:.0f} s. "
        f"Written: {RESULTS / 'recolor.json'}, {RESULTS / 'recolor-grid.png'}"
    )


if __name__ == "__main__":
    main()
