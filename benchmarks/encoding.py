"""Encoder settings for the recoloured images: encode time, bytes and decode time, in one run.

    make bench            # or: .venv/bin/python -m benchmarks.encoding

Every image of benchmarks/image_set.py (1024x1024) is recoloured once, then
encoded with each candidate below; a figure is the best of three encodes (and
of three decodes through paletteflow's own decode_image, which also checks
that the decoded pixels equal the encoded ones: every candidate is lossless).
Settings ten times slower than the rest are timed once instead, to keep the
run near a minute and a half.
Logos (the Twemoji, the sample logo and the opaque logos) and the smooth
images (gradient, photo-like) are reported apart: they compress differently,
and a default has to serve both.

PNG: zlib levels 1, 6 (Pillow's default) and 9; the Z_RLE strategy
(compress_type=3; zlib ignores the level with it); optimize=True; and
paletteflow's own writer (paletteflow/images/png.py: the Up filter on every
row instead of Pillow's per-row choice), deflated by ISA-L at level 1, and by
zlib's Z_RLE as it was before ISA-L. WebP
lossless: one setting per method 0..6, with the quality libwebp's own
lossless presets (cwebp -z 0..9) pair with that method, plus -z 6, cwebp's
default. Timed once: PNG level 9, optimize and WebP method 5. Method 6 takes
seconds an image, so it runs once on every third logo and not on the smooth
images.

Prints one table per group and writes bench-results/encoding.json. The rows
that are paletteflow's shipped encoders (paletteflow.images.io.ENCODINGS) are
marked "default".
"""

from __future__ import annotations

import json
import os
import statistics
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from PIL import Image, features
from PIL import __version__ as pillow_version
from rich.console import Console

from benchmarks.image_set import SIDE, load_image_set
from benchmarks.tables import figure_table
from paletteflow.images.io import ENCODINGS, Encoding, decode_image
from paletteflow.images.png import Deflater, write_png
from paletteflow.palettes.offline import generate_offline
from paletteflow.recolor import recolor_image

RESULTS = Path("bench-results")
SMOOTH = ("gradient", "photo-like")
SLOWEST_LOGO_STRIDE = 3
REFERENCE = "png 6"
T = TypeVar("T")


Cost = Literal["fast", "slow", "slowest"]
# Best of how many calls, per cost; the slowest run on every third logo only.
REPEATS: dict[Cost, int] = {"fast": 3, "slow": 1, "slowest": 1}


@dataclass(frozen=True)
class Candidate:
    """One encoder setting and how costly it is to time."""

    name: str
    encoding: Encoding
    cost: Cost = "fast"


def _png(name: str, cost: Cost = "fast", **options: Any) -> Candidate:
    return Candidate(name, Encoding("PNG", options), cost)


def _zlib_rle() -> Deflater:
    return zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)


def _webp(preset: int, method: int, quality: int, cost: Cost = "fast") -> Candidate:
    options = {"lossless": True, "method": method, "quality": quality, "exact": True}
    return Candidate(f"webp m{method} q{quality} (-z {preset})", Encoding("WEBP", options), cost)


CANDIDATES = (
    _png("png 1", compress_level=1),
    _png(REFERENCE, compress_level=6),
    _png("png 9", "slow", compress_level=9),
    _png("png Z_RLE", compress_level=6, compress_type=3),
    _png("png optimize", "slow", optimize=True),
    Candidate(
        "png Up + zlib Z_RLE (png_writer until ISA-L)",
        Encoding("PNG", {}, writer=partial(write_png, deflater=_zlib_rle)),
    ),
    Candidate("png Up + ISA-L 1 (png_writer)", ENCODINGS["png"]),
    # libwebp's kLosslessPresets: -z level -> (method, quality).
    _webp(0, 0, 0),
    _webp(1, 1, 20),
    _webp(2, 2, 25),
    _webp(3, 3, 30),
    _webp(5, 4, 50),
    _webp(6, 4, 75),
    _webp(8, 5, 90, "slow"),
    _webp(9, 6, 100, "slowest"),
)


@dataclass(frozen=True)
class Measurement:
    image: str
    group: str
    candidate: str
    encode_ms: float
    kb: float
    decode_ms: float


def best_of(call: Callable[[], T], repeats: int) -> tuple[T, float]:
    """The call's result and its fastest time in milliseconds over `repeats` calls."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    return result, best * 1000


def measure(name: str, image: Image.Image, candidate: Candidate) -> Measurement:
    repeats = REPEATS[candidate.cost]
    data, encode_ms = best_of(lambda: candidate.encoding.encode(image), repeats)
    decoded, decode_ms = best_of(lambda: decode_image(data), repeats)
    if decoded.mode != image.mode or not np.array_equal(np.asarray(decoded), np.asarray(image)):
        raise AssertionError(f"{candidate.name} is not lossless on {name}")
    group = "gradient/photo" if name in SMOOTH else "logos"
    return Measurement(name, group, candidate.name, encode_ms, len(data) / 1024, decode_ms)


def runs_on(candidate: Candidate, index: int, name: str) -> bool:
    if candidate.cost != "slowest":
        return True
    return name not in SMOOTH and index % SLOWEST_LOGO_STRIDE == 0


def is_default(candidate: Candidate) -> bool:
    """Whether paletteflow ships this setting: the same encoder with the same options."""
    ours = candidate.encoding
    return any(
        (shipped.pillow_format, shipped.options, shipped.writer)
        == (ours.pillow_format, ours.options, ours.writer)
        for shipped in ENCODINGS.values()
    )


def summarise(measurements: list[Measurement], group: str) -> list[dict[str, Any]]:
    """Per candidate: median and worst encode time and size, size against png 6, median decode."""
    reference = {m.image: m.kb for m in measurements if m.candidate == REFERENCE}
    rows = []
    for candidate in CANDIDATES:
        own = [m for m in measurements if m.candidate == candidate.name and m.group == group]
        if not own:
            continue
        rows.append(
            {
                "candidate": candidate.name,
                "default": is_default(candidate),
                "images": len(own),
                "timed": _timed(REPEATS[candidate.cost]),
                "encode_ms_median": statistics.median(m.encode_ms for m in own),
                "encode_ms_worst": max(m.encode_ms for m in own),
                "kb_median": statistics.median(m.kb for m in own),
                "kb_worst": max(m.kb for m in own),
                "size_vs_png6_median": statistics.median(m.kb / reference[m.image] for m in own),
                "decode_ms_median": statistics.median(m.decode_ms for m in own),
            }
        )
    return rows


def _timed(repeats: int) -> str:
    return f"best of {repeats}" if repeats > 1 else "once"


def print_table(console: Console, group: str, rows: list[dict[str, Any]]) -> None:
    headers = ("setting", "images", "timed", "encode ms", "KB", "size / png 6", "decode ms", "")
    table = figure_table(headers, title=f"{group}: median (worst) per image", title_justify="left")
    for row in rows:
        table.add_row(
            row["candidate"],
            str(row["images"]),
            row["timed"],
            f"{row['encode_ms_median']:.1f} ({row['encode_ms_worst']:.1f})",
            f"{row['kb_median']:.0f} ({row['kb_worst']:.0f})",
            f"{row['size_vs_png6_median']:.2f}",
            f"{row['decode_ms_median']:.1f}",
            "default" if row["default"] else "",
        )
    console.print(table)


def main() -> None:
    started, load_at_start = time.perf_counter(), os.getloadavg()
    palette = generate_offline("harbor at sunset, fresh and friendly", "a lighthouse", 1)[0]
    images = [(name, recolor_image(image, palette)) for name, image in load_image_set()]
    measurements = []
    for candidate in CANDIDATES:
        measurements += [
            measure(name, image, candidate)
            for index, (name, image) in enumerate(images)
            if runs_on(candidate, index, name)
        ]
        print(f"  {candidate.name:24s} done at {time.perf_counter() - started:6.1f} s", flush=True)
    summary = {group: summarise(measurements, group) for group in ("logos", "gradient/photo")}
    RESULTS.mkdir(exist_ok=True)
    report = {
        "side": SIDE,
        "palette": palette.model_dump(include={"name", "colors", "roles"}),
        "versions": {
            "pillow": pillow_version,
            "zlib": features.version("zlib"),
            "zlib_ng": features.version("zlib_ng"),
            "libwebp": features.version("webp"),
        },
        "repeats": REPEATS,
        "slowest_candidates": "on every third logo, not on gradient/photo",
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
        "seconds": round(time.perf_counter() - started, 1),
        "candidates": [
            {
                "name": candidate.name,
                "format": candidate.encoding.pillow_format,
                "options": dict(candidate.encoding.options),
                "writer": getattr(candidate.encoding.writer, "__qualname__", None),
                "cost": candidate.cost,
            }
            for candidate in CANDIDATES
        ],
        "summary": summary,
        "measurements": [asdict(m) for m in measurements],
    }
    (RESULTS / "encoding.json").write_text(json.dumps(report, indent=1) + "\n")
    console = Console(width=120)
    for group, rows in summary.items():
        print_table(console, group, rows)
    print(
        f"\n{len(images)} images, {len(CANDIDATES)} settings; took "
        f"{time.perf_counter() - started:.0f} s. Written: {RESULTS / 'encoding.json'}"
    )


if __name__ == "__main__":
    main()
