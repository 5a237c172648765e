"""Palette generation as a task, so it runs concurrently with the base-image upload."""

from __future__ import annotations

import time

from prefect import get_run_logger, task

from paletteflow.palettes import get_generator
from tasks.caching import CACHE_EXPIRATION, palettes_cache_key
from tasks.policy import PALETTES_TIMEOUT_S, RETRY_DELAYS, RETRY_JITTER, retry_transient
from tasks.results import GeneratedPalettes


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
    theme: str, logo_description: str, n: int, generator: str
) -> GeneratedPalettes:
    started = time.perf_counter()
    palettes = await get_generator(generator).generate(theme, logo_description, n)
    seconds = time.perf_counter() - started
    get_run_logger().info("%d palettes from %s in %.3f s", len(palettes), generator, seconds)
    return GeneratedPalettes(palettes=palettes, seconds=seconds)
