"""Reading, decoding and encoding images with limits checked before any pixel is decoded.

Images come from other systems, so every way in (bytes, path, fsspec URL, http)
ends in one clear ImageInputError rather than a Pillow traceback.

Recoloured images go out as PNG, the default (every tool opens it, and the old
service returned .png), or as lossless WebP on request. ENCODINGS holds the
settings, chosen by `benchmarks/encoding.py` (in `make bench`; its table is in
docs/outputs.md): PNG through paletteflow's own writer (`png.py`) for RGB and
RGBA, which trades a few percent of bytes for several times Pillow's speed,
since encoding was the largest single cost of a run; Pillow's writer for any
other mode. WebP at method 1, quality 20: much smaller files for a little more
time than the PNG writer, while higher methods cost many times more for a few
kilobytes. `exact` keeps the colour under fully transparent pixels, so a WebP
decodes to the PNG's pixels.

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
from paletteflow.images.png import write_png
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


def bytes_to_store(data: bytes) -> bytes:
    """What is kept of a (validated) input image: its original bytes, but an SVG defused.

    A stored SVG can be opened straight from storage (a public bucket's URL),
    where a browser would run any script it carried; defused, it draws the same
    and runs or fetches nothing.
    """
    return load_document(data).source.encode() if is_svg(data) else data


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


def format_label(format_name: str) -> str:
    """A format as people write it, from its Pillow name, output name or extension: PNG, WebP."""
    upper = format_name.upper()
    return "WebP" if upper == "WEBP" else upper


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
