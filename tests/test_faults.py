"""Faults on a real S3 API: a proxy that fails, drops or refuses requests, and an endpoint nobody serves.

Every test checks storage itself afterwards (through boto3, not paletteflow):
one object per variation, the manifest naming exactly what is stored.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter

import pytest
from conftest import TEST_AWS_ENV, Bucket
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from s3_servers import closed_port
from test_s3_flow import PREFIX, run_flow, s3_request

from flows.palette_variations import palette_variations
from paletteflow.errors import StorageError, VariationError
from paletteflow.palettes import get_generator
from paletteflow.slugs import slugify
from tasks.storage import STORAGE_RETRIES

N = 4


def assert_manifest_matches_storage(bucket: Bucket, variations: list[dict]) -> dict:
    """One object per variation, plus the base, manifest, contact sheet and gallery, nothing else."""
    manifest = json.loads(bucket.read(f"{PREFIX}/{variations[0]['manifest_path']}"))
    listed = {f"{PREFIX}/{v['image_path']}" for v in manifest["variations"]}
    assert listed == {f"{PREFIX}/{v['image_path']}" for v in variations}
    shown = [manifest[field]["path"] for field in ("contact_sheet", "gallery") if manifest[field]]
    expected = listed | {
        f"{PREFIX}/{key}"
        for key in (manifest["base_image"]["path"], variations[0]["manifest_path"], *shown)
    }
    assert set(bucket.objects()) == expected
    return manifest


@pytest.fixture
def logo(tmp_path, sample_logo):
    """A base image no earlier run decoded, so every task that needs it reads it through the proxy."""
    image = sample_logo.copy()
    image.putpixel((0, 0), (*uuid.uuid4().bytes[:3], 255))
    path = tmp_path / "logo.png"
    image.save(path, format="PNG")
    return path


def test_transient_503s_are_retried_and_each_variation_is_written_once(
    prefect_api, bucket, fault_proxy, logo
):
    fault_proxy.fail_every = 2
    variations, state = run_flow(s3_request(bucket, fault_proxy.endpoint, logo, n=N))

    assert len(variations) == N
    assert state.message == f"{N} of {N} variations stored"
    assert len(fault_proxy.injected("fail")) >= 3, "the proxy must actually have failed requests"
    manifest = assert_manifest_matches_storage(bucket, variations)
    assert manifest["failures"] == []
    writes = Counter(fault_proxy.stored_keys())
    assert set(writes.values()) == {1}, writes
    assert set(writes) == {f"{bucket.name}/{key}" for key in bucket.objects()}


def test_dropped_answers_rewrite_nothing_but_writes_whose_answer_was_lost(
    prefect_api, bucket, fault_proxy, logo
):
    fault_proxy.drop_every = 2
    variations, _ = run_flow(s3_request(bucket, fault_proxy.endpoint, logo, n=N))

    assert len(variations) == N
    dropped = fault_proxy.injected("drop")
    assert len(dropped) >= 3, "the proxy must actually have dropped answers"
    assert_manifest_matches_storage(bucket, variations)
    lost_puts = Counter(e.path.lstrip("/") for e in dropped if e.method == "PUT")
    writes = Counter(fault_proxy.stored_keys())
    assert set(writes) == {f"{bucket.name}/{key}" for key in bucket.objects()}
    for key, count in writes.items():
        assert count - 1 <= lost_puts[key], f"{key} rewritten though its answer was not lost"


def _doomed_palette(n: int) -> str:
    palettes = asyncio.run(get_generator("offline").generate("harbor at sunset", "a lighthouse", n))
    return palettes[1].name


def test_a_palette_that_keeps_failing_is_reported_and_the_rest_are_kept(
    prefect_api, bucket, fault_proxy, logo
):
    doomed = _doomed_palette(N)
    fault_proxy.refuse = lambda method, path: method == "PUT" and f"/{slugify(doomed)}-" in path
    variations, state = run_flow(s3_request(bucket, fault_proxy.endpoint, logo, n=N))

    assert [v["name"] for v in variations if v["name"] == doomed] == []
    assert len(variations) == N - 1
    manifest = assert_manifest_matches_storage(bucket, variations)
    assert [f["palette"] for f in manifest["failures"]] == [doomed]
    assert "fault injected by the test proxy" in manifest["failures"][0]["error"]
    assert f"{N - 1} of {N} variations stored; 1 failed, first {doomed}" in state.message
    assert len(fault_proxy.injected("fail")) == 3, "one try and two retries, then it gives up"
    gallery = bucket.read(f"{PREFIX}/{manifest['gallery']['path']}").decode()
    assert f"{doomed}</strong>: StorageError: could not write" in gallery
    assert manifest["contact_sheet"] and manifest["notes"] == []


def test_a_contact_sheet_that_cannot_be_stored_costs_a_note_not_the_variations(
    prefect_api, bucket, fault_proxy, logo
):
    fault_proxy.refuse = lambda method, path: (
        method == "PUT" and path.endswith("/contact-sheet.png")
    )
    variations, state = run_flow(s3_request(bucket, fault_proxy.endpoint, logo, n=2))

    assert len(variations) == 2 and state.message == "2 of 2 variations stored"
    assert {(v["contact_sheet_path"], v["contact_sheet_url"]) for v in variations} == {(None, None)}
    manifest = assert_manifest_matches_storage(bucket, variations)
    assert manifest["contact_sheet"] is None
    (note,) = manifest["notes"]
    assert note.startswith("the contact sheet could not be made: StorageError: could not write")
    assert len(fault_proxy.injected("fail")) == 4, "one try and three retries, then it gives up"
    gallery = bucket.read(f"{PREFIX}/{manifest['gallery']['path']}").decode()
    assert 'href="contact-sheet.png"' not in gallery
    assert "<li>the contact sheet could not be made: StorageError" in gallery
    assert variations[0]["gallery_path"] == manifest["gallery"]["path"]


def test_fewer_than_min_variations_fails_the_run_but_keeps_the_record(
    prefect_api, bucket, fault_proxy, logo
):
    doomed = _doomed_palette(N)
    fault_proxy.refuse = lambda method, path: method == "PUT" and f"/{slugify(doomed)}-" in path
    request = s3_request(bucket, fault_proxy.endpoint, logo, n=N, min_variations=N)
    with pytest.raises(VariationError, match=f"3 of 4 variations stored; 1 failed, first {doomed}"):
        palette_variations(request)
    manifests = [key for key in bucket.objects() if key.endswith("manifest.json")]
    manifest = json.loads(bucket.read(manifests[0]))
    assert len(manifest["variations"]) == N - 1
    assert [f["palette"] for f in manifest["failures"]] == [doomed]


def test_unreachable_storage_fails_after_bounded_retries(prefect_api, logo, monkeypatch):
    """Counted, not timed: the upload's task run ends after its retries, with one clear error."""
    for name, value in TEST_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    port = closed_port()
    request = s3_request(
        Bucket(name="pf-nowhere", endpoint="", client=None), f"http://127.0.0.1:{port}", logo
    )
    state = palette_variations(request, return_state=True)
    with pytest.raises(StorageError, match="EndpointConnectionError") as raised:
        state.result()
    assert str(raised.value).startswith("could not look up ")
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert "check the storage URL, endpoint_url and network" in str(raised.value)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    (upload,) = [run for run in runs if run.name.startswith("upload-base-image")]
    assert upload.run_count == STORAGE_RETRIES["retries"] + 1


def test_a_store_refusing_every_request_is_tried_a_bounded_number_of_times(
    prefect_api, bucket, fault_proxy, logo
):
    fault_proxy.refuse = lambda method, path: True
    with pytest.raises(StorageError, match="Service Unavailable"):
        palette_variations(s3_request(bucket, fault_proxy.endpoint, logo, n=2))
    assert [e.method for e in fault_proxy.exchanges] == ["HEAD"] * 4
    assert bucket.objects() == {}
