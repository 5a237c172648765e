"""A run killed mid-way, then started again with the same inputs.

On S3 the proxy lets exactly one variation through and stalls the others, so
the kill lands between variations every time. Locally the kernel kills the
run in the middle of writing a variation (a file-size limit with SIGXFSZ
left at its default), so the kill lands mid-write every time.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FAST_S3_OPTIONS, photo_like
from PIL import Image
from test_hostile_input import snapshot

from flows.palette_variations import palette_variations
from paletteflow.models import VariationRequest

N = 4
THEME = "harbor at sunset"
LOGO = "a lighthouse"
WAIT_LIMIT_S = 120.0
FILE_SIZE_LIMIT = 64 * 1024

# The CLI under a file-size limit, with SIGXFSZ back at its default (Python ignores it),
# so the kernel kills the process the moment a write crosses the limit.
LIMITED_CLI = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from cli.main import main
sys.argv = ["paletteflow", *sys.argv[1:]]
main()
"""


def cli_args(image: Path, storage: str, options: list[str]) -> list[str]:
    return [
        "run",
        str(image),
        "--theme",
        THEME,
        "--logo-desc",
        LOGO,
        "-n",
        str(N),
        "--storage",
        storage,
        *options,
        "--json",
    ]


def wait_until(condition, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, stderr = process.communicate(timeout=30)
            pytest.fail(f"the run ended or stalled before {what}: {stderr[-2000:]}")
        time.sleep(0.05)


def test_s3_run_killed_between_variations_resumes_without_redoing_them(
    prefect_api, bucket, fault_proxy, logo_file
):
    passed: list[str] = []

    def hold_all_variations_after_the_first(method: str, path: str) -> bool:
        if method != "PUT" or "/variations/" not in path:
            return False
        if passed:
            return True
        passed.append(path)
        return False

    fault_proxy.hold = hold_all_variations_after_the_first
    storage = f"s3://{bucket.name}/results"
    options = {"endpoint_url": fault_proxy.endpoint, **FAST_S3_OPTIONS}
    flags = [
        f"--storage-option=endpoint_url={fault_proxy.endpoint}",
        f"--storage-option=config_kwargs={json.dumps(FAST_S3_OPTIONS['config_kwargs'])}",
    ]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "paletteflow"), *cli_args(logo_file, storage, flags)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
    )

    def one_variation_stored_and_others_waiting() -> bool:
        stored = [key for key in bucket.objects() if "/variations/" in key]
        return len(stored) == 1 and fault_proxy.held >= 1

    wait_until(one_variation_stored_and_others_waiting, process, "the first variation was stored")
    process.kill()
    process.communicate(timeout=30)
    fault_proxy.release()

    after_crash = bucket.objects()
    first = [key for key in after_crash if "/variations/" in key]
    assert len(first) == 1
    assert not any(key.endswith("manifest.json") for key in after_crash)
    assert Image.open(io.BytesIO(bucket.read(first[0]))).load() is not None

    fault_proxy.hold = None
    writes_before = len(fault_proxy.exchanges)
    request = VariationRequest(
        image=str(logo_file),
        theme=THEME,
        logo_description=LOGO,
        n=N,
        storage=storage,
        storage_options=options,
    )
    variations = palette_variations(request)

    rewritten = fault_proxy.stored_keys(since=writes_before)
    assert f"{bucket.name}/{first[0]}" not in rewritten
    assert not any("/base-" in key for key in rewritten)
    # the variations the crash cut off, then the manifest, contact sheet and gallery
    assert len(rewritten) == N - 1 + 3, rewritten
    final = bucket.objects()
    assert final[first[0]] == after_crash[first[0]], "the stored variation must not be rewritten"
    variation_keys = sorted(key for key in final if "/variations/" in key)
    assert variation_keys == sorted(f"results/{v['image_path']}" for v in variations)
    assert len(variation_keys) == N
    assert [v["reused"] for v in variations].count(True) == 1


def test_local_run_killed_mid_write_leaves_no_partial_object_and_resumes(prefect_api, tmp_path):
    image = tmp_path / "photo.jpg"
    photo_like(384).save(image, format="JPEG", quality=80)
    assert image.stat().st_size < FILE_SIZE_LIMIT
    storage = tmp_path / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LIMITED_CLI.format(limit=FILE_SIZE_LIMIT),
            *cli_args(image, str(storage), []),
        ],
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT_S,
        env={**os.environ, "PREFECT_API_URL": prefect_api, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == -signal.SIGXFSZ, result.stderr[-2000:]

    files = {path for path in storage.rglob("*") if path.is_file()}
    visible = {path for path in files if not path.name.startswith(".")}
    temporaries = files - visible
    assert [path.name.split("-")[0] for path in visible] == ["base"]
    assert visible.pop().read_bytes() == image.read_bytes()
    # The write that crossed the limit stopped at it; variations being written beside it at that
    # moment leave temporaries of any size up to it (an empty one when just opened).
    sizes = [path.stat().st_size for path in temporaries]
    assert sizes and max(sizes) == FILE_SIZE_LIMIT, "the kill must have landed mid-write"
    assert all(path.name.endswith(".part") for path in temporaries)

    two_hours_ago = time.time() - 7200
    for path in temporaries:
        os.utime(path, (two_hours_ago, two_hours_ago))
    before = snapshot(storage)
    request = VariationRequest(
        image=str(image), theme=THEME, logo_description=LOGO, n=N, storage=str(storage)
    )
    variations = palette_variations(request)

    after = snapshot(storage)
    base_key = next(key for key in before if "/base-" in key)
    assert after[base_key] == before[base_key], "the stored base must not be rewritten"
    names = sorted(Path(key).name for key in after if (storage / key).is_file())
    assert not any(name.endswith(".part") for name in names), "stale temporaries are swept"
    assert len([key for key in after if "/variations/" in key and key.endswith(".png")]) == N
    for variation in variations:
        assert Image.open(storage / variation["image_path"]).load() is not None
