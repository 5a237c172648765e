"""The run's record: contact sheet, gallery and manifest, made in one task run beside the images.

One task run rather than three: they run in turn, each needs the one before
(the gallery links the sheet only if it exists, the manifest names both), and
every task run costs the API server its events and states. The task takes the
manifest (keys and small models) and reads the images from storage itself, so
no image bytes pass between tasks.

A sheet or gallery that cannot be made costs the picture or the page, never
the variations: a storage fault is retried with the task while retries remain
(every write here is idempotent, and the sheet and gallery are rewritten only
when changed), then becomes a note in the manifest; bad input (an undecodable
stored image) becomes one at once. A manifest that cannot be written fails
the task, and so the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prefect import get_run_logger, task
from prefect.context import TaskRunContext

from paletteflow.errors import is_retryable
from paletteflow.models import Manifest, StoredFile
from paletteflow.showcase import store_contact_sheet, store_gallery
from paletteflow.storage import Storage, StorageSettings
from paletteflow.variations import write_manifest
from tasks.storage import STORAGE_RETRIES, open_storage

SHOWCASE: tuple[tuple[str, str, Callable[[Storage, Manifest], StoredFile]], ...] = (
    ("contact_sheet", "contact sheet", store_contact_sheet),
    ("gallery", "gallery", store_gallery),
)


@task(name="present-variations", **STORAGE_RETRIES)
def present_variations(settings: StorageSettings, manifest: Manifest) -> tuple[Manifest, str]:
    """The manifest with its contact sheet and gallery (or notes saying why not), stored; and its URL."""
    storage = open_storage(settings)
    for field, what, store in SHOWCASE:
        manifest = _with_file(storage, manifest, field, what, store)
    return manifest, write_manifest(storage, manifest)


def _with_file(
    storage: Storage,
    manifest: Manifest,
    field: str,
    what: str,
    store: Callable[[Storage, Manifest], StoredFile],
) -> Manifest:
    logger = get_run_logger()
    started = time.perf_counter()
    try:
        stored = store(storage, manifest)
    except Exception as error:
        if is_retryable(error) and not _last_attempt():
            raise
        logger.warning("the %s could not be made; the variations are kept: %s", what, error)
        note = f"the {what} could not be made: {type(error).__name__}: {error}"
        return manifest.model_copy(update={field: None, "notes": [*manifest.notes, note]})
    logger.info("%s %s in %.3f s", what, stored.path, time.perf_counter() - started)
    return manifest.model_copy(update={field: stored})


def _last_attempt() -> bool:
    """Whether Prefect would not retry this task run if it failed now."""
    context = TaskRunContext.get()
    return context is None or context.task_run.run_count > context.task.retries
