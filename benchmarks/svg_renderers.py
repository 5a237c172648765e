"""Why paletteflow renders SVG with `resvg` and not `resvg-py`: the same PNG bytes, faster.

Both wheels wrap the same Rust library and neither needs a system package.
Not part of `make bench` (resvg-py is no dependency); run it in a throwaway
environment:

    python3 -m venv /tmp/renderers && /tmp/renderers/bin/pip install resvg==0.2.0 resvg-py==0.5.0
    /tmp/renderers/bin/python benchmarks/svg_renderers.py

Best of five renders of each SVG of benchmarks/images/svg named below (and
an empty canvas) to PNG bytes, at 512 and 1024 px; the bytes are compared.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import resvg_py
from resvg import render, usvg

ART = Path(__file__).resolve().parent / "images" / "svg"
NAMES = ("devicon-kotlin", "devicon-chrome", "devicon-firefox", "fox")
RUNS = 5


def best_ms(call: Callable[[], bytes]) -> tuple[float, bytes]:
    times, out = [], b""
    for _ in range(RUNS):
        started = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - started)
    return min(times) * 1000, out


def with_resvg(svg: str, side: int) -> bytes:
    tree = usvg.Tree.from_str(svg, usvg.Options.default())
    scale = side / max(tree.int_size())
    return bytes(render(tree, (scale, 0, 0, 0, scale, 0), bg_size=(side, side)))


def with_resvg_py(svg: str, side: int) -> bytes:
    return bytes(
        resvg_py.svg_to_bytes(svg_string=svg, width=side, height=side, skip_system_fonts=True)
    )


def main() -> None:
    cases = {"empty canvas": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128"/>'}
    cases |= {name: (ART / f"{name}.svg").read_text() for name in NAMES}
    for side in (512, 1024):
        for name, svg in cases.items():
            slow, slow_png = best_ms(partial(with_resvg_py, svg, side))
            fast, fast_png = best_ms(partial(with_resvg, svg, side))
            print(
                f"{side:5d} {name:16s} resvg-py {slow:6.1f} ms  resvg {fast:6.1f} ms  "
                f"same bytes: {slow_png == fast_png}"
            )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
