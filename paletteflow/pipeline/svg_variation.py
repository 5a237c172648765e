"""One colourway of an SVG base image, stored as the SVG and a raster render of it.

The two files share their content-addressed name and differ in extension:
`<palette>-<hash>.svg` and `.png` (or `.webp` when WebP is asked for). The
one the request asks for is the variation's `image_path`, the other is named
in `png_path` or `svg_path`, so a consumer of the old service's keys gets
the file it expects and a printer gets the vector. Like raster variations,
a stored pair is reused, never rewritten.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence

from PIL import Image

from paletteflow.images.cache import BASE_IMAGES
from paletteflow.images.io import ImageFormat, RasterFormat, encode_image, extension, media_type
from paletteflow.models import BaseImage, Palette, Variation, VariationTimings
from paletteflow.neutrals import DEFAULT_KEEP, Keep
from paletteflow.showcase.tiles import TILES
from paletteflow.storage import Storage
from paletteflow.svg.document import document_for
from paletteflow.svg.recolor import recolor_svg
from paletteflow.svg.render import render_png

# Part of an SVG variation's name: bump it when the same colours would be written differently.
SVG_RECOLOR_VERSION = "1"


def render_svg_variation(
    storage: Storage,
    base: BaseImage,
    palette: Palette,
    *,
    svg_key: str,
    strength: float = 1.0,
    image_format: ImageFormat = "svg",
    keep: Sequence[Keep] = DEFAULT_KEEP,
) -> Variation:
    """Recolour the SVG, render it, store both, unless both are already stored under these keys.

    The other file's URL is set by the caller (`variations.url_fields`), as for every URL.
    """
    raster_format: RasterFormat = "webp" if image_format == "webp" else "png"
    raster_key = f"{svg_key.removesuffix('.svg')}.{extension(raster_format)}"
    recolor_s = encode_s = 0.0
    started = time.perf_counter()
    reused = storage.exists(svg_key) and storage.exists(raster_key)
    if not reused:
        _, analysis = BASE_IMAGES.analysed(storage, base)
        document = document_for(base.sha256, lambda: storage.read(base.path))
        started = time.perf_counter()
        text = recolor_svg(document, palette, analysis, strength=strength, keep=keep)
        recolor_s = time.perf_counter() - started
        started = time.perf_counter()
        raster, image = rendered(text, raster_format)
        encode_s = time.perf_counter() - started
        TILES.keep(svg_key if image_format == "svg" else raster_key, image)
        started = time.perf_counter()
        storage.write(svg_key, text.encode(), media_type("svg"))
        storage.write(raster_key, raster, media_type(raster_format))
    store_s = time.perf_counter() - started
    if image_format == "svg":
        image_key, companion = svg_key, {"png_path": raster_key}
    else:
        image_key, companion = raster_key, {"svg_path": svg_key}
    return Variation(
        **palette.model_dump(),
        image_path=image_key,
        image_url=storage.location(image_key),
        **companion,
        timings=VariationTimings(recolor_s=recolor_s, encode_s=encode_s, store_s=store_s),
        reused=reused,
    )


def rendered(svg_text: str, raster_format: RasterFormat) -> tuple[bytes, Image.Image]:
    """The SVG's render encoded as PNG (resvg's own encoding) or WebP, and its pixels."""
    png = render_png(svg_text)
    image = Image.open(io.BytesIO(png))
    return (png if raster_format == "png" else encode_image(image, raster_format)), image
