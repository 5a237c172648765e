"""Step 4: one palette's variation, recoloured, encoded and stored under a content-addressed key."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence

from paletteflow.images.cache import BASE_IMAGES
from paletteflow.images.io import ImageFormat, encode_image, extension, media_type
from paletteflow.models import BaseImage, Palette, Variation, VariationTimings
from paletteflow.neutrals import DEFAULT_KEEP, Keep
from paletteflow.pipeline.svg_variation import SVG_RECOLOR_VERSION, render_svg_variation
from paletteflow.recolor import RECOLOR_VERSION, recolor_image
from paletteflow.showcase.tiles import TILES
from paletteflow.slugs import slugify
from paletteflow.storage import Storage


def variation_key(
    base: BaseImage,
    palette: Palette,
    strength: float,
    image_format: ImageFormat = "png",
    keep: Sequence[Keep] = DEFAULT_KEEP,
) -> str:
    """Where a variation is stored: named by everything that decides its pixels, and its format.

    The encoder's settings are not in it: they change the bytes, never the
    pixels, so a variation stored before a change of setting is still right.
    """
    fingerprint = json.dumps(
        {
            "base": base.sha256,
            "colors": palette.colors,
            "roles": palette.roles,
            "strength": round(strength, 6),
            "keep": list(keep),
            "recolor": RECOLOR_VERSION,
            "format": image_format,
            **({"svg": SVG_RECOLOR_VERSION} if image_format == "svg" else {}),
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    name = f"{slugify(palette.name)}-{digest}.{extension(image_format)}"
    return f"{base.concept_dir}/variations/{name}"


def render_variation(
    storage: Storage,
    base: BaseImage,
    palette: Palette,
    *,
    strength: float = 1.0,
    image_format: ImageFormat = "png",
    keep: Sequence[Keep] = DEFAULT_KEEP,
) -> Variation:
    """Recolour, encode and store one palette's image, unless that exact result is already stored.

    The variation carries the image's stable location, not a presigned URL:
    Prefect persists task results, and a presigned URL can carry a session
    token. `openable` makes the URL a caller hands out.
    """
    if base.format == "SVG":
        variation = render_svg_variation(
            storage,
            base,
            palette,
            svg_key=variation_key(base, palette, strength, "svg", keep),
            strength=strength,
            image_format=image_format,
            keep=keep,
        )
        return variation.model_copy(update=url_fields(variation, storage.location))
    key = variation_key(base, palette, strength, image_format, keep)
    recolor_s = encode_s = 0.0
    started = time.perf_counter()
    reused = storage.exists(key)
    if not reused:
        image, analysis = BASE_IMAGES.analysed(storage, base)
        started = time.perf_counter()
        recolored = recolor_image(image, palette, strength=strength, keep=keep, analysis=analysis)
        recolor_s = time.perf_counter() - started
        started = time.perf_counter()
        data = encode_image(recolored, image_format)
        encode_s = time.perf_counter() - started
        TILES.keep(key, recolored)
        started = time.perf_counter()
        storage.write(key, data, media_type(image_format))
    store_s = time.perf_counter() - started
    return Variation(
        **palette.model_dump(),
        image_path=key,
        image_url=storage.location(key),
        timings=VariationTimings(recolor_s=recolor_s, encode_s=encode_s, store_s=store_s),
        reused=reused,
    )


def as_reused(variation: Variation) -> Variation:
    """A variation an earlier run made: no work was done now."""
    return variation.model_copy(
        update={
            "timings": VariationTimings(recolor_s=0.0, encode_s=0.0, store_s=0.0),
            "reused": True,
        }
    )


def openable(variation: Variation, storage: Storage) -> Variation:
    """The variation with URLs a person can open now: public, file://, or freshly presigned."""
    return variation.model_copy(update=url_fields(variation, storage.url))


def url_fields(variation: Variation, url_of: Callable[[str], str]) -> dict[str, str]:
    """`image_url`, and `svg_url` or `png_url` where an SVG's variation has them, by `url_of` its path."""
    paths = {"image": variation.image_path, "svg": variation.svg_path, "png": variation.png_path}
    return {f"{name}_url": url_of(path) for name, path in paths.items() if path is not None}
