"""Storage tasks: open the store with its credentials, put the base image in place, write the manifest."""

from __future__ import annotations

import time

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from paletteflow.models import Manifest, VariationRequest
from paletteflow.storage import Storage, StorageSettings
from paletteflow.variations import store_request_image
from paletteflow.variations import write_manifest as write_manifest_to
from tasks.credentials import load_credentials
from tasks.policy import TRANSIENT_RETRIES
from tasks.results import StoredBase

STORAGE_RETRIES = {"retries": 3, **TRANSIENT_RETRIES, "cache_policy": NO_CACHE}


def open_storage(settings: StorageSettings) -> Storage:
    """The store, with credentials read inside the task so they never become a parameter."""
    return Storage.from_settings(settings, load_credentials(settings))


@task(name="upload-base-image", **STORAGE_RETRIES)
def upload_base_image(request: VariationRequest) -> StoredBase:
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
    return StoredBase(base=base, seconds=seconds)


@task(name="write-manifest", **STORAGE_RETRIES)
def write_manifest(storage: StorageSettings, manifest: Manifest) -> str:
    return write_manifest_to(open_storage(storage), manifest)
