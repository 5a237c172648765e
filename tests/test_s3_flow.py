"""The flow end to end on a real S3 API (moto server) through s3fs, with a proxy counting writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import FAST_S3_OPTIONS, TEST_AWS_ENV, TEST_SECRETS, Bucket
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)

from flows.palette_variations import palette_variations
from paletteflow.models import VariationRequest

PREFIX = "results"


def s3_request(bucket: Bucket, endpoint: str, image: Path, **fields: Any) -> VariationRequest:
    return VariationRequest(
        image=str(image),
        theme="harbor at sunset",
        logo_description="a lighthouse",
        storage=f"s3://{bucket.name}/{PREFIX}",
        storage_options={"endpoint_url": endpoint, **FAST_S3_OPTIONS},
        **{"n": 4, **fields},
    )


def run_flow(request: VariationRequest) -> tuple[list[dict[str, Any]], Any]:
    state = palette_variations(request, return_state=True)
    return state.result(), state


def flow_run_texts(state: Any) -> str:
    """Every log message and artifact the run left in the Prefect API, as one string."""
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return "\n".join(
        [log.message for log in logs]
        + [json.dumps(artifact.data) + str(artifact.description) for artifact in artifacts]
    )


def test_s3_run_stores_each_object_once_with_its_type_and_reruns_write_nothing(
    prefect_api, bucket, fault_proxy, logo_file, sample_logo_png
):
    request = s3_request(bucket, fault_proxy.endpoint, logo_file)
    variations, state = run_flow(request)

    paths = [v["image_path"] for v in variations]
    first = variations[0]
    shown = [first["manifest_path"], first["contact_sheet_path"], first["gallery_path"]]
    stored = bucket.objects()
    base_keys = [key for key in stored if "/base-" in key]
    assert len(base_keys) == 1
    assert set(stored) == {f"{PREFIX}/{key}" for key in [*paths, *shown]} | set(base_keys)
    assert sorted(fault_proxy.stored_keys()) == sorted(f"{bucket.name}/{key}" for key in stored)
    assert bucket.read(base_keys[0]) == sample_logo_png
    types = {".json": "application/json", ".html": "text/html; charset=utf-8", ".png": "image/png"}
    for key in stored:
        assert bucket.content_type(key) == types[Path(key).suffix]

    manifest = json.loads(bucket.read(f"{PREFIX}/{first['manifest_path']}"))
    assert [v["image_path"] for v in manifest["variations"]] == paths
    assert [v["image_url"] for v in manifest["variations"]] == [
        f"s3://{bucket.name}/{PREFIX}/{path}" for path in paths
    ]
    assert manifest["failures"] == []
    assert "4 of 4 variations stored" in state.message

    for variation in variations:
        query = parse_qs(urlsplit(variation["image_url"]).query)
        assert query["X-Amz-Expires"] == ["604800"]
        downloaded = httpx.get(variation["image_url"], timeout=10)
        assert downloaded.status_code == 200
        assert downloaded.content == bucket.read(f"{PREFIX}/{variation['image_path']}")
    assert manifest["gallery"] == {
        "path": first["gallery_path"],
        "url": f"s3://{bucket.name}/{PREFIX}/{first['gallery_path']}",
    }
    gallery = bucket.read(f"{PREFIX}/{first['gallery_path']}").decode()
    folder = first["gallery_path"].rsplit("/", 1)[0]
    for path in paths:
        assert f'src="{path.removeprefix(folder + "/")}"' in gallery
    assert not any(text in gallery for text in ("X-Amz", "s3://", "http://", "https://"))

    texts = [bucket.read(key).decode("latin-1") for key in stored] + [flow_run_texts(state)]
    for secret in (*TEST_SECRETS, TEST_AWS_ENV["AWS_ACCESS_KEY_ID"]):
        assert all(secret not in text for text in texts)
    assert TEST_AWS_ENV["AWS_SECRET_ACCESS_KEY"] not in json.dumps(variations)

    writes_before = len(fault_proxy.exchanges)
    again, _ = run_flow(request)
    assert fault_proxy.stored_keys(since=writes_before) == []
    assert bucket.objects() == stored
    assert [v["image_path"] for v in again] == paths
    assert [v["reused"] for v in again] == [True] * 4


def test_public_base_url_replaces_presigned_urls(prefect_api, bucket, logo_file):
    public = "https://cdn.example.test/brand-assets"
    request = s3_request(
        bucket, bucket.endpoint, logo_file, n=2, public_base_url=public + "/", url_expiry_s=60
    )
    variations, _ = run_flow(request)
    assert [v["image_url"] for v in variations] == [
        f"{public}/{v['image_path']}" for v in variations
    ]
    manifest_key = f"{PREFIX}/{variations[0]['manifest_path']}"
    assert variations[0]["manifest_url"] == f"{public}/{variations[0]['manifest_path']}"
    manifest = json.loads(bucket.read(manifest_key))
    assert manifest["base_image"]["url"].startswith(f"{public}/")


def test_presigned_url_expiry_is_configurable(prefect_api, bucket, logo_file):
    variations, _ = run_flow(s3_request(bucket, bucket.endpoint, logo_file, n=1, url_expiry_s=900))
    assert parse_qs(urlsplit(variations[0]["image_url"]).query)["X-Amz-Expires"] == ["900"]


def test_credentials_from_a_prefect_secret_block(
    prefect_api, bucket, fault_proxy, logo_file, monkeypatch
):
    from prefect.blocks.system import Secret

    block_key = "pf-block-access-key-51d0"
    block_secret = "pf-block-secret-0b7e44"
    Secret(value={"key": block_key, "secret": block_secret}).save("pf-s3-test", overwrite=True)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)

    request = s3_request(
        bucket, fault_proxy.endpoint, logo_file, n=2, credentials_block="pf-s3-test"
    )
    assert "pf-s3-test" in request.model_dump_json()
    assert block_secret not in request.model_dump_json()
    variations, state = run_flow(request)
    assert len(variations) == 2
    assert any(block_key in authorization for authorization in fault_proxy.authorizations)
    manifest = bucket.read(f"{PREFIX}/{variations[0]['manifest_path']}").decode()
    for text in (manifest, flow_run_texts(state)):
        assert block_secret not in text and block_key not in text


def test_missing_credentials_fail_once_with_a_clear_error(
    prefect_api, bucket, fault_proxy, logo_file, monkeypatch
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    with pytest.raises(Exception, match="Unable to locate credentials") as raised:
        palette_variations(s3_request(bucket, fault_proxy.endpoint, logo_file, n=1))
    assert type(raised.value).__name__ == "StorageRefusedError"
    assert "check the bucket, credentials and permissions" in str(raised.value)
    assert fault_proxy.exchanges == []
    assert bucket.objects() == {}
