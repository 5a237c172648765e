"""Step 1: the run's base image, read within its caps, validated, stored once, and its colours.

Nothing is written before the whole image has decoded, so bad input leaves
storage as it was; the stored copy is the original bytes under a key derived
from their hash, so a re-run writes nothing.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from paletteflow.color import oklab_to_srgb, rgb_to_hex
from paletteflow.images.cache import BASE_IMAGES
from paletteflow.images.io import (
    DEFAULT_MAX_PIXELS,
    ImageFormat,
    RequestedFormat,
    bytes_to_store,
    check_encodable,
    extension,
    frame_count,
    media_type,
    output_format,
    read_image_source,
    sniff_format,
)
from paletteflow.models import BaseImage, VariationRequest
from paletteflow.pipeline.results import StoredBase
from paletteflow.showcase.tiles import TILES
from paletteflow.slugs import slugify
from paletteflow.storage import Storage


def store_base(storage: Storage, request: VariationRequest) -> StoredBase:
    """Store the request's image as the run's base, sweep stale temporaries, read its colours.

    The colours come from the analysis every variation of this process reuses,
    so reading them here, beside the upload, costs no second decode.
    """
    started = time.perf_counter()
    base = store_request_image(storage, request)
    seconds = time.perf_counter() - started
    swept = storage.sweep_temporaries(base.concept_dir)
    return StoredBase(
        base=base, seconds=seconds, colors=base_image_colors(storage, base), swept=len(swept)
    )


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
    """Validate the image fully, then store its bytes (an SVG defused) once under a content key.

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
        storage.write(key, bytes_to_store(data), media_type(image_format))
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


def base_image_colors(storage: Storage, base: BaseImage, limit: int = 6) -> list[str]:
    """The base image's dominant colours, most common first, from the analysis recolouring reuses."""
    _, analysis = BASE_IMAGES.analysed(storage, base)
    order = np.argsort(-analysis.key_shares, kind="stable")[:limit]
    return [rgb_to_hex(oklab_to_srgb(analysis.keys_lab[i]) * 255.0) for i in order]
