"""The run's artifacts in the Prefect UI: live progress, then a results table and image previews.

Every artifact call is an API round trip, and on a local SQLite server it
contends with the task runs' events: made from the flow's thread, progress
updates after each variation held up a large share of a short run. So the calls go
through one background thread, in order, while the flow goes on with its work;
progress moves at most once per PROGRESS_INTERVAL_S, and always at the end.
Its artifact is made at its first move: a run shorter than the interval makes
it once, complete, rather than at 0 and again at the end.
The flow waits for the last call before it returns, so a finished run has
every artifact. Artifacts are a view of the run, never a reason to fail it: a
call that fails is logged as a warning.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from paletteflow.models import Manifest, StoredFile
from paletteflow.pipeline.listeners import RunListener
from paletteflow.showcase.report import picture_data_uri, previews_markdown, variation_rows
from paletteflow.slugs import slugify
from paletteflow.storage import Storage

PROGRESS_INTERVAL_S = 1.0


class RunArtifacts(RunListener):
    """Artifacts keyed by concept, so the UI's Artifacts page keeps each concept's history.

    A listener of the run's events. Use it as a context manager inside the
    flow: leaving the block waits for the calls still under way.
    """

    def __init__(
        self,
        concept: str,
        total: int,
        storage: Storage,
        progress_interval_s: float = PROGRESS_INTERVAL_S,
    ) -> None:
        self.key = slugify(concept, 40)
        self.total = total
        self._storage = storage
        self.finished = 0
        self._interval_s = progress_interval_s
        self._shown_at = time.monotonic()
        self._calls = ThreadPoolExecutor(max_workers=1, thread_name_prefix="artifacts")
        self._pending: list[tuple[str, Future[Any]]] = []
        self._progress_id: Future[UUID] | None = None

    def close(self) -> None:
        self._calls.shutdown(wait=True)
        logger = get_run_logger()
        for what, call in self._pending:
            if call.exception() is not None:
                logger.warning("the %s artifact could not be made: %s", what, call.exception())

    def variation_finished(self, name: str, error: str | None) -> None:
        self.finished += 1
        now = time.monotonic()
        if self.finished < self.total and now - self._shown_at < self._interval_s:
            return
        self._shown_at = now
        shown = {
            "progress": 100.0 * self.finished / self.total,
            "description": f"{self.finished} of {self.total} variations finished",
        }
        if self._progress_id is None:
            self._progress_id = self._call(
                "progress", create_progress_artifact, key=f"{self.key}-progress", **shown
            )
        else:
            self._call("progress", self._update_progress, made=self._progress_id, **shown)

    @staticmethod
    def _update_progress(made: Future[UUID], progress: float, description: str) -> None:
        update_progress_artifact(made.result(), progress=progress, description=description)

    def presented(self, manifest: Manifest, manifest_location: str) -> None:
        """The results table, and the previews with the contact sheet as their picture."""
        variations, failures = manifest.variations, manifest.failures
        self._call(
            "results table",
            create_table_artifact,
            table=variation_rows(variations, failures),
            key=f"{self.key}-variations",
            description=f"{len(variations)} made, {len(failures)} failed; manifest {manifest_location}",
        )

        def previews() -> None:
            """In the artifacts' thread: reading and shrinking the sheet holds the flow up for nothing."""
            picture = _picture(self._storage, manifest.contact_sheet)
            create_markdown_artifact(
                markdown=previews_markdown(variations, failures, manifest_location, picture),
                key=f"{self.key}-previews",
                description="Contact sheet and palettes of this run",
            )

        self._call("previews", previews)

    def _call(self, what: str, function: Callable[..., Any], **arguments: Any) -> Future[Any]:
        """Queue one API call; it runs in the flow run's context, so the artifact is linked to it."""
        call = self._calls.submit(contextvars.copy_context().run, function, **arguments)
        self._pending.append((what, call))
        return call


def _picture(storage: Storage, contact_sheet: StoredFile | None) -> str | None:
    """The sheet as a data: URI; without it (not made, or unreadable) the previews still go up."""
    if contact_sheet is None:
        return None
    try:
        return picture_data_uri(storage.read(contact_sheet.path))
    except Exception as error:
        get_run_logger().warning("the contact sheet is left out of the previews: %s", error)
        return None
