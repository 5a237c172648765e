"""SVG colourways: quality against rasterise-then-recolour on the same art, and the time of a run.

    make bench            # or: .venv/bin/python -m benchmarks.svg

Quality: every SVG in benchmarks/images/svg meets every palette of
benchmarks/recolor.py. Both approaches are judged on the same 1024 px
renders with the measures of benchmarks/recolor_quality.py, the source being
the render of the (defused) original:
- svg: the SVG path as a run takes it (analysis of the 512 px render, the
  SVG's colour values rewritten), the recoloured SVG rendered at 1024 px;
- svg-1024: the same with the analysis of the 1024 px render, the one the
  raster approach analyses, to tell the approach from the resolution;
- raster: `recolor_image` on the 1024 px render of the original, as a user
  who rasterised the SVG first would get.

Speed: per SVG, one run's work with 7 palettes on a local folder, as the
recolour tasks do it: store the base image (validate, render), analyse, then
per palette recolour the SVG, render and encode the PNG, write both files.
Caches are emptied first, so parsing and analysis are counted; the best of
three runs per SVG, as wall time and as the process's CPU time (the work;
the machine is shared, and other sessions' load stretches the wall time).
Target: under 0.5 s of work for a logo under 200 kB.

Writes bench-results/svg.json, bench-results/svg-grid.png (three logos:
original, SVG colourway, raster colourway for two palettes) and the PNG
renders of those colourways under bench-results/svg/.
"""

from __future__ import annotations

import os

os.environ.update(
    dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
)

import json
import statistics
import tempfile
import time
from dataclasses import asdict, fields
from pathlib import Path

from PIL import Image, ImageFont

from benchmarks.recolor import RESULTS, benchmark_palettes
from benchmarks.recolor_quality import Quality, measure, prepare_source
from benchmarks.recolor_report import CELL, LABEL, SWATCH, draw_row
from paletteflow.models import Palette
from paletteflow.palettes.offline import generate_offline
from paletteflow.pipeline.base_image import store_base_image
from paletteflow.pipeline.variations import render_variation
from paletteflow.recolor import analyze, recolor_image
from paletteflow.storage import Storage
from paletteflow.svg import load_document, render_image
from paletteflow.svg.recolor import recolor_svg

SVGS = Path(__file__).resolve().parent / "images" / "svg"
QUALITY_SIDE = 1024
RUN_PALETTES = 7
RUNS = 3
SPEED_TARGET_S = 0.5
GRID = ("devicon-chrome", "devicon-python", "fox")
GRID_PALETTES = (0, 16)  # the first generated palette and the hand-written four
GROUPS = ("logos", "emoji")
APPROACHES = ("svg", "svg-1024", "raster")


def group_of(name: str) -> str:
    """devicon's logos (gradients, overlaps) apart from the flat and outlined emoji."""
    return "logos" if name.startswith("devicon-") else "emoji"


MEASURES = ("palette_true", "smoothness", "distinct", "edge_contrast", "colours_used_share")


def quality_cases(palettes: list[Palette]) -> tuple[list[dict], dict]:
    cases, grid = [], {}
    for path in sorted(SVGS.glob("*.svg")):
        document = load_document(path.read_bytes())
        source_image = render_image(document.source, QUALITY_SIDE)
        source = prepare_source(source_image)
        svg_analysis = analyze(render_image(document.source))
        raster_analysis = analyze(source_image)
        for number, palette in enumerate(palettes):
            text = recolor_svg(document, palette, svg_analysis)
            results = {
                "svg": render_image(text, QUALITY_SIDE),
                "svg-1024": render_image(
                    recolor_svg(document, palette, raster_analysis), QUALITY_SIDE
                ),
                "raster": recolor_image(source_image, palette, analysis=raster_analysis),
            }
            for approach, result in results.items():
                quality = measure(source, result, palette.colors)
                cases.append(
                    {"image": path.stem, "palette": palette.name, "approach": approach}
                    | asdict(quality)
                )
            if path.stem in GRID and number in GRID_PALETTES:
                grid[(path.stem, number)] = (source_image, results)
    return cases, grid


def summary(cases: list[dict]) -> list[tuple[str, str, str]]:
    """Per measure: mean / worst for svg and raster, over the cases where the measure applies."""
    rows = []
    names = [field.name for field in fields(Quality) if field.name in MEASURES]
    for name in [*names, "all_used"]:
        cells = []
        for approach in APPROACHES:
            values = [c[name] for c in cases if c["approach"] == approach and c[name] is not None]
            numbers = [float(v) for v in values]
            cells.append(
                f"{statistics.fmean(numbers):.3f} / {min(numbers):.3f}" if numbers else "-"
            )
        rows.append((name, *cells))
    return rows


def run_seconds(svg: Path, palettes: list[Palette]) -> tuple[float, float]:
    """One run on a fresh folder, base image then every palette: wall and CPU s, best of RUNS.

    Each run's bytes end in a different comment, so no cache of this process
    (parsed documents, decoded and analysed base images) holds them yet.
    """
    wall, cpu = float("inf"), float("inf")
    for run in range(RUNS):
        data = svg.read_bytes() + f"<!-- run {run} -->".encode()
        with tempfile.TemporaryDirectory() as folder:
            storage = Storage(folder)
            started, started_cpu = time.perf_counter(), time.process_time()
            base = store_base_image(storage, data, user_id="bench", concept_id=None)
            for palette in palettes:
                render_variation(storage, base, palette, image_format="svg")
            wall = min(wall, time.perf_counter() - started)
            cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu


def save_grid(path: Path, grid: dict, palettes: list[Palette]) -> list[str]:
    """Per logo one row: original, then SVG | raster colourway per palette; returns the renders."""
    rows = sorted({name for name, _ in grid}, key=GRID.index)
    columns = 1 + 2 * len(GRID_PALETTES)
    height = LABEL + CELL + SWATCH
    sheet = Image.new("RGB", (columns * CELL, len(rows) * height), "white")
    font = ImageFont.load_default(size=14)
    written = []
    for row, name in enumerate(rows):
        top = row * height
        source, _ = grid[(name, GRID_PALETTES[0])]
        cells = [(f"{name}: original", source, None)]
        for number in GRID_PALETTES:
            _, results = grid[(name, number)]
            for approach, image in results.items():
                if approach == "svg-1024":
                    continue
                cells.append((f"{approach}: {palettes[number].name}", image, palettes[number]))
                render = path.parent / "svg" / f"{name}-{number}-{approach}.png"
                render.parent.mkdir(parents=True, exist_ok=True)
                image.save(render)
                written.append(str(render))
        draw_row(sheet, cells, top, font)
    sheet.save(path, optimize=True)
    return written


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    palettes = benchmark_palettes()
    started = time.perf_counter()
    cases, grid = quality_cases(palettes)
    tables = {}
    for group in ("all", *GROUPS):
        chosen = [c for c in cases if group == "all" or group_of(c["image"]) == group]
        tables[group] = summary(chosen)
        count = len(chosen) // len(APPROACHES)
        print(f"\n{group}: SVG against rasterise-then-recolour, {count} cases, mean / worst")
        print(f"{'measure':20s}" + "".join(f"{approach:>16s}" for approach in APPROACHES))
        for name, *cells in tables[group]:
            print(f"{name:20s}" + "".join(f"{cell:>16s}" for cell in cells))
    run_palettes = generate_offline("harbor at sunset", "a lighthouse", RUN_PALETTES)
    speed = {}
    for path in sorted(SVGS.glob("*.svg")):
        wall, cpu = run_seconds(path, run_palettes)
        speed[path.stem] = {"kB": path.stat().st_size / 1024, "wall_s": wall, "cpu_s": cpu}
    print(f"\none run, {RUN_PALETTES} palettes, SVG and PNG written (best of {RUNS}): wall, CPU")
    for name, figures in speed.items():
        verdict = "ok" if figures["cpu_s"] < SPEED_TARGET_S else "over"
        print(
            f"{name:24s} {figures['kB']:6.1f} kB {figures['wall_s']:6.3f} s "
            f"{figures['cpu_s']:6.3f} s {verdict}"
        )
    cpu_seconds = sorted(figures["cpu_s"] for figures in speed.values())
    print(f"CPU s, median / slowest: {statistics.median(cpu_seconds):.3f} / {cpu_seconds[-1]:.3f}")
    renders = save_grid(RESULTS / "svg-grid.png", grid, palettes)
    report = {
        "load_average": os.getloadavg(),
        "seconds": time.perf_counter() - started,
        "summary": tables,
        "speed": speed,
        "renders": renders,
        "cases": cases,
    }
    (RESULTS / "svg.json").write_text(json.dumps(report, indent=2))
    print(f"\nwrote {RESULTS / 'svg.json'} and {RESULTS / 'svg-grid.png'}")


if __name__ == "__main__":
    main()
