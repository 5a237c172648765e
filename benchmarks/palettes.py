"""The offline designer against palettes people made, our theme-family table, the rules and time.

    .venv/bin/python -m benchmarks.palettes [--quick]

1. PAT validation texts (../shared/data/text-palettes, measuring only): distance
   to the human palettes, first palette and best of 5, beside chance and a
   word-overlap retrieval baseline from the train split (`text_palettes`).
   Reported for all texts and for the even and odd rows apart: designer
   choices were tuned on the even rows only.
2. Theme families (`theme_families`): share of 7 palettes per theme carrying
   every family a person expects.
3. Closeness to loved palettes (`loved_closeness`): the palettes of the theme
   table (7 per theme) against the loved palettes, beside random
   palettes and half the loved palettes against the other half.
4. Rules: share of all palettes made above that pass every check.
5. Time for n = 7: loading the lexicon, colour survey and word vectors once,
   the first call, then warm calls, median and worst, as wall and CPU time
   (CPU time is the steadier figure when other work shares the cores).
Writes bench-results/palettes.json. `--quick` scores every fifth text.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from functools import partial
from pathlib import Path

from benchmarks.loved_closeness import closeness, loved_floor, random_palettes
from benchmarks.text_palettes import (
    BEST_OF,
    DATA,
    Lab,
    Score,
    TextPalettes,
    chance,
    load_split,
    retrieval,
    score,
    srgb_rows_to_lab,
)
from benchmarks.theme_families import THEME_FAMILIES, family_shares
from paletteflow.color import hex_to_rgb
from paletteflow.models import Palette, parse_lock
from paletteflow.palettes.offline import generate_offline, warm_up

COUNT = 7
REPEATS = 3
TIMED = [
    ("harbor at sunset, fresh and friendly", "a lighthouse"),
    ("lavender field", "a bee"),
    ("coffee shop", "a cup"),
    ("autumn harvest, no red", ""),
    ("flurbo zantique", ""),
    ("", ""),
    ("cyberpunk neon city", "a cat"),
    ("plummy mermaid tails, full of grief", "a leaf"),
]
RESULTS = Path("bench-results")


class RuleTally:
    """Counts palettes and those passing every check, as the designer makes them."""

    def __init__(self) -> None:
        self.palettes = 0
        self.passing = 0

    def add(self, palettes: list[Palette]) -> list[Palette]:
        self.palettes += len(palettes)
        self.passing += sum(all(p.checks.values()) for p in palettes)
        return palettes


def lab_of(palette: Palette) -> Lab:
    return srgb_rows_to_lab([hex_to_rgb(c) for c in palette.colors])


def offline_suggester(tally: RuleTally):
    def suggest(entry: TextPalettes) -> list[Lab]:
        return [lab_of(p) for p in tally.add(generate_offline(entry.text, "", BEST_OF))]

    return suggest


def text_scores(
    train: list[TextPalettes], validation: list[TextPalettes], tally: RuleTally
) -> dict[str, dict[str, float]]:
    """Each generator on the even rows, the odd rows and all of them (the halves combined)."""
    suggesters = {
        "chance": chance(train),
        "retrieval": retrieval(train),
        "offline": offline_suggester(tally),
    }
    rows = {}
    for name, suggest in suggesters.items():
        even, odd = score(suggest, validation[0::2]), score(suggest, validation[1::2])
        rows[name] = {"all": _combined(even, odd), "even": even, "odd": odd}
    return {
        f"{name} {half}": {
            "first": round(s.first, 2),
            "best_of_5": round(s.best, 2),
            "texts": s.texts,
        }
        for name, halves in rows.items()
        for half, s in halves.items()
    }


def _combined(first: Score, second: Score) -> Score:
    texts = first.texts + second.texts
    return Score(
        (first.first * first.texts + second.first * second.texts) / texts,
        (first.best * first.texts + second.best * second.texts) / texts,
        texts,
    )


def theme_scores(tally: RuleTally, made: list[list[str]]) -> dict[str, float]:
    """Family share per theme; every palette's colours are added to `made`."""

    def palettes_for(theme: str) -> list[list[str]]:
        colors = [p.colors for p in tally.add(generate_offline(theme, "", COUNT))]
        made.extend(colors)
        return colors

    return family_shares(palettes_for)


def loved_scores(made: list[list[str]]) -> dict[str, float]:
    """Closeness to loved palettes of ours and of the anchors (lower is closer)."""
    rows = {
        "offline": closeness(made),
        "random colours": closeness(random_palettes(len(made))),
        "loved half vs half": loved_floor(),
    }
    return {name: round(value, 3) for name, value in rows.items()}


def timed(call) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call; CPU time holds steady when other work shares the cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def timings() -> dict[str, float]:
    load_wall, load_cpu = timed(warm_up)
    first_wall, first_cpu = timed(lambda: generate_offline(*TIMED[0], COUNT))
    plain, locked = [], []
    lock = [parse_lock("#1a73e8")]
    for theme, logo in TIMED:
        for _ in range(REPEATS):
            for locks, into in (([], plain), (lock, locked)):
                into.append(timed(partial(generate_offline, theme, logo, COUNT, locks=locks)))
    summary = {
        "load_ms": load_wall,
        "load_cpu_ms": load_cpu,
        "first_call_ms": first_wall,
        "first_call_cpu_ms": first_cpu,
    }
    for name, runs in (("warm", plain), ("locked", locked)):
        for kind, values in (("", [w for w, _ in runs]), ("_cpu", [c for _, c in runs])):
            summary[f"{name}_median{kind}_ms"] = statistics.median(values)
            summary[f"{name}_max{kind}_ms"] = max(values)
    return {key: round(value, 1) for key, value in summary.items()}


def main() -> None:
    step = 5 if "--quick" in sys.argv[1:] else 1
    times = timings()
    have_pat = DATA.is_dir()
    validation = load_split("val")[::step] if have_pat else []
    on_texts, on_themes = RuleTally(), RuleTally()
    texts = text_scores(load_split("train"), validation, on_texts) if have_pat else {}
    made_for_themes: list[list[str]] = []
    shares = theme_scores(on_themes, made_for_themes)
    loved = loved_scores(made_for_themes)
    passing, made = on_texts.passing + on_themes.passing, on_texts.palettes + on_themes.palettes
    summary = {
        "pat_validation": texts,
        "theme_family_share": round(statistics.mean(shares.values()), 3),
        "themes_below_full": {t: round(s, 2) for t, s in shares.items() if s < 1},
        "loved_closeness": loved,
        "rules_pass_share": round(passing / made, 4),
        "palettes_checked": made,
        "time_n7": times,
    }
    if texts:
        count = texts["offline all"]["texts"]
        print(f"PAT validation ({count} texts): distance to human palettes")
        print(f"  {'generator':15s} {'texts':>5s} {'first':>7s} {'best of 5':>10s}")
        for name, row in texts.items():
            print(f"  {name:15s} {row['texts']:5d} {row['first']:7.2f} {row['best_of_5']:10.2f}")
    else:
        print(f"PAT validation: no data at {DATA}, so no distance to human palettes")
    print(
        f"theme families ({len(THEME_FAMILIES)} themes x {COUNT}): {summary['theme_family_share']}"
    )
    for theme, share in summary["themes_below_full"].items():
        print(f"  {share:.2f}  {theme}")
    print("closeness to loved palettes (energy distance of palette features, lower is closer):")
    for name, value in loved.items():
        print(f"  {name:20s} {value:.3f}")
    print(f"rules: {passing}/{made} palettes pass every check")
    for key, value in times.items():
        print(f"{key:20s} {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "palettes.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
