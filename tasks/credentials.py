"""Storage credentials from a Prefect block, read inside a task so they never become a parameter.

`credentials_block` names the block. A bare name is a `Secret` holding a JSON
object of fsspec options, as before; `<block-type>/<name>` names any block the
Prefect way (`prefect block ls` shows them so): `secret/NAME`, or prefect-aws's
`aws-credentials/NAME`, `minio-credentials/NAME` and `s3-bucket/NAME`, whose
fields are turned into s3fs options here. An S3Bucket block holds credentials
for one bucket, so storage elsewhere is refused rather than sent its keys.
"""

from __future__ import annotations

import json
from typing import Any

from prefect.blocks.core import Block
from prefect.blocks.system import Secret
from prefect.exceptions import ObjectNotFound

from paletteflow.errors import InputError
from paletteflow.storage import StorageSettings

SECRET_SLUG = "secret"
AWS_SLUGS = ("aws-credentials", "minio-credentials", "s3-bucket")


def load_credentials(settings: StorageSettings) -> dict[str, Any] | None:
    """fsspec options (key, secret, token, endpoint...) from `settings.credentials_block`, or None."""
    reference = settings.credentials_block
    if not reference:
        return None
    slug, _, name = reference.rpartition("/")
    slug = slug or SECRET_SLUG
    if slug != SECRET_SLUG and slug not in AWS_SLUGS:
        raise InputError(
            f"credentials_block {reference!r}: paletteflow reads {SECRET_SLUG}, "
            f"{', '.join(AWS_SLUGS)} blocks; name one as TYPE/NAME, or a Secret by its name alone"
        )
    if slug in AWS_SLUGS:
        _import_prefect_aws(reference)
    try:
        block = Block.load(f"{slug}/{name}")
    except (ValueError, ObjectNotFound):
        raise InputError(
            f"there is no Prefect {slug} block named {name!r}; create it or fix credentials_block"
        ) from None
    if isinstance(block, Secret):
        return _secret_options(reference, block)
    return _s3_options(reference, block, settings.base_url)


def _import_prefect_aws(reference: str) -> None:
    """Registers prefect-aws's block types; it is an optional extra, so its absence is one line."""
    try:
        import prefect_aws  # noqa: F401
    except ImportError:
        raise InputError(
            f"credentials_block {reference!r} needs prefect-aws: pip install 'paletteflow[aws]'"
        ) from None


def _secret_options(reference: str, block: Secret) -> dict[str, Any]:
    value = block.get()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        raise InputError(
            f"the Prefect Secret block {reference!r} must hold a JSON object of storage "
            'options, such as {"key": ..., "secret": ...}'
        )
    return value


def _s3_options(reference: str, block: Block, base_url: str) -> dict[str, Any]:
    """s3fs options from an AwsCredentials, MinIOCredentials or S3Bucket block."""
    from prefect_aws import MinIOCredentials, S3Bucket

    if isinstance(block, S3Bucket):
        bucket = base_url.split("://", 1)[-1].split("/", 1)[0]
        if not base_url.startswith(("s3://", "s3a://")) or bucket != block.bucket_name:
            raise InputError(
                f"the S3Bucket block {reference!r} holds credentials for bucket "
                f"{block.bucket_name!r}, not for storage {base_url!r}; set storage to "
                f"s3://{block.bucket_name}/... or name an aws-credentials block"
            )
        block = block.credentials
    if isinstance(block, MinIOCredentials):
        key, secret, token = block.minio_root_user, block.minio_root_password, None
    else:
        key, secret, token = _aws_keys(block)
    options: dict[str, Any] = {
        "key": key,
        "secret": secret.get_secret_value() if secret is not None else None,
        "token": token,
        "profile": getattr(block, "profile_name", None),
        "endpoint_url": block.aws_client_parameters.endpoint_url,
        "client_kwargs": {"region_name": block.region_name} if block.region_name else None,
    }
    return {name: value for name, value in options.items() if value is not None}


def _aws_keys(block: Any) -> tuple[str | None, Any, str | None]:
    """An AwsCredentials block's keys; with a role to assume, the temporary keys boto3 gets for it."""
    if not block.assume_role_arn:
        return block.aws_access_key_id, block.aws_secret_access_key, block.aws_session_token
    from pydantic import SecretStr

    frozen = block.get_boto3_session().get_credentials().get_frozen_credentials()
    return frozen.access_key, SecretStr(frozen.secret_key), frozen.token
