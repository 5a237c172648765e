"""Summary rows, tables and the eyeballing grid of the recolour benchmark (benchmarks/recolor.py).

Quality targets are judged on every engine case, and in each group of the
image set apart (benchmarks/image_set.py: flat art, outlined art, logos), so a
group that misses a target shows even when the whole set meets it; "beats old"
compares the engine with the old approach on the cases both ran. Targets
without "mean" in the row are held by every case, so the worst case is what
meets them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont
from rich.console import Console
from rich.table import Table

from benchmarks.image_set import group_of
from benchmarks.tables import figure_table
from paletteflow.color import hex_to_rgb
from paletteflow.models import Palette

if TYPE_CHECKING:
    from benchmarks.recolor import Case, ImageRun

Kept = dict[tuple[str, int, str], Image.Image]
CELL = 256
SWATCH = 18
LABEL = 22


@dataclass(frozen=True)
class Row:
    """One line of the summary: the engine on all cases and on the old approach's, and the old."""

    measure: str
    engine: float | None
    by_group: dict[str, float | None]
    engine_on_old_cases: float | None
    old: float | None
    target: str
    meets_target: bool | None
    beats_old: str


@dataclass(frozen=True)
class Spec:
    """How to reduce the cases to one row's figure, and what the figure must reach."""

    measure: str
    reduce: Callable[[list[Case]], float | None]
    bound: float | None
    higher_is_better: bool = True


def _target(bound: float | None, higher_is_better: bool) -> str:
    return "-" if bound is None else f"{'>=' if higher_is_better else '<='} {bound:g}"


def _meets(value: float | None, bound: float | None, higher_is_better: bool) -> bool | None:
    if bound is None or value is None:
        return None
    return value >= bound if higher_is_better else value <= bound


def _quality(
    field: str, reduce: Callable[[list[float]], float]
) -> Callable[[list[Case]], float | None]:
    def reducer(cases: list[Case]) -> float | None:
        values = [getattr(c.quality, field) for c in cases]
        present = [float(v) for v in values if v is not None]
        return reduce(present) if present else None

    return reducer


def _ms(cases: list[Case]) -> float | None:
    return statistics.median(c.ms for c in cases) if cases else None


def _slowest_image_ms(cases: list[Case]) -> float | None:
    by_image: dict[str, list[Case]] = {}
    for case in cases:
        by_image.setdefault(case.image, []).append(case)
    return max((_ms(group) or 0.0) for group in by_image.values()) if by_image else None


SPECS = (
    Spec("alpha kept, worst case", _quality("alpha_kept", min), 1.0),
    Spec("palette-true, mean", _quality("palette_true", statistics.fmean), 0.97),
    Spec("palette-true, worst case", _quality("palette_true", min), 0.8),
    Spec(
        "every colour used, share of applicable cases", _quality("all_used", statistics.fmean), 0.95
    ),
    Spec(
        "palette colours used, mean share (all cases)",
        _quality("colors_used_share", statistics.fmean),
        None,
    ),
    Spec("smoothness, mean", _quality("smoothness", statistics.fmean), 0.9),
    Spec("smoothness, worst case", _quality("smoothness", min), 0.7),
    Spec("distinct, mean", _quality("distinct", statistics.fmean), 0.98),
    Spec("distinct, worst case", _quality("distinct", min), 0.98),
    Spec("edge contrast, mean", _quality("edge_contrast", statistics.fmean), 0.95),
    Spec("edge contrast, worst case", _quality("edge_contrast", min), 0.6),
    Spec("recolour ms a palette, median case", _ms, 50.0, higher_is_better=False),
    Spec(
        "recolour ms a palette, slowest image's median",
        _slowest_image_ms,
        50.0,
        higher_is_better=False,
    ),
)


def summary_rows(runs: Sequence[ImageRun]) -> list[Row]:
    engine = [c for run in runs for c in run.cases if c.approach == "engine"]
    old = [c for run in runs for c in run.cases if c.approach == "old"]
    paired = {(c.image, c.palette) for c in old}
    engine_on_old = [c for c in engine if (c.image, c.palette) in paired]
    groups: dict[str, list[Case]] = {}
    for case in engine:
        groups.setdefault(group_of(case.image), []).append(case)
    rows = [_row(spec, engine, groups, engine_on_old, old) for spec in SPECS]
    speedups = [_speedup(run) for run in runs]
    analyses = [run.analyze_ms for run in runs]
    engine_only = (
        ("speed-up over the old approach, median image", statistics.median(speedups), 100, True),
        ("speed-up over the old approach, worst image", min(speedups), 100, True),
        ("analyze ms (once an image), median", statistics.median(analyses), None, False),
        (
            "single call without shared analysis, ms, median image",
            statistics.median(run.single_call_ms for run in runs),
            80,
            False,
        ),
        ("analyze ms (once an image), slowest", max(analyses), None, False),
        (
            "peak extra memory x image, recolour, worst",
            max(r.recolor_memory for r in runs),
            10,
            False,
        ),
        (
            "peak extra memory x image, analyze, worst",
            max(r.analyze_memory for r in runs),
            10,
            False,
        ),
    )
    for measure, value, bound, higher_is_better in engine_only:
        target = _target(bound, higher_is_better)
        meets = _meets(value, bound, higher_is_better)
        rows.append(Row(measure, value, {}, None, None, target, meets, "n/a"))
    return rows


def _row(
    spec: Spec,
    engine: list[Case],
    groups: dict[str, list[Case]],
    engine_on_old: list[Case],
    old: list[Case],
) -> Row:
    overall, paired, theirs = spec.reduce(engine), spec.reduce(engine_on_old), spec.reduce(old)
    by_group = {group: spec.reduce(cases) for group, cases in sorted(groups.items())}
    verdicts = [_meets(value, spec.bound, spec.higher_is_better) for value in by_group.values()]
    meets = _meets(overall, spec.bound, spec.higher_is_better)
    return Row(
        spec.measure,
        overall,
        by_group,
        paired,
        theirs,
        _target(spec.bound, spec.higher_is_better),
        None if meets is None else meets and False not in verdicts,
        _beats(paired, theirs, spec.higher_is_better),
    )


def _beats(ours: float | None, theirs: float | None, higher_is_better: bool) -> str:
    if ours is None or theirs is None:
        return "n/a"
    if abs(ours - theirs) < 1e-9:
        return "tie"
    return "yes" if (ours > theirs) == higher_is_better else "no"


def _speedup(run: ImageRun) -> float:
    """The old approach's median over the engine's median on the same image, same run."""
    mine = statistics.median(c.ms for c in run.cases if c.approach == "engine")
    theirs = statistics.median(c.ms for c in run.cases if c.approach == "old")
    return theirs / mine


def _figure(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if abs(value) <= 1.5 else f"{value:.1f}"


def print_tables(rows: Sequence[Row], runs: Sequence[ImageRun]) -> None:
    console = Console(width=210)
    engine_cases = sum(c.approach == "engine" for run in runs for c in run.cases)
    old_cases = sum(c.approach == "old" for run in runs for c in run.cases)
    groups = sorted({group_of(run.name) for run in runs})
    headers = (
        "measure",
        "engine (all cases)",
        *(f"engine: {group}" for group in groups),
        "engine (old's cases)",
        "old approach",
        "target",
        "meets? (all groups)",
        "beats old?",
    )
    summary = figure_table(
        headers,
        title="Recolour engine vs the old approach, 1024x1024, one core",
        caption=(
            f"engine (all cases): {len(runs)} images x every palette = {engine_cases} cases. "
            f"old approach: {old_cases} cases, one palette per image (two for the grid's images); "
            "engine (old's cases): the engine on exactly those."
        ),
    )
    for row in rows:
        meets = {True: "yes", False: "NO", None: "-"}[row.meets_target]
        summary.add_row(
            row.measure,
            _figure(row.engine),
            *(_figure(row.by_group.get(group)) for group in groups),
            _figure(row.engine_on_old_cases),
            _figure(row.old),
            row.target,
            meets,
            row.beats_old,
        )
    console.print(summary)
    console.print(_per_image_table(runs))


def _per_image_table(runs: Sequence[ImageRun]) -> Table:
    table = Table(
        title="Per image: engine on every palette | old approach on its palettes (worst case each)"
    )
    headers = (
        "image",
        "mode",
        "regions",
        "analyze ms",
        "engine ms",
        "old ms",
        "speed-up",
        "alpha old",
        "pal-true",
        "used",
        "smooth",
        "distinct",
        "edge",
        "mem x a/r",
    )
    for header in headers:
        table.add_column(header, justify="left" if header == "image" else "right")
    for run in runs:
        engine = [c for c in run.cases if c.approach == "engine"]
        old = [c for c in run.cases if c.approach == "old"]
        applicable = [c.quality.all_used for c in engine if c.quality.all_used is not None]
        table.add_row(
            run.name,
            run.mode,
            str(run.regions),
            f"{run.analyze_ms:.0f}",
            f"{_ms(engine):.1f}",
            f"{_ms(old):.0f}",
            f"{_speedup(run):.0f}x",
            _figure(_quality("alpha_kept", min)(old)),
            _pair("palette_true", engine, old),
            f"{sum(applicable)}/{len(applicable)}" if applicable else "n/a",
            _pair("smoothness", engine, old),
            _pair("distinct", engine, old),
            _pair("edge_contrast", engine, old),
            f"{run.analyze_memory:.1f}/{run.recolor_memory:.1f}",
        )
    return table


def _pair(field: str, engine: list[Case], old: list[Case]) -> str:
    worst = _quality(field, min)
    return f"{_figure(worst(engine))} | {_figure(worst(old))}"


def save_grid(
    path: Path,
    images: Iterable[tuple[str, Image.Image]],
    runs: Sequence[ImageRun],
    palettes: Sequence[Palette],
    kept: Kept,
) -> None:
    """Per grid image one row: original, then engine | old for each of its two old palettes."""
    wanted = {name for name, _, _ in kept}
    sources = [(name, image) for name, image in images if name in wanted]
    subsets = {run.name: run.old_palettes for run in runs}
    columns = 1 + 2 * max(len(subsets[name]) for name, _ in sources)
    height = LABEL + CELL + SWATCH
    grid = Image.new("RGB", (columns * CELL, len(sources) * height), "white")
    font = ImageFont.load_default(size=14)
    for row, (name, image) in enumerate(sources):
        top = row * height
        cells = [(f"{name}: original", image, None)]
        for number in subsets[name]:
            for approach in ("engine", "old"):
                cells.append(
                    (
                        f"{approach}: {palettes[number].name}",
                        kept[(name, number, approach)],
                        palettes[number],
                    )
                )
        draw_row(grid, cells, top, font)
    grid.save(path, optimize=True)


def draw_row(
    grid: Image.Image,
    cells: list[tuple[str, Image.Image, Palette | None]],
    top: int,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
) -> None:
    """One row of a before/after grid: each cell labelled, on a checkerboard, over its swatches."""
    draw = ImageDraw.Draw(grid)
    for column, (label, picture, palette) in enumerate(cells):
        left = column * CELL
        draw.text((left + 4, top + 4), label, fill="black", font=font)
        grid.paste(_on_checkerboard(picture), (left, top + LABEL))
        if palette is not None:
            _draw_swatches(draw, palette, left, top + LABEL + CELL)


def _on_checkerboard(image: Image.Image) -> Image.Image:
    """Scaled to one cell over a grey checkerboard, so lost or kept transparency shows."""
    board = Image.new("RGBA", (CELL, CELL), (255, 255, 255, 255))
    draw = ImageDraw.Draw(board)
    square = 16
    for y in range(0, CELL, square):
        for x in range(0, CELL, square):
            if (x // square + y // square) % 2:
                draw.rectangle((x, y, x + square - 1, y + square - 1), fill=(204, 204, 204, 255))
    board.alpha_composite(image.convert("RGBA").resize((CELL, CELL), Image.Resampling.LANCZOS))
    return board.convert("RGB")


def _draw_swatches(draw: ImageDraw.ImageDraw, palette: Palette, left: int, top: int) -> None:
    width = CELL / len(palette.colors)
    for index, color in enumerate(palette.colors):
        box = (
            round(left + index * width),
            top + 2,
            round(left + (index + 1) * width) - 1,
            top + SWATCH - 1,
        )
        draw.rectangle(box, fill=hex_to_rgb(color), outline=(150, 150, 150))
