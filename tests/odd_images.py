"""Image files other systems send: broken ones to refuse, unusual ones to handle.

Built byte by byte where Pillow cannot write them (16-bit RGB PNG, a header
promising more pixels than exist), so each case is exactly what it claims.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_from_rows(width: int, height: int, bit_depth: int, color_type: int, rows: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def pixel_bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 100-byte PNG whose header claims 900 million pixels: decoding it would eat gigabytes."""
    return png_from_rows(width, height, 1, 0, b"\x00" * 16)


def rgb16_png(color: tuple[int, int, int], size: int = 4) -> bytes:
    """A 48-bit RGB PNG filled with one 16-bit colour."""
    row = b"\x00" + struct.pack(">HHH", *color) * size
    return png_from_rows(size, size, 16, 2, row * size)


def corrupt_png(png: bytes) -> bytes:
    """A PNG whose image data has been overwritten in the middle: CRC and zlib both break."""
    start = png.index(b"IDAT") + 4
    middle = start + (len(png) - start) // 2
    return png[:start] + png[start:middle] + b"\xff" * 64 + png[middle + 64 :]


def encoded(image: Image.Image, format_name: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **options)
    return buffer.getvalue()


def animated_gif(colors: tuple[str, ...] = ("red", "green", "blue")) -> bytes:
    frames = [Image.new("RGB", (16, 16), color) for color in colors]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def animated_png(colors: tuple[str, ...] = ("red", "green")) -> bytes:
    frames = [Image.new("RGBA", (16, 16), color) for color in colors]
    return encoded(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)


def cmyk_jpeg(cmyk: tuple[int, int, int, int]) -> bytes:
    return encoded(Image.new("CMYK", (16, 16), cmyk), "JPEG", quality=95)


def palette_png_with_transparency() -> bytes:
    """A P-mode PNG: index 0 fully transparent, index 1 opaque red."""
    image = Image.fromarray(np.array([[0, 1], [1, 0]], dtype=np.uint8), "P")
    image.putpalette([0, 0, 0, 255, 0, 0] + [0, 0, 0] * 254)
    return encoded(image, "PNG", transparency=0)


def grey_alpha_png() -> bytes:
    pixels = np.zeros((4, 4, 2), dtype=np.uint8)
    pixels[..., 0] = 200
    pixels[:, :2, 1] = 255
    return encoded(Image.fromarray(pixels, "LA"), "PNG")


def exif_rotated_jpeg() -> bytes:
    """20x10 pixels on disk, tagged 'rotate 90 clockwise' (orientation 6): 10x20 when upright."""
    image = Image.new("RGB", (20, 10), "red")
    image.paste((0, 0, 255), (0, 0, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(image, "JPEG", exif=exif, quality=95)
