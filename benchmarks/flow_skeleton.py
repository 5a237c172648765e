"""The palette-variations flow's shape with nothing in its tasks: what Prefect alone costs a run.

The pipeline benchmark runs it beside the real flow, on the same API and in
the same process, to split a warm run's time into Prefect's part and the
work's. Its task runs mirror the flow's as they are written now: two submitted
side by side (upload, text palettes), one per palette mapped with a persisted
result under a cache key no run shares (the recolours), then one called from
the flow (contact sheet, gallery and manifest). A task run added to or dropped
from the flow belongs here too.
"""

from __future__ import annotations

import uuid
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

SIDE_BY_SIDE = 2
IN_TURN = 1


@task(cache_policy=NO_CACHE)
def nothing() -> None:
    """A task run without work, result or cache."""


@task(
    persist_result=True,
    result_serializer="json",
    cache_key_fn=lambda _, parameters: f"skeleton-{parameters['index']}-{uuid.uuid4().hex}",
)
def nothing_kept(index: int) -> int:
    """A task run without work whose result is stored and looked up as a recolour's is."""
    return index


@flow(name="palette-variations-skeleton", persist_result=True, result_serializer="json")
def skeleton(n: int) -> list[Any]:
    started = [nothing.submit() for _ in range(SIDE_BY_SIDE)]
    for future in started:
        future.result()
    kept = [future.result() for future in nothing_kept.map(range(n))]
    for _ in range(IN_TURN):
        nothing()
    return kept


@flow(name="empty")
def empty() -> None:
    """No task runs: the cost of a flow run itself."""


def task_runs(n: int) -> int:
    """How many task runs one skeleton run of n palettes makes."""
    return SIDE_BY_SIDE + n + IN_TURN
