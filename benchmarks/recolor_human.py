"""The engine on palettes people made: the recolour benchmark's images x a sample of human palettes.

    .venv/bin/python -m benchmarks.recolor_human [palettes.csv]

The palettes the engine is judged on are people's (top palettes from
COLOURlovers), not the offline generator's nor our hand-written ones. This
samples them from a CSV with a `palette` column of RGB tuples, by default the
Palette-and-Text set of Bahng et al. 2018 (its palettes come from
COLOURlovers) where the team's machines keep it, `../shared/data/text-palettes/
pat_val.csv` beside the repository. That set may be used to measure, never
shipped: nothing from it is stored here, and without the file this prints that
it was skipped.

Two samples of SAMPLE palettes (seeded, five distinct colours each): `spread`,
whose colours are at least SPREAD_DE00 apart, as well-made palettes are, and
`any`, as they come (near-duplicate colours, five near-whites). Prints, per
sample and per group of images, the measures of benchmarks/recolor_quality.py
(mean / worst case; `all_used` as the share of applicable cases) with the
engine's defaults, and writes bench-results/recolor-human.json.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console

from benchmarks.image_set import group_of, load_image_set
from benchmarks.keep_neutrals import MEASURES, mean_and_worst, summarise
from benchmarks.recolor import RESULTS
from benchmarks.recolor_quality import Quality, measure, prepare_source
from benchmarks.tables import figure_table
from paletteflow.color import ciede2000, hex_to_linear, linear_to_cielab, rgb_to_hex
from paletteflow.recolor import analyze, recolor_image

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared/data/text-palettes/pat_val.csv"
SAMPLE = 24
SPREAD_DE00 = 10.0
SEED = 15


def sample_palettes(path: Path, spread: float) -> list[list[str]]:
    """SAMPLE distinct palettes of five distinct colours, each pair at least `spread` apart."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    random.Random(SEED).shuffle(rows)
    chosen: list[list[str]] = []
    for row in rows:
        colors = [
            rgb_to_hex(tuple(int(v) for v in rgb)) for rgb in ast.literal_eval(row["palette"])
        ]
        if len(set(colors)) < len(colors) or colors in chosen or _closest(colors) < spread:
            continue
        chosen.append(colors)
        if len(chosen) == SAMPLE:
            break
    return chosen


def _closest(colors: list[str]) -> float:
    lab = linear_to_cielab(hex_to_linear(colors))
    differences = ciede2000(lab[:, None], lab[None])
    return float(differences[np.triu_indices(len(colors), k=1)].min())


def image_cases(
    job: tuple[str, Image.Image, dict[str, list[list[str]]]],
) -> list[tuple[str, str, Quality]]:
    """(sample, group, quality) for one image and every palette of every sample."""
    name, image, samples = job
    source, analysis = prepare_source(image), analyze(image)
    return [
        (sample, group_of(name), measure(source, recolor_image(image, p, analysis=analysis), p))
        for sample, palettes in samples.items()
        for p in palettes
    ]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    if not path.is_file():
        print(f"benchmarks.recolor_human skipped: no palette file at {path}")
        return
    started = time.perf_counter()
    samples = {"spread": sample_palettes(path, SPREAD_DE00), "any": sample_palettes(path, 0.0)}
    jobs = [(name, image, samples) for name, image in load_image_set()]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        cases = [case for cases in pool.map(image_cases, jobs) for case in cases]
    report = {}
    for sample in samples:
        for group in ("all", *sorted({group for _, group, _ in cases})):
            qualities = [q for s, g, q in cases if s == sample and group in ("all", g)]
            report[f"{sample} / {group}"] = summarise(qualities)
    table = figure_table(
        ["sample / group", *MEASURES],
        title=f"Engine on people's palettes ({SAMPLE} a sample, {path.name}): mean / worst",
    )
    for label, summary in report.items():
        table.add_row(label, *(mean_and_worst(summary[name]) for name in MEASURES))
    Console(width=160).print(table)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "recolor-human.json"
    output.write_text(json.dumps({"samples": samples, "report": report}, indent=1) + "\n")
    print(f"Took {time.perf_counter() - started:.0f} s. Written: {output}")


if __name__ == "__main__":
    main()
