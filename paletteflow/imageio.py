"""Reading, decoding and encoding images with limits checked before any pixel is decoded.

Images come from other systems, so every way in (bytes, path, fsspec URL, http)
ends in one clear ImageInputError rather than a Pillow traceback.

Recoloured images go out as PNG, the default (every tool opens it, and the old
service returned .png), or as lossless WebP on request. ENCODINGS holds the
settings, chosen by `.venv/bin/python -m benchmarks.encoding` (in `make bench`):
17 recoloured 1024x1024 images; best of 3 calls (level 9, optimize, m5 and m6:
one); median per image over the 15 logos, then over the gradient and the
photo-like image; Pillow 13, zlib-ng 2.3, ISA-L via isal 1.9, libwebp 1.6;
2 cores, load about 1:

    setting                      logos: ms, kB, size/PNG 6   gradient+photo: ms, kB, size
    PNG level 6 (Pillow's)        32.1  48  1.00              333  1301  1.00
    PNG level 1                   22.7  69  1.45               80  1476  1.14
    PNG Z_RLE (Pillow)            22.3  57  1.13               71  1270  0.97
    PNG Up + zlib Z_RLE            8.3  65  1.35               30  1276  0.97
    PNG Up + ISA-L 1 (png_writer)  1.4  66  1.42  <- png       10  1396  1.08
    PNG level 9 / optimize        91-99 45  0.94-0.95     1221-1370  0.93-0.98
    WebP m0 q0                     8.7  35  0.76               32  1203  0.90
    WebP m1 q20                    9.9  15  0.34  <- webp     105  1053  0.79
    WebP m2-m4                    18-24 13-14 0.28-0.31   150-305  0.78-0.79
    WebP m5 / m6                  279 / 1536 (m6 on 5 logos)  753 / not run

PNG: paletteflow's own writer (png_writer.py) for RGB and RGBA, Pillow's for
anything else. Pillow spends most of its time choosing a filter for each row;
the writer gives every row the Up filter and deflates with ISA-L at level 1:
23x faster than Pillow's default on logos and 33x on smooth images, 6x and 3x
faster than the same filter deflated by zlib's Z_RLE (the writer before ISA-L),
for 2% more bytes than that on a logo and 9% on smooth images (42% and 8% more
than Pillow's default). Encoding was the largest single cost of a run (half
of benchmarks/pipeline.py's floor before the writer), so speed wins over
those kilobytes; use webp for small files. Level 9 and optimize save 2-7% for
3-4x level 6's time.
WebP: method 1 with quality 20 (cwebp -z 1) is a third of PNG 6's size on
logos for 10 ms a logo; higher methods save 1-2 kB more a logo for
2-155x the time, and method 0 is as fast but 0.76 of PNG 6 (228 kB for an
opaque logo PNG 6 stores in 26). Its slow cases are the sample logo and two
opaque logos, up to 74 ms. `exact` keeps the colour under fully transparent
pixels, so a WebP decodes to the PNG's pixels.

Both write pixels only (no time, text, ICC profile or EXIF), so equal pixels
give equal bytes under the same numpy, zlib and libwebp.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args
from urllib.parse import urlsplit

import fsspec
import httpx
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from paletteflow.errors import ImageInputError
from paletteflow.png_writer import write_png
from paletteflow.secrets import redact_url, scrub, secret_values, url_secrets
from paletteflow.svg import is_svg, load_document, render_image

DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
PILLOW_MAX_PIXELS = Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS
HTTP_TIMEOUT_S = 30.0

_MEDIA_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "SVG": "image/svg+xml",
}
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "SVG": "svg"}


def read_image_source(
    location: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    storage_options: dict | None = None,
    timeout_s: float = HTTP_TIMEOUT_S,
) -> bytes:
    """The raw bytes behind a local path, an fsspec URL or an http(s) URL, refusing oversize input.

    Every failure is an ImageInputError, including an unreachable host: the
    request names an input that cannot be had, and the CLI reports it as such.
    """
    shown = redact_url(location)
    if urlsplit(location).scheme in ("http", "https"):
        return _read_http(location, shown, max_bytes, timeout_s)
    try:
        with fsspec.open(location, "rb", **(storage_options or {})) as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImageInputError(f"image not found: {shown}; check the path or URL") from None
    except IsADirectoryError:
        raise ImageInputError(f"{shown} is a folder; give the path of an image file") from None
    except Exception as error:
        secrets = secret_values(storage_options or {}) | url_secrets(location)
        detail = scrub(f"{type(error).__name__}: {error}", secrets)
        raise ImageInputError(
            f"could not read image {shown} ({detail}); check the path, URL and storage options"
        ) from None
    _check_size(len(data), max_bytes, shown)
    return data


def _read_http(url: str, shown: str, max_bytes: int, timeout_s: float) -> bytes:
    chunks: list[bytes] = []
    received = 0
    try:
        with (
            httpx.Client(timeout=timeout_s, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise ImageInputError(
                    f"could not download image {shown}: HTTP {response.status_code}; check the URL"
                )
            declared = response.headers.get("content-length", "")
            _check_size(int(declared) if declared.isdigit() else 0, max_bytes, shown)
            for chunk in response.iter_bytes():
                received += len(chunk)
                _check_size(received, max_bytes, shown)
                chunks.append(chunk)
    except httpx.HTTPError as error:
        raise ImageInputError(
            f"could not download image {shown}: {type(error).__name__}; check the URL and network"
        ) from None
    return b"".join(chunks)


def _check_size(size: int, max_bytes: int, shown: str) -> None:
    if size > max_bytes:
        raise ImageInputError(
            f"image {shown} is larger than {max_bytes} bytes; shrink it or raise max_image_bytes"
        )


def decode_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode to RGB or RGBA, upright, first frame, refusing oversize images before decoding.

    An SVG is defused and rendered (`paletteflow.svg`): its pixels are its render.
    """
    if not data:
        raise ImageInputError("the image is empty (0 bytes); give a PNG, JPEG, WebP or SVG file")
    if is_svg(data):
        image = render_image(load_document(data).source)
        check_pixel_limit(image.size, max_pixels)
        return image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(_too_many_pixels_message(None, max_pixels)) from None
    except UnidentifiedImageError:
        raise ImageInputError(
            "the data is not an image Pillow can read; give a PNG, JPEG, WebP or SVG file"
        ) from None
    check_pixel_limit(image.size, max_pixels)
    try:
        _verify_checksums(data)
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageInputError(
            f"the image is truncated or corrupt ({error}); re-export it and try again"
        ) from None
    return to_working_mode(upright)


def check_pixel_limit(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise ImageInputError(_too_many_pixels_message(size, max_pixels))


def _verify_checksums(data: bytes) -> None:
    """Check the container's own checksums (PNG chunk CRCs) without decoding pixels.

    Decoding stops once it has every pixel it needs, so damaged image data can
    decode to garbage without an error; the checksums catch it.
    """
    with Image.open(io.BytesIO(data)) as image:
        image.verify()


def frame_count(data: bytes) -> int:
    """How many frames an (already validated) image has: animated GIF, APNG and WebP have several."""
    if is_svg(data):
        return 1
    with Image.open(io.BytesIO(data)) as image:
        return int(getattr(image, "n_frames", 1))


def _too_many_pixels_message(size: tuple[int, int] | None, max_pixels: int) -> str:
    shown = f"{size[0]}x{size[1]} " if size else ""
    return f"the image {shown}has more than {max_pixels} pixels; downscale it or raise max_image_pixels"


def to_working_mode(image: Image.Image) -> Image.Image:
    """RGB or RGBA at 8 bits, whatever came in: recolouring works on those two only."""
    if image.mode in ("RGB", "RGBA"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        grey = np.asarray(image, dtype=np.uint32)
        scale = 257 if grey.max(initial=0) > 255 else 1
        return Image.fromarray((grey // scale).clip(0, 255).astype(np.uint8), "L").convert("RGB")
    has_alpha = image.mode in ("LA", "PA", "La", "RGBa") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


ImageFormat = Literal["png", "webp", "svg"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = get_args(ImageFormat)
RasterFormat = Literal["png", "webp"]
RASTER_FORMATS: tuple[RasterFormat, ...] = get_args(RasterFormat)
# What a request may ask for: a format, or "auto" (svg for an SVG image, else png).
RequestedFormat = Literal["auto", "png", "webp", "svg"]


@dataclass(frozen=True)
class Encoding:
    """How one output format is written: Pillow's encoder and options, and the largest side it takes.

    A `writer` of our own goes first; it answers None for images it does not take.
    """

    pillow_format: str
    options: Mapping[str, Any]
    max_side: int | None = None
    writer: Callable[[Image.Image], bytes | None] | None = None

    def encode(self, image: Image.Image) -> bytes:
        if self.writer is not None and (written := self.writer(image)) is not None:
            return written
        buffer = io.BytesIO()
        image.save(buffer, format=self.pillow_format, **self.options)
        return buffer.getvalue()


# Chosen by `python -m benchmarks.encoding`; the module docstring has the figures.
ENCODINGS: dict[RasterFormat, Encoding] = {
    "png": Encoding("PNG", {"compress_level": 6, "compress_type": 3}, writer=write_png),
    "webp": Encoding(
        "WEBP", {"lossless": True, "method": 1, "quality": 20, "exact": True}, max_side=16383
    ),
}


def check_image_format(name: str) -> ImageFormat:
    """An output format name, any case, as ENCODINGS knows it; ValueError naming the choices."""
    chosen = name.strip().lower()
    if chosen not in IMAGE_FORMATS:
        raise ValueError(
            f"unknown image format {name!r}; use {', '.join(IMAGE_FORMATS[:-1])} or "
            f"{IMAGE_FORMATS[-1]}"
        )
    return cast(ImageFormat, chosen)


def check_encodable(size: tuple[int, int], image_format: ImageFormat) -> None:
    """Refuse an image the format cannot hold (WebP stops at 16383 px a side) before any work."""
    if image_format not in ENCODINGS:
        return
    limit = ENCODINGS[image_format].max_side
    if limit is not None and max(size) > limit:
        raise ImageInputError(
            f"{image_format} holds at most {limit} pixels a side and the image is "
            f"{size[0]}x{size[1]}; use png or downscale it"
        )


def encode_image(image: Image.Image, image_format: RasterFormat = "png") -> bytes:
    """The image in an output format, with no timestamps or text chunks: equal pixels, equal bytes."""
    check_encodable(image.size, image_format)
    return ENCODINGS[image_format].encode(image)


def encode_png(image: Image.Image) -> bytes:
    """PNG whatever the request chose: sample logos and contact sheets are always PNG."""
    return encode_image(image, "png")


def media_type(format_name: str) -> str:
    return _MEDIA_TYPES.get(format_name.upper(), "application/octet-stream")


def extension(format_name: str) -> str:
    """The file extension for a Pillow format name or an output format name, without the dot."""
    return _EXTENSIONS.get(format_name.upper(), "bin")


def output_format(requested: RequestedFormat, base_format: str) -> ImageFormat:
    """The variations' format: as requested, or for "auto" SVG for an SVG image and PNG for the rest."""
    if requested == "auto":
        return "svg" if base_format == "SVG" else "png"
    if requested == "svg" and base_format != "SVG":
        raise ImageInputError(
            f"svg output needs an SVG image and this one is {base_format}; use png or webp"
        )
    return requested


def sniff_format(data: bytes) -> str:
    """The container format from the header alone, without decoding pixels."""
    if is_svg(data):
        return "SVG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            return (image.format or "PNG").upper()
    except (UnidentifiedImageError, OSError):
        return "BIN"
