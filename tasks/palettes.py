"""Palette generation as a task, so it runs concurrently with the base-image upload."""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from paletteflow.models import Palette
from paletteflow.palettes import get_generator
from tasks.policy import RETRY_DELAYS, RETRY_JITTER, retry_transient
from tasks.timed import Timed


@task(
    name="generate-palettes",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_jitter_factor=RETRY_JITTER,
    retry_condition_fn=retry_transient,
    cache_policy=NO_CACHE,
)
async def generate_palettes(
    theme: str, logo_description: str, n: int, generator: str
) -> Timed[list[Palette]]:
    started = time.perf_counter()
    palettes = await get_generator(generator).generate(theme, logo_description, n)
    seconds = time.perf_counter() - started
    get_run_logger().info("%d palettes from %s in %.3f s", len(palettes), generator, seconds)
    return Timed[list[Palette]](value=palettes, seconds=seconds)
