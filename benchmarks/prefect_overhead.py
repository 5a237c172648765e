"""What Prefect itself costs per flow run and per task run, with nothing to do inside them.

    .venv/bin/python -m benchmarks.prefect_overhead

One Prefect test API (a local server on SQLite), warmed by a first run. An
empty flow with flow-run heartbeats on (Prefect's default, every 180 s) and
off (what the CLI does): the heartbeat thread sleeps in 1 s steps and is
joined when the run ends. Then trivial tasks called one after another and
mapped, with the default cache policy, without caching or persistence, and
persisting a JSON result under a cache key as the recolour task does. Figures
are medians of REPEATS, in milliseconds.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable

from cli.prefect_api import apply_prefect_defaults

REPEATS = 5
TASKS = 20


def main() -> None:
    apply_prefect_defaults()
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from benchmarks.flow_skeleton import nothing_kept as persisted

    @flow
    def empty() -> None:
        """Nothing: the run's own cost."""

    @task
    def default(x: int) -> int:
        return x

    @task(cache_policy=NO_CACHE, persist_result=False)
    def unpersisted(x: int) -> int:
        return x

    @flow
    def calls(kind: str, mapped: bool) -> float:
        chosen = {"default": default, "unpersisted": unpersisted, "persisted": persisted}[kind]
        started = time.perf_counter()
        if mapped:
            for future in chosen.map(range(TASKS)):
                future.result()
        else:
            for index in range(TASKS):
                chosen(index)
        return (time.perf_counter() - started) / TASKS

    def median_ms(run: Callable[[], float | None]) -> float:
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            inner = run()
            samples.append(inner if inner is not None else time.perf_counter() - started)
        return 1000 * statistics.median(samples)

    with prefect_test_harness(server_startup_timeout=120):
        empty()
        print(f"{'what':54} {'median ms':>10}")
        print(f"{'empty flow run, heartbeats on (Prefect default)':54} {median_ms(empty):10.1f}")
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            print(
                f"{'empty flow run, heartbeats off (paletteflow CLI)':54} {median_ms(empty):10.1f}"
            )
            for kind in ("default", "unpersisted", "persisted"):
                for mapped in (False, True):
                    label = f"per task run: {kind}, {'mapped' if mapped else 'called in turn'}"
                    print(f"{label:54} {median_ms(functools.partial(calls, kind, mapped)):10.1f}")


if __name__ == "__main__":
    main()
