"""Storage tasks: put the base image in place, write the manifest."""

from __future__ import annotations

import time
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from paletteflow.imageio import read_image_source
from paletteflow.models import Manifest, VariationRequest
from paletteflow.storage import Storage
from paletteflow.variations import store_base_image
from paletteflow.variations import write_manifest as write_manifest_to
from tasks.policy import RETRY_DELAYS, RETRY_JITTER, retry_transient
from tasks.results import StoredBase

STORAGE_RETRIES = dict(
    retries=3,
    retry_delay_seconds=RETRY_DELAYS,
    retry_jitter_factor=RETRY_JITTER,
    retry_condition_fn=retry_transient,
    cache_policy=NO_CACHE,
)


@task(name="upload-base-image", **STORAGE_RETRIES)
def upload_base_image(request: VariationRequest) -> StoredBase:
    started = time.perf_counter()
    data = read_image_source(request.image)
    storage = Storage(request.storage, request.storage_options)
    base = store_base_image(
        storage,
        data,
        user_id=request.user_id,
        concept_id=request.concept_id,
        theme=request.theme,
        logo_description=request.logo_description,
    )
    seconds = time.perf_counter() - started
    get_run_logger().info(
        "base image %s (%dx%d) stored in %.3f s", base.path, base.width, base.height, seconds
    )
    return StoredBase(base=base, seconds=seconds)


@task(name="write-manifest", **STORAGE_RETRIES)
def write_manifest(storage_url: str, storage_options: dict[str, Any], manifest: Manifest) -> str:
    return write_manifest_to(Storage(storage_url, storage_options), manifest)
