"""The flow on its default thread pool and on a local Dask cluster of two worker processes.

    .venv/bin/python -m benchmarks.task_runners

Same request (sample logo 1024x1024, 7 palettes, local files), one Prefect
test API for both; the Dask cluster is started first and timed on its own, so
the flow timings compare the runners, not cluster start-up. Each runner runs
the flow twice with fresh storage: the first run includes per-process warm-up
(imports, decoding on each worker), the second is steady state.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cli.prefect_api import apply_prefect_defaults


def main() -> None:
    apply_prefect_defaults()
    from distributed import LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.palette_variations import palette_variations
    from flows.task_runners import make_task_runner
    from paletteflow.images.io import encode_png
    from paletteflow.images.sample import draw_sample_logo
    from paletteflow.models import VariationRequest

    folder = Path(tempfile.mkdtemp(prefix="paletteflow-runners-"))
    logo = folder / "logo.png"
    logo.write_bytes(encode_png(draw_sample_logo()))
    with prefect_test_harness(server_startup_timeout=120):
        started = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
        cluster_s = time.perf_counter() - started
        runners = {"thread pool": lambda: make_task_runner("thread"),
                   "dask, 2 processes": lambda: make_task_runner("dask", cluster.scheduler_address)}  # fmt: skip
        print(f"Dask local cluster start: {cluster_s:.2f} s")
        print(f"{'runner':20} {'run':>5} {'flow s':>8}")
        for label, runner in runners.items():
            for attempt in (1, 2):
                request = VariationRequest(
                    image=str(logo), theme="harbor at sunset", n=7,
                    storage=str(folder / f"{label.split()[0]}-{attempt}"),
                )  # fmt: skip
                started = time.perf_counter()
                palette_variations.with_options(task_runner=runner())(request)
                print(f"{label:20} {attempt:>5} {time.perf_counter() - started:8.2f}")
        cluster.close()


if __name__ == "__main__":
    main()
