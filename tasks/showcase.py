"""The run's record: contact sheet, gallery and manifest (`present`), in one task run.

One task run rather than three: they run in turn, each needs the one before,
and every task run costs the API server its events and states. The task takes
the manifest (keys and small models) and reads the images from storage itself,
so no image bytes pass between tasks. A storage fault while making the sheet or
the gallery is retried with the task while retries remain, then becomes a note
in the manifest; bad input (an undecodable stored image) becomes one at once.
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.context import TaskRunContext

from paletteflow.errors import is_retryable
from paletteflow.models import Manifest
from paletteflow.pipeline.presentation import present
from paletteflow.storage import StorageSettings
from tasks.storage import STORAGE_RETRIES, open_storage


@task(name="present-variations", **STORAGE_RETRIES)
def present_variations(settings: StorageSettings, manifest: Manifest) -> tuple[Manifest, str]:
    """The manifest with its contact sheet and gallery (or notes saying why not), stored; and its URL."""
    manifest, url = present(open_storage(settings), manifest, _keep_going)
    for what, stored in (("contact sheet", manifest.contact_sheet), ("gallery", manifest.gallery)):
        if stored is not None:
            get_run_logger().info("%s %s", what, stored.path)
    return manifest, url


def _keep_going(what: str, error: Exception) -> bool:
    """Note the failure and go on, unless Prefect would still retry this task run for it."""
    if is_retryable(error) and not _last_attempt():
        return False
    get_run_logger().warning("the %s could not be made; the variations are kept: %s", what, error)
    return True


def _last_attempt() -> bool:
    """Whether Prefect would not retry this task run if it failed now."""
    context = TaskRunContext.get()
    return context is None or context.task_run.run_count > context.task.retries
