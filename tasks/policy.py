"""Retry behaviour shared by every task: back off on transient failures, never retry bad input."""

from __future__ import annotations

from prefect import Task
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import exponential_backoff

from paletteflow.errors import is_retryable

RETRY_DELAYS = exponential_backoff(backoff_factor=0.5)
RETRY_JITTER = 0.5

# Timeouts stop a task that hangs in Python or on I/O; they cannot interrupt a
# long C call (a huge decode or encode), which ends only when it returns.
PALETTES_TIMEOUT_S = 180
STORAGE_TIMEOUT_S = 300
RECOLOR_TIMEOUT_S = 300


def retry_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Prefect's retry_condition_fn: retry only when the failure could pass by itself."""
    try:
        state.result()
    except Exception as error:
        return is_retryable(error)
    return False
