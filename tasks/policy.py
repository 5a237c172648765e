"""Retry behaviour shared by every task: back off on transient failures, never retry bad input."""

from __future__ import annotations

import os

from prefect import Task
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import exponential_backoff

from paletteflow.errors import is_retryable

# The first retry waits this long, each next one twice as long; tests set it tiny.
RETRY_BACKOFF_S = float(os.environ.get("PALETTEFLOW_RETRY_BACKOFF_S", "0.5"))
RETRY_DELAYS = exponential_backoff(backoff_factor=RETRY_BACKOFF_S)
RETRY_JITTER = 0.5

# Only the async palette task gets a Prefect timeout: there it cancels the
# awaited provider call. A sync task in a worker thread cannot be interrupted
# (Prefect 3.9 warns on every such run), nor can a long C call in any task, so
# storage and recolour work is bounded where it happens instead: I/O timeouts
# in httpx and s3fs, and the pixel and byte limits checked before decoding.
PALETTES_TIMEOUT_S = 180


def retry_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Prefect's retry_condition_fn: retry only when the failure could pass by itself.

    `_sync=True` because for an async task Prefect calls this inside its event
    loop, where `state.result()` returns a coroutine instead of raising: the
    failure would never be seen, and an async task never retried.
    """
    try:
        state.result(_sync=True)
    except Exception as error:
        return is_retryable(error)
    return False


TRANSIENT_RETRIES = {
    "retry_delay_seconds": RETRY_DELAYS,
    "retry_jitter_factor": RETRY_JITTER,
    "retry_condition_fn": retry_transient,
}
