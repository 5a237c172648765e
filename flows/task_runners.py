"""Which engine runs the recolour fan-out: a bounded thread pool here, or an existing Dask cluster.

Chosen by settings so deployments pick it up from their environment, and by
CLI flags through `flow.with_options`:

    PALETTEFLOW_TASK_RUNNER=thread|dask     (default thread)
    PALETTEFLOW_MAX_WORKERS=N               threads, default cores + 1
    PALETTEFLOW_DASK_ADDRESS=tcp://host:8786   an existing cluster; unset starts a local one
    PALETTEFLOW_DASK_WORKERS=N              worker processes of that local cluster, default cores
"""

from __future__ import annotations

import os

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from paletteflow.errors import InputError

RUNNER_KINDS = ("thread", "dask")


def default_max_workers() -> int:
    """Recolour and PNG encoding release the GIL, so a thread per core plus one for I/O overlap."""
    configured = os.environ.get("PALETTEFLOW_MAX_WORKERS")
    return int(configured) if configured else (os.cpu_count() or 1) + 1


def make_task_runner(kind: str | None = None, dask_address: str | None = None) -> TaskRunner:
    kind = kind or os.environ.get("PALETTEFLOW_TASK_RUNNER", "thread")
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=default_max_workers())
    if kind != "dask":
        raise InputError(f"unknown task runner {kind!r}; use one of: {', '.join(RUNNER_KINDS)}")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise InputError(
            "the dask task runner needs prefect-dask: pip install 'paletteflow[dask]'"
        ) from None
    address = dask_address or os.environ.get("PALETTEFLOW_DASK_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    workers = int(os.environ.get("PALETTEFLOW_DASK_WORKERS", os.cpu_count() or 1))
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
    )
