"""Showcase tasks: the run's contact sheet and gallery, made from the manifest and stored beside it.

They take the manifest (keys and small models) and read the images from
storage themselves, so no image bytes pass between tasks. Storage faults are
retried like every other write; bad input (an undecodable stored image) is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prefect import get_run_logger, task

from paletteflow.models import Manifest, StoredFile
from paletteflow.showcase import store_contact_sheet, store_gallery
from paletteflow.storage import Storage, StorageSettings
from tasks.storage import STORAGE_RETRIES, open_storage


@task(name="make-contact-sheet", **STORAGE_RETRIES)
def make_contact_sheet(storage: StorageSettings, manifest: Manifest) -> StoredFile:
    return _store_timed("contact sheet", store_contact_sheet, storage, manifest)


@task(name="make-gallery", **STORAGE_RETRIES)
def make_gallery(storage: StorageSettings, manifest: Manifest) -> StoredFile:
    return _store_timed("gallery", store_gallery, storage, manifest)


def _store_timed(
    what: str,
    store: Callable[[Storage, Manifest], StoredFile],
    settings: StorageSettings,
    manifest: Manifest,
) -> StoredFile:
    started = time.perf_counter()
    stored = store(open_storage(settings), manifest)
    get_run_logger().info("%s %s in %.3f s", what, stored.path, time.perf_counter() - started)
    return stored
