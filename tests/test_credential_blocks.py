"""prefect-aws's credentials blocks as `credentials_block`, on moto's S3 in server mode.

The environment's keys are removed, so a write that succeeds was signed with
the block's; the fault proxy in front of moto records which access key signed
each request.
"""

from __future__ import annotations

import pytest
from conftest import FAST_S3_OPTIONS
from test_s3_flow import PREFIX, flow_run_texts, run_flow

from flows.palette_variations import palette_variations
from paletteflow.models import VariationRequest

BLOCK_KEY = "pf-aws-block-key-6e21"
BLOCK_SECRET = "pf-aws-block-secret-f93d07"


@pytest.fixture
def no_environment_keys(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)


def aws_credentials(endpoint: str, **fields):
    from prefect_aws import AwsCredentials

    return AwsCredentials(
        aws_access_key_id=BLOCK_KEY,
        aws_secret_access_key=BLOCK_SECRET,
        region_name="us-east-1",
        aws_client_parameters={"endpoint_url": endpoint},
        **fields,
    )


def block_request(bucket, image, credentials_block: str, **fields) -> VariationRequest:
    """A request whose storage options name no endpoint: it comes from the block."""
    return VariationRequest(
        image=str(image),
        theme="harbor at sunset",
        logo_description="a lighthouse",
        storage=f"s3://{bucket.name}/{PREFIX}",
        storage_options=FAST_S3_OPTIONS,
        credentials_block=credentials_block,
        n=2,
        **fields,
    )


def minio_credentials(endpoint: str):
    from prefect_aws import MinIOCredentials

    return MinIOCredentials(
        minio_root_user=BLOCK_KEY,
        minio_root_password=BLOCK_SECRET,
        region_name="us-east-1",
        aws_client_parameters={"endpoint_url": endpoint},
    )


@pytest.mark.parametrize(
    ("block_type", "make_block"),
    [("aws-credentials", aws_credentials), ("minio-credentials", minio_credentials)],
)
def test_credentials_block(
    prefect_api, bucket, fault_proxy, logo_file, no_environment_keys, block_type, make_block
):
    make_block(fault_proxy.endpoint).save("pf-block-test", overwrite=True)
    request = block_request(bucket, logo_file, f"{block_type}/pf-block-test")
    assert BLOCK_SECRET not in request.model_dump_json()

    variations, state = run_flow(request)

    assert len(variations) == 2
    assert fault_proxy.authorizations == {f"AWS4-HMAC-SHA256 Credential={BLOCK_KEY}"}
    manifest = bucket.read(f"{PREFIX}/{variations[0]['manifest_path']}").decode()
    for text in (manifest, flow_run_texts(state)):
        assert BLOCK_SECRET not in text and BLOCK_KEY not in text


def test_s3_bucket_block_for_its_own_bucket_only(
    prefect_api, bucket, fault_proxy, logo_file, no_environment_keys
):
    from prefect_aws import S3Bucket

    credentials = aws_credentials(fault_proxy.endpoint)
    S3Bucket(bucket_name=bucket.name, credentials=credentials).save("pf-bucket", overwrite=True)
    S3Bucket(bucket_name="another-bucket", credentials=credentials).save(
        "pf-other-bucket", overwrite=True
    )

    variations, _ = run_flow(block_request(bucket, logo_file, "s3-bucket/pf-bucket"))
    assert len(variations) == 2
    assert fault_proxy.authorizations == {f"AWS4-HMAC-SHA256 Credential={BLOCK_KEY}"}

    stored = bucket.objects()
    fault_proxy.exchanges.clear()
    with pytest.raises(Exception, match="holds credentials for bucket 'another-bucket'") as raised:
        palette_variations(block_request(bucket, logo_file, "s3-bucket/pf-other-bucket"))
    assert type(raised.value).__name__ == "InputError"
    assert "\n" not in str(raised.value) and BLOCK_SECRET not in str(raised.value)
    assert fault_proxy.exchanges == [] and bucket.objects() == stored


def test_aws_credentials_block_that_assumes_a_role(
    prefect_api, bucket, fault_proxy, logo_file, no_environment_keys, monkeypatch
):
    """boto3 asks moto's STS for the role's keys (each task asks); those, not the block's, sign."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", bucket.endpoint)
    aws_credentials(
        fault_proxy.endpoint, assume_role_arn="arn:aws:iam::123456789012:role/paletteflow"
    ).save("pf-aws-role", overwrite=True)

    variations, _ = run_flow(block_request(bucket, logo_file, "aws-credentials/pf-aws-role"))

    assert len(variations) == 2
    signers = {authorization.rsplit("=", 1)[1] for authorization in fault_proxy.authorizations}
    assert signers and all(signer.startswith("ASIA") for signer in signers)  # STS's temporary keys


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("aws-credentials/nobody", "there is no Prefect aws-credentials block named 'nobody'"),
        (
            "json/settings",
            "paletteflow reads secret, aws-credentials, minio-credentials, s3-bucket",
        ),
    ],
)
def test_a_block_that_cannot_serve_is_one_line(prefect_api, bucket, logo_file, reference, message):
    with pytest.raises(Exception, match=message) as raised:
        palette_variations(block_request(bucket, logo_file, reference))
    assert type(raised.value).__name__ == "InputError"
    assert bucket.objects() == {}
