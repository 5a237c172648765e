"""Palette generation as a task, so it runs concurrently with the base-image upload.

With image palettes asked for (the default), the task also takes the stored
base image and seeds palettes from its dominant colours; the decoded image and
its analysis are cached per process, so the recolour tasks reuse them.
"""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.blocks.system import Secret

from paletteflow.models import VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.variations import base_image_colours
from tasks.caching import CACHE_EXPIRATION, palettes_cache_key
from tasks.policy import PALETTES_TIMEOUT_S, RETRY_DELAYS, RETRY_JITTER, retry_transient
from tasks.results import GeneratedPalettes, StoredBase
from tasks.storage import open_storage


@task(
    name="generate-palettes",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_jitter_factor=RETRY_JITTER,
    retry_condition_fn=retry_transient,
    timeout_seconds=PALETTES_TIMEOUT_S,
    cache_key_fn=palettes_cache_key,
    cache_expiration=CACHE_EXPIRATION,
    persist_result=True,
    result_serializer="json",
)
async def generate_palettes(
    request: VariationRequest, uploaded: StoredBase | None = None
) -> GeneratedPalettes:
    started = time.perf_counter()
    settings = request.generator_settings
    api_key = Secret.load(settings.api_key_secret).get() if settings.api_key_secret else None
    storage = open_storage(request.storage_settings())
    colours = base_image_colours(storage, uploaded.base) if uploaded else []
    generator = get_generator(request.generator, settings, api_key)
    palettes = await generator.generate(
        request.theme, request.logo_description, request.n, image_colours=colours
    )
    seconds = time.perf_counter() - started
    get_run_logger().info(
        "%d palettes from %s in %.3f s", len(palettes), request.generator, seconds
    )
    return GeneratedPalettes(palettes=palettes, seconds=seconds)
