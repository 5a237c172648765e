"""The CLI as users run it: a real subprocess, stdout and stderr and exit codes, or a terminal."""

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import FAST_S3_OPTIONS
from PIL import Image
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

from paletteflow.color import hex_to_rgb
from paletteflow.models import Variation

CLI = str(Path(sys.executable).parent / "paletteflow")


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 180
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_palettes_json_is_the_only_stdout():
    result = run_cli("palettes", "lavender field", "--logo-desc", "a bee", "-n", "3", "--json")
    assert result.returncode == 0, result.stderr
    palettes = json.loads(result.stdout)
    assert [len(p["colors"]) for p in palettes] == [5, 5, 5]


def test_palettes_export_is_written_atomically_to_the_file(tmp_path):
    target = tmp_path / "brand.ase"
    result = run_cli("palettes", "harbor", "-n", "2", "--format", "ase", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"wrote 2 palettes to {target}" in result.stderr
    assert target.read_bytes().startswith(b"ASEF\x00\x01\x00\x00")
    assert [p.name for p in tmp_path.iterdir()] == ["brand.ase"]


def test_palettes_table_shows_names_hex_codes_and_checks_for_empty_text():
    result = run_cli("palettes", "", "-n", "2", "--lock", "#0b5394")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("#0b5394 primary") == 2
    assert "neutral brand set" in result.stdout and "all checks pass" in result.stdout


def test_provider_rejection_is_one_line_with_exit_code_2(scripted_api):
    scripted_api.script((401, {"error": {"message": "Incorrect API key provided", "type": "x"}}))
    result = run_cli(
        "palettes", "sea", "--generator", "openai", "--base-url", scripted_api.url,
        env={"OPENAI_API_KEY": "sk-cli-test-key"},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: openai answered HTTP 401: Incorrect API key provided (the API key is missing or "
        "wrong; set it in the environment or a Prefect Secret block)"
    )
    assert "sk-cli-test-key" not in result.stderr + result.stdout


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LOCATION_FIELDS = {"manifest", "contact_sheet", "gallery"}


def run_in_terminal(*args: str, env: dict, timeout: float = 180) -> tuple[int, str]:
    """Run the CLI with stdin, stdout and stderr on a pseudo-terminal 160 columns wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    process = subprocess.Popen(
        [CLI, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **env},
    )
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            try:
                data = os.read(leader, 65536) if ready else b""
            except OSError:
                break
            if ready and not data:
                break
            chunks.append(data)
        else:
            process.kill()
            pytest.fail(f"paletteflow {' '.join(args)} ran past {timeout} s")
    finally:
        os.close(leader)
    return process.wait(timeout=30), b"".join(chunks).decode()


def screen_lines(output: str) -> list[str]:
    """The lines a terminal shows once the output is written: carriage returns, new lines, cursor-up
    and erase-line applied (the moves rich's live display makes), every other control dropped."""
    lines, row, column = [""], 0, 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+", output):
        if token == "\r":
            column = 0
        elif token == "\n":
            row, column = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        elif token.endswith("A") and token.startswith("\x1b["):
            row = max(0, row - int(token[2:-1] or 1))
        elif token == "\x1b[2K":
            lines[row] = ""
        elif not token.startswith("\x1b["):
            lines[row] = (
                lines[row][:column].ljust(column) + token + lines[row][column + len(token) :]
            )
            column += len(token)
    return lines


def run_args(image: Path, storage: str, n: int, *more: str) -> list[str]:
    return ["run", str(image), "--theme", "desert", "--logo-desc", "a cactus", "-n", str(n),
            "--storage", storage, *more]  # fmt: skip


def location_lines(folder: Path) -> list[str]:
    """The last lines of a run that printed a table, and all of a --quiet run's stdout."""
    return [
        f"contact sheet: {(folder / 'contact-sheet.png').as_uri()}",
        f"gallery: {(folder / 'index.html').as_uri()}",
        f"manifest: {(folder / 'manifest.json').as_uri()}",
    ]


def test_run_json_against_a_prefect_api(prefect_api, tmp_path, logo_file):
    out = tmp_path / "out"
    result = run_cli(
        *run_args(logo_file, str(out), 2, "--json", "--format", "webp"),
        env={"PREFECT_API_URL": prefect_api},
    )
    assert result.returncode == 0, result.stderr
    variations = json.loads(result.stdout)
    assert len(variations) == 2
    locations = {f"{field}_{kind}" for field in LOCATION_FIELDS for kind in ("path", "url")}
    for variation in variations:
        assert set(variation) == set(Variation.model_fields) | locations
        assert (out / variation["image_path"]).read_bytes()[8:12] == b"WEBP"
        assert variation["image_url"].startswith("file://")
        for field in LOCATION_FIELDS:
            assert (out / variation[f"{field}_path"]).is_file()
            assert variation[f"{field}_url"] == (out / variation[f"{field}_path"]).as_uri()


def test_run_on_a_terminal_shows_progress_as_variations_finish_then_swatches(
    prefect_api, tmp_path, logo_file
):
    out = tmp_path / "out"
    code, output = run_in_terminal(
        *run_args(logo_file, str(out), 3), env={"PREFECT_API_URL": prefect_api}
    )
    assert code == 0, output[-3000:]
    frames = [ANSI.sub("", frame) for frame in re.split(r"[\r\n]", output)]
    (manifest_path,) = out.rglob("manifest.json")
    manifest = json.loads(manifest_path.read_text())
    names = [v["name"] for v in manifest["variations"]]
    finished = [
        (match[1], int(match[2]))
        for frame in frames
        if (match := re.search(r"(\w[^━]*?) stored .*?(\d)/3", frame))
    ]
    counts = [count for _, count in dict.fromkeys(finished)]
    assert counts == [1, 2, 3], "one redraw per finished variation, counted up"
    assert sorted({name for name, _ in finished}) == sorted(names)
    for variation in manifest["variations"]:
        for color in variation["colors"]:
            assert "\x1b[48;2;{};{};{}m".format(*hex_to_rgb(color)) in output, color
    shown = [line for line in screen_lines(output) if line.strip()]
    assert not any(" | INFO " in line or "Traceback" in line for line in shown)
    assert shown[-3:] == location_lines(manifest_path.parent)


def test_quiet_prints_only_the_locations(prefect_api, tmp_path, logo_file):
    out = tmp_path / "out"
    result = run_cli(
        *run_args(logo_file, str(out), 1, "--quiet"), env={"PREFECT_API_URL": prefect_api}
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (folder,) = {path.parent for path in out.rglob("manifest.json")}
    assert result.stdout.splitlines() == location_lines(folder)


def test_an_expected_failure_under_the_progress_bar_is_one_line_with_exit_code_2(
    prefect_api, bucket, fault_proxy, logo_file
):
    """Every variation's write refused: the flow fails while the bar is up, the screen keeps one line."""
    fault_proxy.refuse = lambda method, path: method == "PUT" and "/variations/" in path
    options = [
        f"--storage-option=endpoint_url={fault_proxy.endpoint}",
        f"--storage-option=config_kwargs={json.dumps(FAST_S3_OPTIONS['config_kwargs'])}",
    ]
    code, output = run_in_terminal(
        *run_args(logo_file, f"s3://{bucket.name}/results", 2, *options),
        env={"PREFECT_API_URL": prefect_api},
    )
    assert code == 2, output[-3000:]
    assert "0/2" in ANSI.sub("", output), "the bar was up while the variations ran"
    shown = [line for line in screen_lines(output) if line.strip()]
    assert len(shown) == 1, shown
    assert shown[0].startswith("error: 0 of 2 variations stored; 2 failed, first ")
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "does-not-exist.png"], "image not found: does-not-exist.png"),
        (["run", "x.png", "-n", "50"], "invalid n: Input should be less than or equal to 20"),
        (["run", "x.png", "--user-id", "../../etc"], "invalid user_id"),
        (
            ["palettes", "sea", "--generator", "nope"],
            "unknown palette generator 'nope'; known generators: jigsawstack, offline, openai",
        ),
        (["palettes", "sea", "-n", "0"], "n = 0 is outside 1..20"),
        (
            ["palettes", "sea", "--lock", "primary=#777777", "--lock", "background=#888888"],
            "the locked colours cannot make a valid palette: primary #777777 and background",
        ),
        (["palettes", "sea", "--lock", "primary=blue"], "invalid locks.0: lock 'primary=blue'"),
        (["palettes", "sea", "--format", "ase"], "ase is binary: write it to a file with -o"),
        (["palettes", "sea", "--format", "pdf"], "unknown format 'pdf'; use one of json, css"),
        (["recolor", "x.png", "--colors", "#000000,#ffffff", "-o", "o.png"], "invalid colors"),
        (
            ["run", "x.png", "--format", "gif"],
            "invalid format: unknown image format 'gif'; use png",
        ),
        (["demo", "--format", "jpeg"], "invalid format: unknown image format 'jpeg'; use png"),
        (
            ["recolor", "x.png", "--colors", "#264653,#2a9d8f,#e9c46a", "-o", "o.gif"],
            "output o.gif must end in .png, .webp or .svg",
        ),
        (
            ["recolor", "x.png", "--colors", "#264653,#2a9d8f", "-o", "o.png", "--keep", "blak"],
            "cannot keep 'blak': name black, white or grey",
        ),
        (["demo", "--keep", "black,pink"], "invalid keep: cannot keep 'pink'"),
    ],
)
def test_user_errors_are_one_line_with_exit_code_2(args, message):
    result = run_cli(*args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_recolor_writes_png_or_webp_by_the_suffix(tmp_path, logo_file):
    written = {}
    for name in ("recoloured.png", "recoloured.WEBP"):
        target = tmp_path / "out" / name
        result = run_cli(
            "recolor",
            str(logo_file),
            "--colors",
            "#264653,#2a9d8f,#e9c46a,#f4a261",
            "-o",
            str(target),
        )
        assert result.returncode == 0, result.stderr
        written[name] = Image.open(target)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(written)
    assert [image.format for image in written.values()] == ["PNG", "WEBP"]
    png, webp = (np.asarray(image) for image in written.values())
    assert np.array_equal(png, webp)


@pytest.mark.parametrize(
    ("env", "heartbeats"),
    [({}, False), ({"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}, True)],
    ids=["off-by-default", "on-when-asked"],
)
def test_cli_runs_send_flow_run_heartbeats_only_when_the_environment_asks(
    prefect_api, tmp_path, logo_file, env, heartbeats
):
    concept = f"heartbeats-{'on' if heartbeats else 'off'}"
    result = run_cli(
        *run_args(logo_file, str(tmp_path / "out"), 1, "--quiet", "--concept-id", concept),
        env={"PREFECT_API_URL": prefect_api, **env},
    )
    assert result.returncode == 0, result.stderr
    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"{concept}-1-palettes"]))
        )
        assert (_heartbeat_count(client, run.id, expect_some=heartbeats) > 0) == heartbeats


def _heartbeat_count(client, flow_run_id, *, expect_some: bool) -> int:
    """Heartbeat events of one flow run; the server stores events a moment after they arrive."""
    query = {
        "filter": {
            "event": {"name": ["prefect.flow-run.heartbeat"]},
            "any_resource": {"id": [f"prefect.flow-run.{flow_run_id}"]},
        },
        "limit": 10,
    }
    deadline = time.monotonic() + (15 if expect_some else 3)
    while True:
        total = client.request("POST", "/events/filter", json=query).json()["total"]
        if total or time.monotonic() > deadline:
            return total
        time.sleep(0.25)
