"""PNG for 8-bit RGB and RGBA, about three times as fast as Pillow's writer, with the same pixels.

Pillow chooses a filter for every row by trying all five, and that choice is
most of its time: at level 0, compressing nothing, it took 19.6 ms a 1024 px
logo, against 23 with Z_RLE. This
writer gives every row the Up filter (each byte minus the one above it),
computed with numpy, then deflates with zlib's Z_RLE strategy: flat fills
and antialiased edges, most of a logo, become runs of zeros. On the
benchmark's 15 logos that is 8.1 ms a logo against 23.1 for Pillow with
Z_RLE, for 14% more bytes; on a gradient and a photo-like image, 30 ms
against 71, the same size (`.venv/bin/python -m benchmarks.encoding`).
Rows go through in blocks, so memory beyond the image stays at one block;
numpy and zlib release the GIL, so writers on several threads share the cores.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPES = {"RGB": 2, "RGBA": 6}
UP_FILTER = 2
ROWS_PER_BLOCK = 256


def write_png(image: Image.Image) -> bytes | None:
    """The image as PNG bytes, or None for a mode this writer does not take (Pillow's, then)."""
    colour_type = COLOUR_TYPES.get(image.mode)
    if colour_type is None:
        return None
    width, height = image.size
    rows = np.asarray(image).reshape(height, -1)
    compressor = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
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
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
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
