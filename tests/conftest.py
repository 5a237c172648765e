"""Shared fixtures: a real Prefect API for the session, images made by the tests."""

from __future__ import annotations

import os
import signal
import tempfile
import time

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PALETTEFLOW_RETRY_BACKOFF_S", "0.01")
os.environ.setdefault("PALETTEFLOW_API_RETRY_PAUSE_S", "0.1")
# Task results and caches of this test session only, so no run sees another session's cache.
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="paletteflow-test-results-")
# A CLI call that reaches a flow without PREFECT_API_URL must not leave a local server running in
# the user's PREFECT_HOME; tests of the local server ask for it with their own home and port.
os.environ["PALETTEFLOW_SERVER"] = "temporary"
# Every process the tests start inherits this mark, so the session can tell whether one outlived it.
os.environ["PALETTEFLOW_TEST_SESSION"] = f"{os.getpid()}-{time.time_ns()}"

import contextlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings
from PIL import Image, ImageDraw

from paletteflow.images.io import ImageFormat
from paletteflow.images.sample import draw_sample_logo
from paletteflow.models import BaseImage, Failure, Manifest, Palette, RunTimings, VariationRequest
from paletteflow.palettes.offline import generate_offline
from paletteflow.pipeline.base_image import store_base_image
from paletteflow.pipeline.manifest import assemble_manifest
from paletteflow.pipeline.presentation import present
from paletteflow.pipeline.results import GeneratedPalettes, StoredBase
from paletteflow.pipeline.variations import render_variation
from paletteflow.storage import Storage

# Property tests draw the same examples on every run, so a test run's verdict does not depend on
# the draw; `HYPOTHESIS_PROFILE=explore` draws new ones each run, to look for new failures.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# A stored base image and a palette as records only: no pixels are behind them.
PALETTE = Palette(name="Harbor Dusk", colors=["#112233", "#445566", "#778899"])
BASE = BaseImage(
    path="u/c/base-0123456789ab.png",
    url="file:///x",
    concept_dir="u/c",
    sha256="0" * 64,
    width=8,
    height=8,
    format="PNG",
)


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One real Prefect server (SQLite, temporary) for every test that runs a flow."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def sample_logo() -> Image.Image:
    return draw_sample_logo(256)


@pytest.fixture(scope="session")
def sample_logo_png(sample_logo: Image.Image) -> bytes:
    buffer = io.BytesIO()
    sample_logo.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def logo_file(tmp_path, sample_logo_png) -> Path:
    """The sample logo as a file of its own test's folder."""
    path = tmp_path / "logo.png"
    path.write_bytes(sample_logo_png)
    return path


def flat_logo(size: int = 128, background: tuple[int, ...] | None = None) -> Image.Image:
    """Three flat antialiased shapes, on a transparent ground unless a background is given."""
    scale = 4
    big = size * scale
    mode = "RGBA" if background is None or len(background) == 4 else "RGB"
    ground = background if background is not None else (0, 0, 0, 0)
    image = Image.new(mode, (big, big), ground)
    draw = ImageDraw.Draw(image)
    draw.ellipse([0.1 * big, 0.1 * big, 0.9 * big, 0.9 * big], fill="#203a80")
    draw.rectangle([0.3 * big, 0.3 * big, 0.7 * big, 0.7 * big], fill="#f2c14e")
    draw.ellipse([0.42 * big, 0.42 * big, 0.58 * big, 0.58 * big], fill="#d1495b")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def photo_like(size: int = 96, seed: int = 7) -> Image.Image:
    """Smooth colour fields with noise: many unique colours, no flat regions."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    pixels = np.stack([x, y, 0.5 + 0.5 * np.sin(6 * x * y)], axis=-1) * 220
    pixels += rng.normal(0, 6, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


@pytest.fixture
def memory_storage_url() -> str:
    return f"memory://paletteflow-tests/{uuid.uuid4().hex}"


# Dummy credentials, distinctive enough that a leak into any output is found by a substring test.
TEST_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "pf-test-access-key-3c9a",
    "AWS_SECRET_ACCESS_KEY": "pf-test-secret-8d1c5b2e",
    "AWS_SESSION_TOKEN": "pf-test-session-token-77f3a9",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/nonexistent/paletteflow-tests/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/paletteflow-tests/aws-credentials",
}
TEST_SECRETS = (TEST_AWS_ENV["AWS_SECRET_ACCESS_KEY"], TEST_AWS_ENV["AWS_SESSION_TOKEN"])

# One attempt per request inside botocore, so the faults reach paletteflow's own retries.
FAST_S3_OPTIONS = {"config_kwargs": {"retries": {"mode": "standard", "total_max_attempts": 1}}}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 API (moto in server mode) on 127.0.0.1, with dummy credentials in the environment."""
    from s3_servers import start_moto

    saved = {name: os.environ.get(name) for name in TEST_AWS_ENV}
    os.environ.update(TEST_AWS_ENV)
    server, endpoint = start_moto()
    yield endpoint
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: Any

    def objects(self) -> dict[str, tuple[str, str]]:
        """Every key with its ETag and LastModified, straight from the server (no s3fs caches)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {
            item["Key"]: (item["ETag"], item["LastModified"].isoformat())
            for page in pages
            for item in page.get("Contents", [])
        }

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def content_type(self, key: str) -> str:
        return self.client.head_object(Bucket=self.name, Key=key)["ContentType"]


@pytest.fixture
def bucket(moto_endpoint) -> Bucket:
    """A fresh, empty bucket for one test, read back through boto3 rather than paletteflow."""
    import boto3

    client = boto3.client("s3", endpoint_url=moto_endpoint)
    name = f"pf-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return Bucket(name=name, endpoint=moto_endpoint, client=client)


@pytest.fixture
def fault_proxy(moto_endpoint) -> Iterator[Any]:
    from s3_servers import FaultProxy

    proxy = FaultProxy(moto_endpoint)
    yield proxy
    proxy.close()


class ScriptedAPI:
    """A real HTTP server on 127.0.0.1 that answers POSTs from a script and records each request.

    Each scripted answer is (status, body, headers, delay_s); a dict or list body is
    sent as JSON, a str as it is. The last answer repeats once the script runs out.
    Each request records when it arrived and when it was answered (monotonic seconds).
    """

    def __init__(self) -> None:
        import http.server
        import json
        import threading
        import time

        self.answers: list[tuple[int, object, dict[str, str], float]] = []
        self.requests: list[dict] = []
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                record = {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(raw or b"null"),
                    "received_at": time.monotonic(),
                }
                api.requests.append(record)
                index = min(len(api.requests), len(api.answers)) - 1
                status, body, headers, delay = api.answers[index]
                if delay:
                    threading.Event().wait(delay)
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                try:
                    self.send_response(status)
                    content_type = "text/html" if isinstance(body, str) else "application/json"
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                    record["answered_at"] = time.monotonic()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def script(self, *answers: tuple) -> None:
        defaults = (200, None, {}, 0.0)
        self.answers = [(*answer, *defaults[len(answer) :]) for answer in answers]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted_api() -> Iterator[ScriptedAPI]:
    api = ScriptedAPI()
    yield api
    api.close()


def library_run(
    root: Path,
    n: int,
    *,
    logo_png: bytes,
    names: list[str] | None = None,
    failures: dict[int, str] | None = None,
    theme: str = "harbor at sunset, fresh and friendly",
    image_format: ImageFormat = "png",
) -> Manifest:
    """A run made with the library alone (no Prefect), stored under `root` as the flow stores it.

    Offline palettes, renamed by `names` where given; the palettes whose index
    is in `failures` are not rendered but listed as failed with that error.
    """
    failures = failures or {}
    storage = Storage(str(root))
    request = VariationRequest(
        image="logo.png", theme=theme, logo_description="a round badge", n=n, format=image_format
    )
    made = generate_offline(theme, request.logo_description, n)
    made = [
        palette.model_copy(update={"name": name}) if name else palette
        for palette, name in zip(made, [*(names or []), *[None] * n], strict=False)
    ]
    base = store_base_image(storage, logo_png, user_id="u", concept_id=f"c{n}")
    manifest = assemble_manifest(
        request,
        StoredBase(base=base, seconds=0, colors=[]),
        GeneratedPalettes(palettes=made, seconds=0),
        [
            render_variation(storage, base, palette, image_format=image_format)
            for index, palette in enumerate(made)
            if index not in failures
        ],
        [Failure(palette=made[index].name, error=error) for index, error in failures.items()],
        RunTimings(palettes_s=0, upload_s=0, variations_s=0, total_s=0),
    )
    return present(storage, manifest)[0]


# The slow parts a test starts, known by the fixtures it uses (directly or through others);
# modules that start them by other means set `pytestmark`. The rest is the fast part:
# pytest -m "not browser and not s3 and not prefect"
MARKS_BY_FIXTURE = {"prefect_api": "prefect", "moto_endpoint": "s3", "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, mark in MARKS_BY_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(mark)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session if a process it started is still running: `make test` leaves none."""
    deadline = time.monotonic() + 15
    mark = f"PALETTEFLOW_TEST_SESSION={os.environ['PALETTEFLOW_TEST_SESSION']}".encode()
    while (leftovers := processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.25)
    if leftovers:
        commands = {pid: command_line(pid) for pid in leftovers}
        for pid in leftovers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        print(f"\nprocesses started by the tests outlived them (killed now): {commands}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def processes_marked(mark: bytes) -> list[int]:
    """Processes whose environment at start held `mark` (a KEY=VALUE line), but this one's own helper.

    The local Dask cluster makes multiprocessing start its resource tracker as a
    child of the pytest process itself; it ends when pytest does, so no test left it.
    """
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        pid = int(environ.parent.name)
        try:
            if mark in environ.read_bytes().split(b"\0") and not _own_resource_tracker(pid):
                found.append(pid)
        except OSError:
            continue
    return found


def _own_resource_tracker(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text()
    parent = int(stat.rsplit(")", 1)[1].split()[1])
    return parent == os.getpid() and "multiprocessing.resource_tracker" in command_line(pid)


def command_line(pid: int) -> str:
    """What a process runs, to tell which test left it; "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:300]
    except OSError:
        return ""
