"""The flow with its recolour fan-out on a local Dask cluster of two worker processes, storing to S3."""

import os
import re

from conftest import FAST_S3_OPTIONS, Bucket
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

from flows.palette_variations import palette_variations
from flows.task_runners import make_task_runner
from paletteflow.models import VariationRequest


def test_recolor_tasks_run_on_dask_workers_and_store_to_s3(
    prefect_api, bucket: Bucket, sample_logo_png, monkeypatch
):
    monkeypatch.setenv("PALETTEFLOW_DASK_WORKERS", "2")
    bucket.client.put_object(Bucket=bucket.name, Key="uploads/logo.png", Body=sample_logo_png)
    options = {"endpoint_url": bucket.endpoint, **FAST_S3_OPTIONS}
    request = VariationRequest(
        image=f"s3://{bucket.name}/uploads/logo.png",
        theme="glacier",
        n=4,
        storage=f"s3://{bucket.name}/results",
        storage_options=options,
    )

    state = palette_variations.with_options(task_runner=make_task_runner("dask"))(
        request, return_state=True
    )

    variations = state.result()
    stored = bucket.objects()
    assert len(variations) == 4
    assert all(f"results/{variation['image_path']}" in stored for variation in variations)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            LogFilter(flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id]))
        )
    workers = {
        int(pid) for log in logs for pid in re.findall(r"in process (\d+) \(recolour", log.message)
    }
    assert len(workers) >= 1 and os.getpid() not in workers, "recolour ran in Dask worker processes"
