"""Storage tasks: open the store with its credentials, put the base image in place and read its colours."""

from __future__ import annotations

import json
import time
from typing import Any

from prefect import get_run_logger, task
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE

from paletteflow.errors import InputError
from paletteflow.models import VariationRequest
from paletteflow.storage import Storage, StorageSettings
from paletteflow.variations import base_image_colours, store_request_image
from tasks.policy import TRANSIENT_RETRIES
from tasks.results import StoredBase

STORAGE_RETRIES = {"retries": 3, **TRANSIENT_RETRIES, "cache_policy": NO_CACHE}


def open_storage(settings: StorageSettings) -> Storage:
    """The store, with credentials read inside the task so they never become a parameter."""
    return Storage.from_settings(settings, load_credentials(settings.credentials_block))


def load_credentials(block_name: str | None) -> dict[str, Any] | None:
    """Storage options from a Prefect Secret block holding a JSON object (key, secret, token...)."""
    if not block_name:
        return None
    try:
        value = Secret.load(block_name).get()
    except ValueError:
        raise InputError(
            f"there is no Prefect Secret block named {block_name!r}; create it or fix "
            "credentials_block"
        ) from None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise InputError(
            f"the Prefect Secret block {block_name!r} must hold a JSON object of storage "
            'options, such as {"key": ..., "secret": ...}'
        )
    return value


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
