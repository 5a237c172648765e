"""The local Prefect server the CLI keeps: started once and said so, reused, stopped, never leaked.

Each test has its own PREFECT_HOME and a free port, and no PREFECT_API_URL, as
a new user's machine has. Every wait is bounded but generous: a new
PREFECT_HOME runs every database migration, slowly on a loaded machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import processes_marked

pytestmark = pytest.mark.prefect  # every test starts Prefect servers through the CLI

CLI = str(Path(sys.executable).parent / "paletteflow")
STARTED = "started a local Prefect server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def new_machine(tmp_path) -> Iterator[dict[str, str]]:
    """The environment of a machine that never ran Prefect; whatever a test starts is stopped."""
    home = tmp_path / "prefect-home"
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_PORT": str(free_port()),
        "PALETTEFLOW_SERVER": "local",
    }
    yield env
    subprocess.run([CLI, "server", "stop"], env=env, capture_output=True, timeout=60)
    assert processes_marked(f"PREFECT_HOME={home}".encode()) == [], "a process outlived the test"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=400, env=env)


def flow_run_names(env: dict[str, str]) -> list[str]:
    api = f"http://127.0.0.1:{env['PREFECT_SERVER_API_PORT']}/api"
    response = httpx.post(f"{api}/flow_runs/filter", json={"limit": 50}, timeout=10)
    response.raise_for_status()
    return sorted(run["name"] for run in response.json())


def test_first_runs_start_one_server_that_records_them_and_stop_ends_it(new_machine, tmp_path):
    """Two first runs at once start one server between them; later runs reuse it quietly."""
    out = str(tmp_path / "out")
    first = [
        subprocess.Popen(
            [CLI, "demo", "-n", "2", "--json", "--quiet", "--storage", out],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=new_machine,
        )
        for _ in range(2)
    ]
    results = [(process.communicate(timeout=400), process.returncode) for process in first]
    for (stdout, stderr), code in results:
        assert code == 0, stderr
        assert len(json.loads(stdout)) == 2
    notes = [stderr for (_, stderr), _ in results if STARTED in stderr]
    assert len(notes) == 1, [stderr for (_, stderr), _ in results]
    assert "paletteflow server stop" in notes[0]

    again = cli(new_machine, "demo", "-n", "1", "--quiet", "--storage", out)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    names = flow_run_names(new_machine)
    assert sorted(name.rsplit("-", 2)[1] for name in names) == ["1", "2", "2"], names

    status = cli(new_machine, "server", "status")
    assert status.returncode == 0 and "started by paletteflow" in status.stdout
    stopped = cli(new_machine, "server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert processes_marked(f"PREFECT_HOME={new_machine['PREFECT_HOME']}".encode()) == []
    assert cli(new_machine, "server", "status").returncode == 1


def test_a_port_held_by_something_else_is_one_line_with_exit_code_2(new_machine, tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(new_machine["PREFECT_SERVER_API_PORT"])))
        squatter.listen()
        result = cli(new_machine, "demo", "-n", "1", "--storage", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: port ") and "PREFECT_SERVER_API_PORT" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_api_url_nobody_answers_is_one_line_with_exit_code_2(new_machine, tmp_path):
    env = {**new_machine, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}
    result = cli(env, "demo", "-n", "1", "--storage", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: no Prefect API answers at http://127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_temporary_mode_runs_on_prefects_own_server_and_leaves_nothing(new_machine, tmp_path):
    env = {**new_machine, "PALETTEFLOW_SERVER": "temporary"}
    result = cli(env, "demo", "-n", "1", "--json", "--storage", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 1
    assert STARTED not in result.stderr
    assert (Path(new_machine["PREFECT_HOME"]) / "prefect.db").is_file()
    assert processes_marked(f"PREFECT_HOME={new_machine['PREFECT_HOME']}".encode()) == []
