"""One cold run of the demo's flow in a fresh process, printing where the time went as JSON.

Run by benchmarks/pipeline.py in a child process so Prefect's ephemeral API
starts from nothing, as it does for `paletteflow demo`.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from paletteflow.cli import DEMO_LOGO, DEMO_THEME, apply_prefect_defaults  # noqa: E402

apply_prefect_defaults()

from prefect.client.orchestration import get_client  # noqa: E402

from flows.palette_variations import palette_variations  # noqa: E402
from paletteflow.imageio import encode_png  # noqa: E402
from paletteflow.models import VariationRequest  # noqa: E402
from paletteflow.sample import draw_sample_logo  # noqa: E402
from paletteflow.storage import Storage  # noqa: E402


def main(storage: str, count: int) -> None:
    imported = time.perf_counter()
    with get_client(sync_client=True) as client:
        client.api_healthcheck()
    api_ready = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "logo.png"
        image.write_bytes(encode_png(draw_sample_logo()))
        drawn = time.perf_counter()
        request = VariationRequest(
            image=str(image), theme=DEMO_THEME, logo_description=DEMO_LOGO, n=count, storage=storage
        )
        variations = palette_variations(request)
    finished = time.perf_counter()
    manifest = json.loads(Storage(storage).read(variations[0]["manifest_path"]))
    print(
        json.dumps(
            {
                "import_s": imported - STARTED,
                "api_start_s": api_ready - imported,
                "draw_sample_s": drawn - api_ready,
                "flow_call_s": finished - drawn,
                "manifest_timings": manifest["timings"],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
