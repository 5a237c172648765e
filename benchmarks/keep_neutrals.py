"""Which neutrals to keep by default: every choice measured on the recolour benchmark's set.

    .venv/bin/python -m benchmarks.keep_neutrals

The engine alone (the old approach has no such option) on every image of
benchmarks/image_set.py and every palette of benchmarks/recolor.py, once per
choice of kept neutrals; each image is analysed once for all of them. Prints,
per choice and per group of the set, the quality measures of
benchmarks/recolor_quality.py (mean / worst case) and writes
bench-results/keep-neutrals.json.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from benchmarks.image_set import group_of, load_image_set
from benchmarks.recolor import RESULTS, benchmark_palettes
from benchmarks.recolor_quality import Quality, measure, prepare_source
from paletteflow.recolor import analyze, recolor_image

CHOICES = ("none", "auto", "black", "white", "black,white", "black,white,grey")
MEASURES = (
    "palette_true",
    "all_used",
    "colors_used_share",
    "smoothness",
    "distinct",
    "edge_contrast",
)


def summarise(qualities: Sequence[Quality]) -> dict[str, list[float] | None]:
    """Mean and worst case of each measure over the cases where it applies."""
    summary: dict[str, list[float] | None] = {}
    for name in MEASURES:
        values = [float(v) for v in (getattr(q, name) for q in qualities) if v is not None]
        summary[name] = [statistics.fmean(values), min(values)] if values else None
    return summary


def main() -> None:
    started = time.perf_counter()
    palettes = benchmark_palettes()
    cases: dict[tuple[str, str], list[Quality]] = {}
    for name, image in load_image_set():
        source, analysis = prepare_source(image), analyze(image)
        for choice in CHOICES:
            for palette in palettes:
                result = recolor_image(image, palette, keep=choice, analysis=analysis)
                quality = measure(source, result, palette.colors)
                for group in (group_of(name), "all"):
                    cases.setdefault((choice, group), []).append(quality)
    report = {f"{choice} / {group}": summarise(q) for (choice, group), q in cases.items()}
    table = Table(title="Kept neutrals: quality measures, mean / worst case, engine only")
    table.add_column("keep / group")
    for name in MEASURES:
        table.add_column(name, justify="right")
    for label, summary in sorted(report.items()):
        table.add_row(label, *(mean_and_worst(summary[name]) for name in MEASURES))
    Console(width=160).print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "keep-neutrals.json").write_text(json.dumps(report, indent=1) + "\n")
    print(f"Took {time.perf_counter() - started:.0f} s. Written: {RESULTS / 'keep-neutrals.json'}")


def mean_and_worst(pair: list[float] | None) -> str:
    """A `summarise` pair as the tables print it."""
    return "n/a" if pair is None else f"{pair[0]:.3f} / {pair[1]:.3f}"


if __name__ == "__main__":
    main()
