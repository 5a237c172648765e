"""`paletteflow serve` against a real Prefect API, triggered from another flow with run_deployment."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from cli.local_server import terminate_group
from flows.concept_pipeline import PALETTE_VARIATIONS_DEPLOYMENT, concept_pipeline_via_deployment
from paletteflow.models import VariationRequest

CLI = str(Path(sys.executable).parent / "paletteflow")


def _wait_for_deployment(timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            try:
                client.read_deployment_by_name(PALETTE_VARIATIONS_DEPLOYMENT)
                return
            except Exception:
                time.sleep(0.5)
    pytest.fail("paletteflow serve did not register its deployments in time")


@pytest.fixture(scope="module")
def served(prefect_api, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [CLI, "serve", "--storage", str(tmp_path / "inbox-store"), "--limit", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_deployment()
        yield process
    finally:
        terminate_group(process.pid)
        process.wait()
        log.close()


def test_the_ui_form_offers_closed_choices_as_lists(served):
    """What the UI renders: the served deployment's schema, read back from the server."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(PALETTE_VARIATIONS_DEPLOYMENT)
    fields = deployment.parameter_openapi_schema["definitions"]["VariationRequest"]["properties"]
    assert fields["generator"]["enum"] == ["offline", "openai", "jigsawstack"]
    assert fields["format"]["enum"] == ["auto", "png", "webp", "svg"]


def test_run_deployment_from_a_parent_flow(served, tmp_path, logo_file):
    out = tmp_path / "out"
    request = VariationRequest(image=str(logo_file), theme="glacier", n=2, storage=str(out))
    variations = concept_pipeline_via_deployment(request, timeout_seconds=240)
    assert len(variations) == 2
    for variation in variations:
        assert (out / variation["image_path"]).is_file()


def test_serve_runs_no_more_than_its_limit_at_once(served, tmp_path, logo_file):
    """Two runs created together on `serve --limit 1`: the second starts after the first ends."""
    requests = [
        VariationRequest(image=str(logo_file), theme=f"limit {index}", n=1, storage=str(tmp_path))
        for index in range(2)
    ]
    deadline = time.monotonic() + 240
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(PALETTE_VARIATIONS_DEPLOYMENT)
        ids = [
            client.create_flow_run_from_deployment(
                deployment.id, parameters={"request": request.model_dump(mode="json")}
            ).id
            for request in requests
        ]
        while True:
            runs = [client.read_flow_run(run_id) for run_id in ids]
            if all(run.state.is_final() for run in runs):
                break
            assert time.monotonic() < deadline, "the two runs did not finish within 240 s"
            time.sleep(0.5)
    assert [run.state.type.value for run in runs] == ["COMPLETED", "COMPLETED"]
    first, second = sorted(runs, key=lambda run: run.start_time)
    assert second.start_time >= first.end_time
