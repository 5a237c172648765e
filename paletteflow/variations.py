"""The work of one run, free of any orchestrator: store the base, render variations, write the manifest.

Prefect tasks and ImageService both call these, so the flow and the old stage
API produce the same files. Names are content-addressed: the same base image,
palette and options always land on the same key, and an existing key is reused
rather than rewritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import ValidationError

from paletteflow.base_images import BASE_IMAGES
from paletteflow.color import oklab_to_srgb, rgb_to_hex
from paletteflow.imageio import (
    DEFAULT_MAX_PIXELS,
    ImageFormat,
    RequestedFormat,
    check_encodable,
    encode_image,
    extension,
    frame_count,
    media_type,
    output_format,
    read_image_source,
    sniff_format,
)
from paletteflow.models import (
    BaseImage,
    Manifest,
    Palette,
    Variation,
    VariationRequest,
    VariationTimings,
)
from paletteflow.neutrals import DEFAULT_KEEP, Neutral
from paletteflow.recolor import RECOLOR_VERSION, recolor_image
from paletteflow.sheet_tiles import TILES
from paletteflow.storage import Storage
from paletteflow.svg.variation import SVG_RECOLOR_VERSION, render_svg_variation


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "untitled"


def derive_concept_id(image_sha256: str, theme: str, logo_description: str) -> str:
    """A stable folder name for a concept: readable prefix, content hash for uniqueness."""
    text_hash = hashlib.sha256(f"{theme}\x00{logo_description}".encode()).hexdigest()
    digest = hashlib.sha256(f"{image_sha256}:{text_hash}".encode()).hexdigest()[:12]
    return f"{slugify(logo_description or theme or 'concept', 24)}-{digest}"


def read_request_image(request: VariationRequest, storage: Storage) -> bytes:
    """The request's image within its byte cap, read with the storage's options if it lives beside it."""
    return read_image_source(
        request.image,
        max_bytes=request.max_image_bytes,
        storage_options=storage.options_for(request.image),
    )


def check_inputs(request: VariationRequest, storage: Storage) -> None:
    """Refuse what can be refused before a run starts: an unusable image, an unreachable store."""
    data = read_request_image(request, storage)
    image_format = output_format_for(data, request.format, request.max_image_pixels)
    check_encodable(
        BASE_IMAGES.decode(data, max_pixels=request.max_image_pixels).size, image_format
    )
    storage.probe()


def output_format_for(data: bytes, requested: RequestedFormat, max_pixels: int) -> ImageFormat:
    """The variations' format for this image, asked only once the image itself is known good."""
    BASE_IMAGES.decode(data, max_pixels=max_pixels)
    return output_format(requested, sniff_format(data))


def store_base_image(
    storage: Storage,
    data: bytes,
    *,
    user_id: str,
    concept_id: str | None,
    theme: str = "",
    logo_description: str = "",
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> BaseImage:
    """Validate the image fully, then store its original bytes once under a content-derived key.

    Nothing is written before the whole image has decoded, so bad input leaves
    storage as it was.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    image = BASE_IMAGES.decode(data, max_pixels=max_pixels, sha256=sha256)
    concept = concept_id or derive_concept_id(sha256, theme, logo_description)
    concept_dir = f"{user_id}/{concept}"
    image_format = sniff_format(data)
    key = f"{concept_dir}/base-{sha256[:12]}.{extension(image_format)}"
    if not storage.exists(key):
        storage.write(key, data, media_type(image_format))
    TILES.keep(key, image)
    return BaseImage(
        path=key,
        url=storage.location(key),
        concept_dir=concept_dir,
        sha256=sha256,
        width=image.width,
        height=image.height,
        format=image_format,
        frames=frame_count(data),
    )


def store_request_image(storage: Storage, request: VariationRequest) -> BaseImage:
    """The request's image read within its caps, validated and stored as the run's base image."""
    data = read_request_image(request, storage)
    output_format_for(data, request.format, request.max_image_pixels)
    return store_base_image(
        storage,
        data,
        user_id=request.user_id,
        concept_id=request.concept_id,
        theme=request.theme,
        logo_description=request.logo_description,
        max_pixels=request.max_image_pixels,
    )


def base_image_notes(base: BaseImage) -> list[str]:
    """What a reader of the manifest should know about how the base image was taken."""
    if base.frames > 1:
        return [
            f"the base image is animated ({base.frames} frames); the first frame was recoloured"
        ]
    return []


def variation_key(
    base: BaseImage,
    palette: Palette,
    strength: float,
    image_format: ImageFormat = "png",
    keep: Sequence[Neutral] = DEFAULT_KEEP,
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
    keep: Sequence[Neutral] = DEFAULT_KEEP,
) -> Variation:
    """Recolour, encode and store one palette's image, unless that exact result is already stored.

    The variation carries the image's stable location, not a presigned URL:
    Prefect persists task results, and a presigned URL can carry a session
    token. `openable` makes the URL a caller hands out.
    """
    if base.format == "SVG":
        return render_svg_variation(
            storage,
            base,
            palette,
            svg_key=variation_key(base, palette, strength, "svg", keep),
            strength=strength,
            image_format=image_format,
            keep=keep,
        )
    key = variation_key(base, palette, strength, image_format, keep)
    recolor_s = encode_s = 0.0
    started = time.perf_counter()
    reused = storage.exists(key)
    if not reused:
        image, analysis = BASE_IMAGES.analysed(storage, base)
        started = time.perf_counter()
        recoloured = recolor_image(image, palette, strength=strength, keep=keep, analysis=analysis)
        recolor_s = time.perf_counter() - started
        started = time.perf_counter()
        data = encode_image(recoloured, image_format)
        encode_s = time.perf_counter() - started
        TILES.keep(key, recoloured)
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


def base_image_colours(storage: Storage, base: BaseImage, limit: int = 6) -> list[str]:
    """The base image's dominant colours, most common first, from the analysis recolouring reuses."""
    _, analysis = BASE_IMAGES.analysed(storage, base)
    order = np.argsort(-analysis.key_shares, kind="stable")[:limit]
    return [rgb_to_hex(oklab_to_srgb(analysis.keys_lab[i]) * 255.0) for i in order]


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
    return variation.model_copy(update=_urls(variation, storage.url))


def _urls(variation: Variation, url_of: Callable[[str], str]) -> dict[str, str]:
    """`image_url`, and `svg_url` or `png_url` where an SVG's variation has them, by `url_of` its path."""
    paths = {"image": variation.image_path, "svg": variation.svg_path, "png": variation.png_path}
    return {f"{name}_url": url_of(path) for name, path in paths.items() if path is not None}


def manifest_key(base: BaseImage) -> str:
    return f"{base.concept_dir}/manifest.json"


_RUN_SPECIFIC = {"timings": True, "variations": {"__all__": {"timings", "reused"}}}


def write_manifest(storage: Storage, manifest: Manifest) -> str:
    """Store the manifest beside the images and return its URL.

    It records stable locations, whatever URLs the variations arrive with: it
    outlives presigned URLs, and they can carry a session token. A stored
    manifest that differs only in timings and reuse flags is left as it is, so
    re-running a request writes nothing.
    """
    key = manifest_key(manifest.base_image)
    record = manifest.model_copy(
        update={
            "variations": [
                variation.model_copy(update=_urls(variation, storage.location))
                for variation in manifest.variations
            ]
        }
    )
    if not _stored_record_says_the_same(storage, key, record):
        storage.write(key, record.model_dump_json(indent=2).encode(), "application/json")
    return storage.url(key)


def _stored_record_says_the_same(storage: Storage, key: str, record: Manifest) -> bool:
    if not storage.exists(key):
        return False
    try:
        stored = Manifest.model_validate_json(storage.read(key))
    except ValidationError:
        return False
    stored_view = stored.model_dump(mode="json", exclude=_RUN_SPECIFIC)
    return stored_view == record.model_dump(mode="json", exclude=_RUN_SPECIFIC)
