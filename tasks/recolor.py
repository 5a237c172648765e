"""The mapped task: one palette in, one stored variation out."""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task

from paletteflow.models import BaseImage, Palette, Variation
from paletteflow.storage import Storage
from paletteflow.variations import render_variation
from tasks.caching import CACHE_EXPIRATION, recolor_cache_key
from tasks.policy import RETRY_DELAYS, RETRY_JITTER, retry_transient


@task(
    name="recolor",
    task_run_name="recolor-{palette.name}",
    retries=2,
    retry_delay_seconds=RETRY_DELAYS,
    retry_jitter_factor=RETRY_JITTER,
    retry_condition_fn=retry_transient,
    cache_key_fn=recolor_cache_key,
    cache_expiration=CACHE_EXPIRATION,
    persist_result=True,
    result_serializer="json",
)
def recolor_variation(
    palette: Palette,
    base: BaseImage,
    storage_url: str,
    storage_options: dict[str, Any],
    strength: float,
) -> Variation:
    """Storage is rebuilt from its URL in the task, so only paths and small models travel."""
    variation = render_variation(
        Storage(storage_url, storage_options), base, palette, strength=strength
    )
    timings = variation.timings
    get_run_logger().info(
        "%s -> %s (recolour %.3f s, encode %.3f s, store %.3f s)",
        palette.name,
        variation.image_path,
        timings.recolor_s,
        timings.encode_s,
        timings.store_s,
    )
    return variation
