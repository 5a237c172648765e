"""The flow end to end against a real S3 API (moto in server mode on 127.0.0.1), timed.

Prints JSON: the first run (every object written) and a re-run of the same
request (every object reused, nothing written), each with the flow call's wall
time and the per-variation store times, plus the first run's manifest timings
(the re-run leaves the manifest as it was). Prefect's API is started before
the clock runs.

    .venv/bin/python -m benchmarks.s3_flow [n] [size]
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

from cli.prefect_api import PREFECT_DEFAULTS
from paletteflow.images.sample import DEMO_LOGO, DEMO_THEME

for name, value in PREFECT_DEFAULTS.items():
    os.environ.setdefault(name, value)
# moto accepts any credentials; these keep botocore from looking for real ones.
os.environ.update(
    AWS_ACCESS_KEY_ID="benchmark",
    AWS_SECRET_ACCESS_KEY="benchmark",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_EC2_METADATA_DISABLED="true",
)

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from prefect.client.orchestration import get_client  # noqa: E402

from flows.palette_variations import palette_variations  # noqa: E402
from paletteflow.images.io import encode_png  # noqa: E402
from paletteflow.images.sample import draw_sample_logo  # noqa: E402
from paletteflow.models import VariationRequest  # noqa: E402

BUCKET = "paletteflow-bench"


def timed_run(request: VariationRequest) -> dict[str, Any]:
    started = time.perf_counter()
    variations = palette_variations(request)
    wall = time.perf_counter() - started
    stores = [variation["timings"]["store_s"] for variation in variations]
    return {
        "flow_call_s": round(wall, 3),
        "store_s_mean": round(mean(stores), 4),
        "store_s_max": round(max(stores), 4),
        "reused": sum(variation["reused"] for variation in variations),
        "variations": len(variations),
    }


def manifest_in_bucket(client: Any) -> str:
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    return next(key for key in keys if key.endswith("manifest.json"))


def main(count: int, size: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=BUCKET)
    try:
        with tempfile.TemporaryDirectory() as folder:
            image = Path(folder) / "logo.png"
            image.write_bytes(encode_png(draw_sample_logo(size)))
            request = VariationRequest(
                image=str(image),
                theme=DEMO_THEME,
                logo_description=DEMO_LOGO,
                n=count,
                storage=f"s3://{BUCKET}/bench",
                storage_options={"endpoint_url": endpoint},
            )
            with get_client(sync_client=True) as prefect:
                prefect.api_healthcheck()
            first = timed_run(request)
            manifest_key = manifest_in_bucket(client)
            manifest = json.loads(client.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read())
            objects_after_first = client.list_objects_v2(Bucket=BUCKET)["KeyCount"]
            rerun = timed_run(request)
            objects_after_rerun = client.list_objects_v2(Bucket=BUCKET)["KeyCount"]
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "n": count,
                "image_px": size,
                "first_run": first,
                "first_run_manifest_timings": {
                    key: round(value, 3) for key, value in manifest["timings"].items()
                },
                "rerun": rerun,
                "objects": [objects_after_first, objects_after_rerun],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 7,
        int(sys.argv[2]) if len(sys.argv) > 2 else 1024,
    )
