"""The offline designer against palettes people made, our theme-family table, the rules and time.

    .venv/bin/python -m benchmarks.palettes [--quick]

1. PAT validation texts (../shared/data/text-palettes, measuring only): distance
   to the human palettes, first palette and best of 5, beside chance and a
   word-overlap retrieval baseline from the train split (`text_palettes`).
2. Theme families (`theme_families`): share of 7 palettes per theme carrying
   every family a person expects.
3. Rules: share of all palettes made above that pass every check.
4. Time for n = 7: the first call in a process (loads the lexicon, the colour
   survey and the word vectors once), then warm calls, median and worst.
Writes bench-results/palettes.json. `--quick` scores every fifth text.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from benchmarks.text_palettes import (
    BEST_OF,
    Lab,
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


def offline_suggester(tally: RuleTally):
    def suggest(entry: TextPalettes) -> list[Lab]:
        palettes = tally.add(generate_offline(entry.text, "", BEST_OF))
        return [srgb_rows_to_lab([hex_to_rgb(c) for c in p.colors]) for p in palettes]

    return suggest


def text_scores(step: int, tally: RuleTally) -> dict[str, dict[str, float]]:
    train, validation = load_split("train"), load_split("val")[::step]
    rows = {
        "chance": score(chance(train), validation),
        "retrieval": score(retrieval(train), validation),
        "offline": score(offline_suggester(tally), validation),
    }
    return {
        name: {"first": round(s.first, 2), "best_of_5": round(s.best, 2), "texts": s.texts}
        for name, s in rows.items()
    }


def theme_scores(tally: RuleTally) -> dict[str, float]:
    def palettes_for(theme: str) -> list[list[str]]:
        return [p.colors for p in tally.add(generate_offline(theme, "", COUNT))]

    return family_shares(palettes_for)


def timings() -> dict[str, float]:
    started = time.perf_counter()
    warm_up()
    load_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    generate_offline(*TIMED[0], COUNT)
    first_ms = (time.perf_counter() - started) * 1000
    plain, locked = [], []
    lock = [parse_lock("#1a73e8")]
    for theme, logo in TIMED:
        for _ in range(REPEATS):
            for locks, into in (([], plain), (lock, locked)):
                started = time.perf_counter()
                generate_offline(theme, logo, COUNT, locks=locks)
                into.append((time.perf_counter() - started) * 1000)
    return {
        "load_ms": round(load_ms, 1),
        "first_call_ms": round(first_ms, 1),
        "warm_median_ms": round(statistics.median(plain), 1),
        "warm_max_ms": round(max(plain), 1),
        "locked_median_ms": round(statistics.median(locked), 1),
        "locked_max_ms": round(max(locked), 1),
    }


def main() -> None:
    step = 5 if "--quick" in sys.argv[1:] else 1
    times = timings()
    tally = RuleTally()
    texts = text_scores(step, tally)
    shares = theme_scores(tally)
    summary = {
        "pat_validation": texts,
        "theme_family_share": round(statistics.mean(shares.values()), 3),
        "themes_below_full": {t: round(s, 2) for t, s in shares.items() if s < 1},
        "rules_pass_share": round(tally.passing / tally.palettes, 4),
        "palettes_checked": tally.palettes,
        "time_n7": times,
    }
    print(f"PAT validation ({texts['offline']['texts']} texts): distance to human palettes")
    print(f"  {'generator':10s} {'first':>7s} {'best of 5':>10s}")
    for name, row in texts.items():
        print(f"  {name:10s} {row['first']:7.2f} {row['best_of_5']:10.2f}")
    print(f"theme families ({len(THEME_FAMILIES)} themes x {COUNT}): {summary['theme_family_share']}")
    for theme, share in summary["themes_below_full"].items():
        print(f"  {share:.2f}  {theme}")
    print(f"rules: {tally.passing}/{tally.palettes} palettes pass every check")
    for key, value in times.items():
        print(f"{key:18s} {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "palettes.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
