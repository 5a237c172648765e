"""How long the offline designer takes for n = 7, first call in a process and warm.

    .venv/bin/python -m benchmarks.palettes

The issue's budget is 50 ms for n = 7. "first call" includes loading the
lexicon and colour-survey data once per process; "warm" is every later call.
Prints median and worst over a set of themes and writes bench-results/palettes.json.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from paletteflow.models import parse_lock
from paletteflow.palettes.lexicon import load_lexicon
from paletteflow.palettes.naming import _survey_table
from paletteflow.palettes.offline import generate_offline

COUNT = 7
REPEATS = 5
THEMES = [
    ("harbor at sunset, fresh and friendly", "a lighthouse"),
    ("lavender field", "a bee"),
    ("coffee shop", "a cup"),
    ("autumn harvest, no red", ""),
    ("flurbo zantique", ""),
    ("", ""),
    ("cyberpunk neon city", "a cat"),
    ("forest", "a leaf"),
]
RESULTS = Path("bench-results")


def first_call_ms() -> float:
    load_lexicon.cache_clear()
    _survey_table.cache_clear()
    started = time.perf_counter()
    generate_offline(*THEMES[0], COUNT)
    return (time.perf_counter() - started) * 1000


def warm_ms(locks: list) -> list[float]:
    timings = []
    for theme, logo in THEMES:
        for _ in range(REPEATS):
            started = time.perf_counter()
            generate_offline(theme, logo, COUNT, locks=locks)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    first = first_call_ms()
    plain = warm_ms([])
    locked = warm_ms([parse_lock("#1a73e8")])
    summary = {
        "n": COUNT,
        "first_call_ms": round(first, 1),
        "warm_median_ms": round(statistics.median(plain), 1),
        "warm_max_ms": round(max(plain), 1),
        "locked_median_ms": round(statistics.median(locked), 1),
        "locked_max_ms": round(max(locked), 1),
        "calls": len(plain) + len(locked),
    }
    for key, value in summary.items():
        print(f"{key:18s} {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "palettes.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
