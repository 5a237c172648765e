"""Storage tasks: open the store with its credentials, put the base image in place and read its colours."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from paletteflow.models import VariationRequest
from paletteflow.pipeline.base_image import store_base
from paletteflow.pipeline.results import StoredBase
from paletteflow.storage import Storage, StorageSettings
from tasks.credentials import load_credentials
from tasks.policy import TRANSIENT_RETRIES

STORAGE_RETRIES = {"retries": 3, **TRANSIENT_RETRIES, "cache_policy": NO_CACHE}


def open_storage(settings: StorageSettings) -> Storage:
    """The store, with credentials read inside the task so they never become a parameter."""
    return Storage.from_settings(settings, load_credentials(settings))


@task(name="upload-base-image", **STORAGE_RETRIES)
def upload_base_image(request: VariationRequest) -> StoredBase:
    """Store the base image and read its colours (`store_base`), while the text palettes are made.

    The colour reading is in this task rather than one of its own, which would
    cost a task run (its events and states written by the API server) for work
    that always follows the upload.
    """
    logger = get_run_logger()
    stored = store_base(open_storage(request.storage_settings()), request)
    base = stored.base
    logger.info(
        "base image %s (%dx%d) stored in %.3f s", base.path, base.width, base.height, stored.seconds
    )
    if stored.swept:
        logger.warning("removed %d stale temporaries of interrupted writes", stored.swept)
    return stored
