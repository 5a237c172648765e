"""The CLI as users run it: a real subprocess, stdout and stderr and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_run_json_against_a_prefect_api(prefect_api, tmp_path, sample_logo_png):
    image = tmp_path / "logo.png"
    image.write_bytes(sample_logo_png)
    out = tmp_path / "out"
    result = run_cli(
        "run",
        str(image),
        "--theme",
        "desert",
        "--logo-desc",
        "a cactus",
        "-n",
        "2",
        "--storage",
        str(out),
        "--json",
        env={"PREFECT_API_URL": prefect_api},
    )
    assert result.returncode == 0, result.stderr
    variations = json.loads(result.stdout)
    assert len(variations) == 2
    for variation in variations:
        assert (out / variation["image_path"]).is_file()
        assert variation["image_url"].startswith("file://")


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
    ],
)
def test_user_errors_are_one_line_with_exit_code_2(args, message):
    result = run_cli(*args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_recolor_writes_a_png(tmp_path, sample_logo_png):
    source = tmp_path / "logo.png"
    source.write_bytes(sample_logo_png)
    target = tmp_path / "out" / "recoloured.png"
    result = run_cli(
        "recolor", str(source), "--colors", "#264653,#2a9d8f,#e9c46a,#f4a261", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"\x89PNG")
    assert [p.name for p in target.parent.iterdir()] == ["recoloured.png"]
