"""Storage tasks: open the store with its credentials, put the base image in place and read its colours."""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from paletteflow.models import VariationRequest
from paletteflow.storage import Storage, StorageSettings
from paletteflow.variations import base_image_colours, store_request_image
from tasks.credentials import load_credentials
from tasks.policy import TRANSIENT_RETRIES
from tasks.results import StoredBase

STORAGE_RETRIES = {"retries": 3, **TRANSIENT_RETRIES, "cache_policy": NO_CACHE}


def open_storage(settings: StorageSettings) -> Storage:
    """The store, with credentials read inside the task so they never become a parameter."""
    return Storage.from_settings(settings, load_credentials(settings))


@task(name="upload-base-image", **STORAGE_RETRIES)
def upload_base_image(request: VariationRequest) -> StoredBase:
    """Store the base image, then read its dominant colours, while the text palettes are made.

    The colours come from the analysis every recolour task in this process
    reuses, so it is done here, alongside the (possibly slow) text palettes,
    rather than after them; and in this task rather than one of its own, which
    would cost a task run (its events and states written by the API server)
    for work that always follows the upload.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    storage = open_storage(request.storage_settings())
    base = store_request_image(storage, request)
    seconds = time.perf_counter() - started
    logger.info(
        "base image %s (%dx%d) stored in %.3f s", base.path, base.width, base.height, seconds
    )
    swept = storage.sweep_temporaries(base.concept_dir)
    if swept:
        logger.warning("removed %d stale temporaries of interrupted writes", len(swept))
    return StoredBase(base=base, seconds=seconds, colours=base_image_colours(storage, base))
