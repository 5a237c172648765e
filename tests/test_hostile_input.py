"""Hostile input: every bad image, URL and id gets one clear line, exit code 2, and storage untouched.

The table runs in-process through the CLI (typer's runner), a representative
set again as real subprocesses, and the bad images once more straight into the
flow, which validates on its own when the CLI is not in front of it.
"""

from __future__ import annotations

import base64
import http.server
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from conftest import FAST_S3_OPTIONS, TEST_AWS_ENV, flat_logo
from odd_images import corrupt_png, encoded, pixel_bomb_png
from PIL import Image
from s3_servers import closed_port
from typer.testing import CliRunner

from cli.main import app
from flows.palette_variations import palette_variations
from paletteflow.errors import ImageInputError
from paletteflow.images.io import decode_image
from paletteflow.models import VariationRequest

CLI = str(Path(sys.executable).parent / "paletteflow")
CLI_SECRET = "pf-cli-secret-value-4411"
SLOW_RESPONSE_S = 2.0


class ImageHandler(http.server.BaseHTTPRequestHandler):
    """Serves a logo, an HTML page, a 404, a slow answer and a lying Content-Length."""

    logo = b""

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path == "/slow.png":
            time.sleep(SLOW_RESPONSE_S)
        if self.path in ("/logo.png", "/slow.png"):
            self._send(200, "image/png", self.logo)
        elif self.path == "/page.png":
            self._send(200, "text/html", b"<!doctype html><title>Sign in</title><p>Please log in")
        elif self.path == "/declared-huge.png":
            self.send_response(200)
            self.send_header("Content-Length", str(10**10))
            self.end_headers()
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            return


@pytest.fixture(scope="module")
def image_server(sample_logo_png) -> Iterator[str]:
    handler = type("Handler", (ImageHandler,), {"logo": sample_logo_png})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass
class Inputs:
    folder: Path
    server: str
    dead_url: str

    def file(self, name: str, data: bytes) -> str:
        path = self.folder / name
        path.write_bytes(data)
        return str(path)


@pytest.fixture
def inputs(tmp_path, image_server, sample_logo_png) -> Inputs:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a-folder").mkdir()
    made = Inputs(folder, image_server, f"http://127.0.0.1:{closed_port()}/logo.png")
    made.file("logo.png", sample_logo_png)
    return made


Case = tuple[str, Callable[[Inputs], list[str]], str]

LOGO_PNG = encoded(flat_logo(64), "PNG")
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
ENTITIES = "the SVG's DOCTYPE declares its own entities or attributes, which are never expanded"
LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10))


def use_bomb(levels: int = 6, fan_out: int = 10) -> bytes:
    """Each group draws the one before it ten times: a million rectangles from 7 kB."""
    groups = ['<g id="g0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#g{level - 1}"/>' for _ in range(fan_out))
        groups.append(f'<g id="g{level}">{uses}</g>')
    return f'{SVG_OPEN} viewBox="0 0 10 10"><defs>{"".join(groups)}</defs><use href="#g{levels}"/></svg>'.encode()


SVG_CASES: list[Case] = [
    (
        "SVG with an external entity (XXE)",
        lambda i: [
            i.file(
                "xxe.svg",
                b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + f"{SVG_OPEN}><text>&x;</text></svg>".encode(),
            )
        ],
        ENTITIES,
    ),
    (
        "SVG billion laughs",
        lambda i: [
            i.file(
                "laughs.svg",
                f"<!DOCTYPE svg [{LAUGHS}]>{SVG_OPEN}><text>&lol9;</text></svg>".encode(),
            )
        ],
        ENTITIES,
    ),
    (
        "SVG <use> bomb",
        lambda i: [i.file("bomb.svg", use_bomb())],
        "the SVG draws more than 20000 elements once its <use> copies are counted",
    ),
    (
        "SVG <use> loop",
        lambda i: [
            i.file(
                "loop.svg",
                f'{SVG_OPEN}><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'.encode(),
            )
        ],
        "the SVG's <use> elements refer to each other in a loop",
    ),
    (
        "SVG with too many elements",
        lambda i: [i.file("many.svg", f"{SVG_OPEN}>{'<rect/>' * 20001}</svg>".encode())],
        "the SVG has more than 20000 elements; simplify it or rasterise it first",
    ),
    (
        "SVG nested too deep",
        lambda i: [i.file("deep.svg", f"{SVG_OPEN}>{'<g>' * 70}{'</g>' * 70}</svg>".encode())],
        "the SVG nests elements more than 64 deep",
    ),
    (
        "SVG of absurd proportions",
        lambda i: [
            i.file("thin.svg", f'{SVG_OPEN} width="100000" height="1"><rect/></svg>'.encode())
        ],
        "one side is more than 64 times the other or zero",
    ),
    (
        "SVG that is not well-formed",
        lambda i: [i.file("broken.svg", f"{SVG_OPEN}><g></svg>".encode())],
        "the SVG is not well-formed XML (mismatched tag at line 1",
    ),
    (
        "SVG output for a raster image",
        lambda i: [i.file("l.png", LOGO_PNG), "--format", "svg"],
        "svg output needs an SVG image and this one is PNG; use png or webp",
    ),
]

BAD_IMAGES: list[Case] = [
    (
        "corrupt PNG data",
        lambda i: [i.file("c.png", corrupt_png(LOGO_PNG))],
        "truncated or corrupt",
    ),
    ("random bytes", lambda i: [i.file("r.png", os.urandom(2048))], "not an image Pillow can read"),
    (
        "truncated PNG",
        lambda i: [i.file("t.png", LOGO_PNG[: len(LOGO_PNG) // 2])],
        "truncated or corrupt",
    ),
    ("PDF", lambda i: [i.file("d.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF")], "not an image"),
    ("HTML", lambda i: [i.file("h.png", b"<!doctype html><html><body>hi")], "not an image"),
    ("text", lambda i: [i.file("t.txt", b"just some words\n" * 20)], "not an image"),
    ("empty file", lambda i: [i.file("e.png", b"")], "the image is empty (0 bytes)"),
    (
        "pixel bomb",
        lambda i: [i.file("bomb.png", pixel_bomb_png())],
        "has more than 40000000 pixels; downscale it or raise max_image_pixels",
    ),
    (
        "too many pixels",
        lambda i: [i.file("l.png", LOGO_PNG), "--max-image-pixels", "1000"],
        "the image 64x64 has more than 1000 pixels",
    ),
    (
        "too many bytes",
        lambda i: [i.file("l.png", LOGO_PNG), "--max-image-bytes", "100"],
        "is larger than 100 bytes; shrink it or raise max_image_bytes",
    ),
    *SVG_CASES,
    ("missing file", lambda i: [str(i.folder / "absent.png")], "image not found"),
    ("a folder", lambda i: [str(i.folder / "a-folder")], "is a folder"),
    (
        "unreachable URL",
        lambda i: [i.dead_url],
        "could not download image http://127.0.0.1:",
    ),
    ("HTTP 404", lambda i: [f"{i.server}/missing.png"], "HTTP 404; check the URL"),
    ("HTML behind an image URL", lambda i: [f"{i.server}/page.png"], "not an image"),
    (
        "a lying Content-Length",
        lambda i: [f"{i.server}/declared-huge.png"],
        "is larger than 67108864 bytes",
    ),
]

HOSTILE_IDS = [
    "../../etc",
    "/abs",
    "a/../../b",
    "%2e%2e",
    "..%2f..%2fetc",
    "s3://other-bucket/x",
    "file:///etc/passwd",
    "x" * 65,
    "y" * 5000,
    "ünïcödé",
    "\uff41\uff42\uff43",
    "abc\n",
    "a\tb",
    "a\x00b",
    "..",
    ".hidden",
    "a\\..\\b",
]


def _id_case(field: str, value: str) -> Case:
    return (
        f"{field}={value[:20]!r}",
        lambda i: [f"{i.folder}/logo.png", f"--{field.replace('_', '-')}", value],
        f"invalid {field}: {value[:80]!r} is not a safe id",
    )


CASES: list[Case] = [
    *BAD_IMAGES,
    *(_id_case("user_id", value) for value in HOSTILE_IDS),
    *(_id_case("concept_id", value) for value in ("../x", "s3://other-bucket/x", "/abs")),
    (
        "credentials in storage options",
        lambda i: [f"{i.folder}/logo.png", "--storage-option", f"secret={CLI_SECRET}"],
        "invalid storage_options: storage_options must not hold credentials (secret)",
    ),
    (
        "credentials in the image URL",
        lambda i: [f"http://pf:{CLI_SECRET}@127.0.0.1:9/logo.png"],
        "invalid image: the URL holds a user name or password",
    ),
    (
        "storage option without a value",
        lambda i: [f"{i.folder}/logo.png", "--storage-option", "endpoint_url"],
        "is not KEY=VALUE",
    ),
]


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under the folder with inode, mtime and size: any write at all shows up."""
    return {
        path.relative_to(folder).as_posix(): (
            path.stat().st_ino,
            path.stat().st_mtime_ns,
            path.stat().st_size,
        )
        for path in folder.rglob("*")
    }


@pytest.fixture
def local_storage(tmp_path) -> Path:
    folder = tmp_path / "storage"
    (folder / "anonymous" / "earlier-concept").mkdir(parents=True)
    (folder / "anonymous" / "earlier-concept" / "manifest.json").write_text("{}")
    return folder


def assert_one_line_error(exit_code: int, stdout: str, stderr: str, message: str) -> None:
    assert exit_code == 2, stderr
    assert stdout == ""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert CLI_SECRET not in stderr


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=[case[0] for case in CASES])
def test_cli_refuses_hostile_input_and_leaves_local_storage_alone(
    name, args, message, inputs, local_storage
):
    before = snapshot(local_storage)
    result = CliRunner().invoke(
        app, ["run", *args(inputs), "-n", "2", "--storage", str(local_storage)]
    )
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, message)
    assert snapshot(local_storage) == before


def cases_named(*names: str) -> list[Case]:
    chosen = [case for case in CASES if case[0] in names]
    assert len(chosen) == len(names), names
    return chosen


S3_CASES = cases_named("corrupt PNG data", "pixel bomb", "unreachable URL", "user_id='../../etc'")


@pytest.mark.parametrize(("name", "args", "message"), S3_CASES, ids=[c[0] for c in S3_CASES])
def test_cli_refuses_hostile_input_and_leaves_the_bucket_alone(
    name, args, message, inputs, bucket, fault_proxy
):
    bucket.client.put_object(
        Bucket=bucket.name, Key="in/anonymous/earlier/manifest.json", Body=b"{}"
    )
    before = bucket.objects()
    result = CliRunner().invoke(
        app,
        [
            "run",
            *args(inputs),
            "--storage",
            f"s3://{bucket.name}/in",
            "--storage-option",
            f"endpoint_url={fault_proxy.endpoint}",
        ],
    )
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, message)
    assert bucket.objects() == before
    assert [e.method for e in fault_proxy.exchanges] == []


SUBPROCESS_CASES = cases_named(
    "corrupt PNG data",
    "pixel bomb",
    "unreachable URL",
    "user_id='../../etc'",
    "concept_id='s3://other-bucket/x'",
)


@pytest.mark.parametrize(
    ("name", "args", "message"), SUBPROCESS_CASES, ids=[c[0] for c in SUBPROCESS_CASES]
)
def test_cli_subprocess_refuses_hostile_input(name, args, message, inputs, local_storage):
    before = snapshot(local_storage)
    result = subprocess.run(
        [CLI, "run", *args(inputs), "--storage", str(local_storage)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_one_line_error(result.returncode, result.stdout, result.stderr, message)
    assert snapshot(local_storage) == before


def test_cli_reports_unreachable_storage_in_one_line(inputs, local_storage):
    port = closed_port()
    started = time.perf_counter()
    result = subprocess.run(
        [
            CLI,
            "run",
            f"{inputs.folder}/logo.png",
            "--storage",
            "s3://pf-unreachable/results",
            "--storage-option",
            f"endpoint_url=http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **TEST_AWS_ENV},  # dummy keys: the endpoint, not signing, must fail
    )
    elapsed = time.perf_counter() - started
    assert_one_line_error(
        result.returncode,
        result.stdout,
        result.stderr,
        f"cannot reach storage s3://pf-unreachable/results (EndpointConnectionError: "
        f'Could not connect to the endpoint URL: "http://127.0.0.1:{port}/',
    )
    assert elapsed < 30, "default botocore retries (3 attempts) must stay bounded"


FLOW_CASES = cases_named(
    "corrupt PNG data",
    "truncated PNG",
    "PDF",
    "empty file",
    "pixel bomb",
    "too many bytes",
    "SVG billion laughs",
    "SVG <use> bomb",
)


@pytest.mark.parametrize(("name", "args", "message"), FLOW_CASES, ids=[c[0] for c in FLOW_CASES])
def test_the_flow_itself_refuses_bad_images_before_touching_storage(
    name, args, message, prefect_api, inputs, bucket, fault_proxy
):
    image, *options = args(inputs)
    flags = [option.removeprefix("--").replace("-", "_") for option in options[::2]]
    request = VariationRequest(
        image=image,
        n=2,
        storage=f"s3://{bucket.name}/in",
        storage_options={"endpoint_url": fault_proxy.endpoint, **FAST_S3_OPTIONS},
        **{flag: int(value) for flag, value in zip(flags, options[1::2], strict=True)},
    )
    with pytest.raises(ImageInputError, match=re.escape(message.split(";")[0])):
        palette_variations(request)
    assert fault_proxy.exchanges == [], "bad input must be refused before storage is touched"
    assert bucket.objects() == {}


def test_slow_image_server_times_out_with_one_clear_error(image_server):
    from paletteflow.images.io import read_image_source

    # The server answers after SLOW_RESPONSE_S: only a timeout that fired can raise ReadTimeout.
    with pytest.raises(ImageInputError, match="ReadTimeout; check the URL and network"):
        read_image_source(f"{image_server}/slow.png", timeout_s=0.3)


def test_http_image_within_limits_is_read(image_server, sample_logo_png):
    from paletteflow.images.io import read_image_source

    assert read_image_source(f"{image_server}/logo.png") == sample_logo_png


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with a red PNG and records its path: an SVG must cause none."""

    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = encoded(Image.new("RGB", (8, 8), (255, 0, 0)), "PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def hostile_svg(server: str, secret: Path) -> bytes:
    """Every way an SVG can ask to run, load or link something, around one honest shape."""
    inner = base64.b64encode(f'{SVG_OPEN}><image href="{server}/inner.png"/></svg>'.encode())
    return f"""<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "{server}/svg11.dtd">
{SVG_OPEN} xmlns:html="http://www.w3.org/1999/xhtml" viewBox="0 0 100 100" onload="alert(1)"
  xml:base="{server}/">
  <style>@import url({server}/sheet.css); rect {{ fill: #1a73e8; stroke: url({server}/p.svg#g) }}</style>
  <script>fetch("{server}/script")</script>
  <foreignObject width="10" height="10"><html:iframe src="{server}/frame"/></foreignObject>
  <rect width="100" height="100" onclick="alert(2)" style="background: url({server}/bg.png)"/>
  <image width="100" height="100" href="{server}/remote.png"/>
  <image width="100" height="100" xlink:href="{secret.as_uri()}"/>
  <image width="100" height="100" href="{secret}"/>
  <image width="100" height="100" href="data:image/svg+xml;base64,{inner.decode()}"/>
  <use href="{server}/external.svg#shape"/>
  <filter id="f"><feImage href="{server}/fe.png"/></filter>
  <circle cx="50" cy="50" r="20" fill="url({server}/paint.svg#g) #e91e63" filter="url(#f)">
    <set attributeName="fill" to="url({server}/set.svg#g)"/>
    <animate attributeName="href" values="{server}/animate"/>
  </circle>
  <a href="javascript:alert(3)"><rect x="1" width="2" height="2" fill="#e91e63"/></a>
  <a href="{server}/link"><rect x="4" width="2" height="2" fill="#e91e63"/></a>
</svg>
""".encode()


FORBIDDEN_IN_OUTPUT = (
    "script", "onload", "onclick", "foreignObject", "iframe", "http:", "file:", "javascript:",
    "@import", "data:image/svg", "<set", "<animate", "xml:base", "DOCTYPE",
)  # fmt: skip


def test_hostile_svg_is_defused_never_followed(tmp_path):
    RecordingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(encoded(Image.new("RGB", (8, 8), (255, 0, 255)), "PNG"))
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        source = tmp_path / "hostile.svg"
        source.write_bytes(hostile_svg(address, secret))
        outputs = {}
        for suffix in ("svg", "png"):
            outputs[suffix] = tmp_path / f"out.{suffix}"
            result = subprocess.run(
                [CLI, "recolor", str(source), "--colors", "#264653,#2a9d8f,#e9c46a",
                 "-o", str(outputs[suffix])],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
        # The check that counts: the server saw no request at all.
        assert RecordingHandler.requests == []
    finally:
        server.shutdown()
        server.server_close()
    text = outputs["svg"].read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
    for forbidden in FORBIDDEN_IN_OUTPUT:
        assert forbidden not in text, forbidden
    assert "href" not in text.replace('href="#', "")
    assert text.count("<image") == 0 and text.count("<rect") == 3 and "<circle" in text
    pixels = np.asarray(Image.open(outputs["png"]).convert("RGBA")).reshape(-1, 4)
    opaque = pixels[pixels[:, 3] == 255][:, :3]
    # Neither the red the server would send nor the local file's magenta reached the render.
    assert not ((opaque == (255, 0, 255)).all(axis=1)).any()
    assert not ((opaque == (255, 0, 0)).all(axis=1)).any()
    assert len(opaque) > 0.9 * len(pixels)


SQUARE = '<rect width="100%" height="100%" fill="#e91e63"/>'


@pytest.mark.parametrize(
    ("name", "svg", "expected"),
    [
        ("billion-pixel size", f'{SVG_OPEN} width="1000000" height="1000000">{SQUARE}</svg>', (512, 512)),
        ("no size at all", f"{SVG_OPEN}>{SQUARE}</svg>", (512, 512)),
        ("wide wordmark", f'{SVG_OPEN} viewBox="0 0 800 100">{SQUARE}</svg>', (512, 64)),
    ],
)  # fmt: skip
def test_an_svg_renders_at_our_size_whatever_it_claims(name, svg, expected):
    assert decode_image(svg.encode()).size == expected
