"""PNG for 8-bit RGB and RGBA, many times as fast as Pillow's writer, with the same pixels.

Pillow chooses a filter for every row by trying all five, and that choice is
most of its time. This writer gives every row the Up filter (each byte minus
the one above it), computed with numpy, then deflates with ISA-L (the `isal`
package: Intel's deflate, zlib-compatible output) at its level 1. Flat fills
and antialiased edges, most of a logo, become runs of zeros that ISA-L's
matcher finds several times faster than zlib, for a few percent more bytes
(figures: `benchmarks/encoding.py`, docs/outputs.md). Rows go through in
blocks, so memory beyond the image stays at one block; numpy and ISA-L release
the GIL, so writers on several threads share the cores.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import Protocol

import numpy as np
from isal import isal_zlib
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_TYPES = {"RGB": 2, "RGBA": 6}
UP_FILTER = 2
ROWS_PER_BLOCK = 256


class Deflater(Protocol):
    """A zlib-format stream compressor, as `zlib.compressobj` and `isal_zlib.compressobj` make."""

    def compress(self, data: bytes | np.ndarray, /) -> bytes: ...

    def flush(self) -> bytes: ...


def isal_deflater() -> Deflater:
    return isal_zlib.compressobj(1, isal_zlib.DEFLATED, 15)


def write_png(image: Image.Image, deflater: Callable[[], Deflater] = isal_deflater) -> bytes | None:
    """The image as PNG bytes, or None for a mode this writer does not take (Pillow's, then).

    `deflater` lets the encoding benchmark weigh other compressors on the same filtered rows.
    """
    color_type = COLOR_TYPES.get(image.mode)
    if color_type is None:
        return None
    width, height = image.size
    rows = np.asarray(image).reshape(height, -1)
    compressor = deflater()
    compressed = []
    above = np.zeros((1, rows.shape[1]), np.uint8)
    for top in range(0, height, ROWS_PER_BLOCK):
        block = rows[top : top + ROWS_PER_BLOCK]
        filtered = np.empty((len(block), 1 + rows.shape[1]), np.uint8)
        filtered[:, 0] = UP_FILTER
        np.subtract(block[:1], above, out=filtered[:1, 1:])
        np.subtract(block[1:], block[:-1], out=filtered[1:, 1:])
        compressed.append(compressor.compress(filtered))
        above = block[-1:]
    compressed.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join(
        (
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", b"".join(compressed)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
