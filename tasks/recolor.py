"""The mapped task: one palette in, one stored variation out; its log names the process that did it."""

from __future__ import annotations

import os

from prefect import get_run_logger, task

from paletteflow.images.io import ImageFormat
from paletteflow.models import BaseImage, Palette, Variation
from paletteflow.neutrals import DEFAULT_KEEP, Keep
from paletteflow.pipeline.variations import render_variation
from paletteflow.storage import StorageSettings
from tasks.caching import CACHE_EXPIRATION, recolor_cache_key
from tasks.policy import TRANSIENT_RETRIES
from tasks.storage import open_storage


@task(
    name="recolor",
    task_run_name="recolor-{palette.name}",
    retries=2,
    **TRANSIENT_RETRIES,
    cache_key_fn=recolor_cache_key,
    cache_expiration=CACHE_EXPIRATION,
    persist_result=True,
    result_serializer="json",
)
def recolor_variation(
    palette: Palette,
    base: BaseImage,
    storage: StorageSettings,
    strength: float,
    image_format: ImageFormat = "png",
    keep: tuple[Keep, ...] = DEFAULT_KEEP,
) -> Variation:
    """Storage is opened from its settings in the task, so only paths and small models travel."""
    variation = render_variation(
        open_storage(storage),
        base,
        palette,
        strength=strength,
        image_format=image_format,
        keep=keep,
    )
    timings = variation.timings
    get_run_logger().info(
        "%s -> %s in process %d (recolour %.3f s, encode %.3f s, store %.3f s)",
        palette.name,
        variation.image_path,
        os.getpid(),
        timings.recolor_s,
        timings.encode_s,
        timings.store_s,
    )
    return variation
