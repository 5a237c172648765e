"""The run's own event on a real Prefect server, and an automation that chains a deployment on it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import TEST_AWS_ENV, TEST_SECRETS
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from test_s3_flow import run_flow, s3_request

from deployments.on_variations_ready import TRIGGER, example_deployment, on_variations_ready
from flows.palette_variations import palette_variations
from paletteflow.errors import VariationError
from paletteflow.models import VariationRequest
from paletteflow.pipeline.events import FAILED, READY

# The event persister writes events in batches every few seconds; automations act within seconds.
WAIT_S = 90.0


def events_of_run(api: str, name: str, flow_run_id: Any) -> list[dict[str, Any]]:
    """The events called `name` that name this flow run as related, once the server has stored one."""
    query = {
        "filter": {
            "event": {"name": [name]},
            "related": {"id": [f"prefect.flow-run.{flow_run_id}"]},
        },
        "limit": 10,
    }
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = httpx.post(f"{api}/events/filter", json=query, timeout=10).json()["events"]
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"no {name} event for flow run {flow_run_id} within {WAIT_S:.0f} s")


def related(event: dict[str, Any], role: str) -> str:
    (resource,) = [r for r in event["related"] if r["prefect.resource.role"] == role]
    return resource["prefect.resource.id"]


def test_ready_event_names_the_run_and_holds_no_secret_or_presigned_url(
    prefect_api, bucket, logo_file
):
    variations, state = run_flow(s3_request(bucket, bucket.endpoint, logo_file, n=3))
    assert "X-Amz-Signature=" in variations[0]["image_url"], "the run's result is presigned"

    (event,) = events_of_run(prefect_api, READY, state.state_details.flow_run_id)

    storage = f"s3://{bucket.name}/results"
    manifest = f"{storage}/{variations[0]['manifest_path']}"
    assert event["resource"]["prefect.resource.id"] == f"paletteflow.manifest.{manifest}"
    concept = variations[0]["manifest_path"].split("/")[1]
    assert related(event, "concept") == f"paletteflow.concept.anonymous.{concept}"
    assert related(event, "user") == "paletteflow.user.anonymous"
    assert related(event, "storage") == f"paletteflow.storage.{storage}"
    assert related(event, "flow") and related(event, "flow-run")
    payload = event["payload"]
    assert payload["manifest"] == manifest
    assert payload["counts"] == {"palettes": 3, "stored": 3, "failed": 0, "min_variations": 1}
    assert [(p["name"], p["colors"]) for p in payload["palettes"]] == [
        (v["name"], v["colors"]) for v in variations
    ]
    assert {p["image"] for p in payload["palettes"]} == {
        f"{storage}/{v['image_path']}" for v in variations
    }
    assert payload["contact_sheet"] == f"{storage}/{variations[0]['contact_sheet_path']}"
    text = json.dumps(event)
    assert "X-Amz-" not in text and "Signature" not in text
    for secret in (*TEST_SECRETS, TEST_AWS_ENV["AWS_ACCESS_KEY_ID"]):
        assert secret not in text


def test_failed_event_when_fewer_than_min_variations_were_stored(
    prefect_api, bucket, fault_proxy, logo_file
):
    fault_proxy.refuse = lambda method, path: method == "PUT" and "/variations/" in path
    request = s3_request(bucket, fault_proxy.endpoint, logo_file, n=2, min_variations=1)
    state = palette_variations(request, return_state=True)
    with pytest.raises(VariationError, match="0 of 2 variations stored"):
        state.result()

    (event,) = events_of_run(prefect_api, FAILED, state.state_details.flow_run_id)

    assert event["payload"]["counts"] == {
        "palettes": 2, "stored": 0, "failed": 2, "min_variations": 1,
    }  # fmt: skip
    assert event["payload"]["palettes"] == []
    assert [failure["error"][:32] for failure in event["payload"]["failures"]] == [
        "StorageError: could not write an"
    ] * 2


@pytest.fixture
def chained_deployment(prefect_api):
    """The documented example deployment with its trigger, applied to the server; removed after."""
    deployment_id = example_deployment().apply()
    try:
        yield deployment_id
    finally:
        with get_client(sync_client=True) as client:
            for automation in client.read_automations_by_name(TRIGGER.name):
                client.delete_automation(automation.id)
            client.delete_deployment(deployment_id)


def test_a_deployment_trigger_starts_the_next_deployment_when_variations_are_ready(
    chained_deployment, tmp_path, logo_file
):
    storage = tmp_path / "out"
    request = VariationRequest(image=str(logo_file), theme="glacier", n=2, storage=str(storage))
    variations = palette_variations(request)
    manifest = (storage / variations[0]["manifest_path"]).resolve().as_uri()

    deadline = time.monotonic() + WAIT_S
    with get_client(sync_client=True) as client:
        while not (
            runs := client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[chained_deployment]))
            )
        ):
            assert time.monotonic() < deadline, f"the trigger started no run within {WAIT_S} s"
            time.sleep(0.5)
    (started,) = runs
    assert started.parameters == {
        "manifest": manifest,
        "concept_id": Path(variations[0]["manifest_path"]).parent.name,
    }
    assert on_variations_ready(**started.parameters) == [v["name"] for v in variations]
