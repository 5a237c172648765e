"""How fast the CLI answers and a run started from the UI starts, as a new user meets them.

    make bench                                  # or: .venv/bin/python -m benchmarks.startup

Everything runs as a user runs it: the real `paletteflow` command in fresh
processes, a new PREFECT_HOME, no PREFECT_API_URL, a free port for the local
server (PREFECT_SERVER_API_PORT), 7 palettes on the 1024 px sample logo, every
run with a theme no earlier run had (so no task cache helps). Runs are 1 s
apart, as separate calls by a person come. Measured:

- the first ever `paletteflow run` (it starts the local server, which migrates
  a new database) and five later ones, wall time;
- the later runs split into interpreter + imports (the same imports in a fresh
  process, timed alone), the flow run as the Prefect API recorded it (start
  to end), and the rest (the API check, reading the image, Prefect's client
  set-up and its flush at exit);
- the same runs with PALETTEFLOW_SERVER=temporary: Prefect's temporary server
  in every process, which is how every CLI call ran before the local server;
- a run started the way the UI's Run button starts one (POST
  /deployments/{id}/create_flow_run) on `paletteflow serve`, to the moment the
  API says Completed, polled every 0.1 s; the first after serve started is a
  warm-up and is not counted.

Prints a markdown table and writes bench-results/startup.json and .md; the
server's and serve's logs go beside them.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from cli.local_server import terminate_group
from paletteflow.images.io import encode_png
from paletteflow.images.sample import draw_sample_logo

RESULTS = Path("bench-results")
BIN = Path(sys.executable).parent
PALETTES = 7
SIDE = 1024
RUNS = 5
PAUSE_S = 1.0
TIMEOUT_S = 600
DEPLOYMENT = "palette-variations/palette-variations"
IMPORTS = "import cli.main, flows.palette_variations"
BUSY_ANSWERS: list[float] = []  # when the API answered 503 to a UI-style run creation
TARGETS = {"first_s": 20.0, "later_median_s": 3.0, "ui_median_s": 3.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def user_env(home: Path, port: int) -> dict[str, str]:
    """This environment without the caller's Prefect or paletteflow server settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PREFECT_") and name != "PALETTEFLOW_SERVER"
    }
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_API_PORT": str(port)}


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=TIMEOUT_S)
    return time.perf_counter() - started


class Runs:
    """`paletteflow run` calls in one environment, each with a theme of its own."""

    def __init__(self, image: Path, storage: Path, env: dict[str, str]) -> None:
        self.image, self.storage, self.env = image, storage, env
        self.count = 0

    def one(self) -> float:
        self.count += 1
        time.sleep(PAUSE_S)
        return timed(
            [str(BIN / "paletteflow"), "run", str(self.image), "-n", str(PALETTES), "--quiet",
             "--theme", f"startup bench {self.count} {time.time()}", "--storage", str(self.storage)],
            self.env,
        )  # fmt: skip


def flow_run_seconds(api_url: str, count: int) -> list[float]:
    """Start to end of the last `count` palette-variations runs the API recorded, oldest first."""
    response = httpx.post(
        f"{api_url}/flow_runs/filter",
        json={"sort": "START_TIME_DESC", "limit": count,
              "flows": {"name": {"any_": ["palette-variations"]}}},
        timeout=30,
    )  # fmt: skip
    response.raise_for_status()
    return [run["total_run_time"] for run in reversed(response.json())]


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[None]:
    """`paletteflow serve` in its own process group, stopped with its group however we leave."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "paletteflow"), "serve"], env=env, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield
    finally:
        terminate_group(process.pid)
        process.wait()


def deployment_id(client: httpx.Client) -> str:
    """The served deployment's id, once `paletteflow serve` has registered it."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        answer = client.get(f"/deployments/name/{DEPLOYMENT}")
        if answer.status_code == 200:
            return answer.json()["id"]
        time.sleep(0.25)
    raise RuntimeError(f"{DEPLOYMENT} was not registered within {TIMEOUT_S} s")


def ui_run_seconds(client: httpx.Client, deployment: str, image: Path, storage: Path) -> float:
    """A run created as the UI's Run button creates it, to Completed as the API reports it."""
    time.sleep(PAUSE_S)
    request = {"image": str(image), "theme": f"ui run {time.time()}", "storage": str(storage)}
    started = time.perf_counter()
    run_id = create_flow_run(client, deployment, {"request": request})
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        state = client.get(f"/flow_runs/{run_id}").json()["state"]["type"]
        if state == "COMPLETED":
            return time.perf_counter() - started
        if state in {"FAILED", "CRASHED", "CANCELLED"}:
            raise RuntimeError(f"the UI-started run {run_id} ended {state}")
        time.sleep(0.1)
    raise RuntimeError(f"the UI-started run {run_id} did not finish within {TIMEOUT_S} s")


def create_flow_run(client: httpx.Client, deployment: str, parameters: dict[str, Any]) -> str:
    """POST create_flow_run, again after a 503 as Prefect's own client does (SQLite was busy)."""
    for _ in range(20):
        answer = client.post(
            f"/deployments/{deployment}/create_flow_run", json={"parameters": parameters}
        )
        if answer.status_code != 503:
            answer.raise_for_status()
            return answer.json()["id"]
        BUSY_ANSWERS.append(time.time())
        time.sleep(0.5)
    raise RuntimeError("the API answered 503 twenty times in a row")


def spread(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "values": values}  # fmt: skip


def measure(work: Path) -> dict[str, Any]:
    image = work / "logo.png"
    image.write_bytes(encode_png(draw_sample_logo(SIDE)))
    port = free_port()
    env = user_env(work / "home", port)
    api_url = f"http://127.0.0.1:{port}/api"
    report: dict[str, Any] = {"load_average_start": os.getloadavg(), "cpus": os.cpu_count()}
    runs = Runs(image, work / "out", env)
    try:
        report["first_s"] = runs.one()
        later = [runs.one() for _ in range(RUNS)]
        report["later_s"] = spread(later)
        report["imports_s"] = spread(
            [timed([sys.executable, "-c", IMPORTS], env) for _ in range(RUNS)]
        )
        report["flow_run_s"] = spread(flow_run_seconds(api_url, RUNS))
        with (
            httpx.Client(base_url=api_url, timeout=30) as client,
            serving(env, RESULTS / "startup-serve.log"),
        ):
            deployment = deployment_id(client)
            ui_run_seconds(client, deployment, image, work / "ui")
            report["ui_s"] = spread(
                [ui_run_seconds(client, deployment, image, work / "ui") for _ in range(RUNS)]
            )
    finally:
        subprocess.run([str(BIN / "paletteflow"), "server", "stop"], env=env, timeout=60)
        log = work / "home" / "paletteflow-server.log"
        if log.exists():
            (RESULTS / "startup-server.log").write_bytes(log.read_bytes())
    temporary_env = user_env(work / "temporary-home", free_port()) | {
        "PALETTEFLOW_SERVER": "temporary"
    }
    temporary = Runs(image, work / "out-temporary", temporary_env)
    report["temporary_first_s"] = temporary.one()
    report["temporary_later_s"] = spread([temporary.one() for _ in range(3)])
    report["ui_503s"] = len(BUSY_ANSWERS)
    report["load_average_end"] = os.getloadavg()
    return report


def render(report: dict[str, Any]) -> str:
    later, imports, flow = report["later_s"], report["imports_s"], report["flow_run_s"]
    rest = later["median"] - imports["median"] - flow["median"]
    rows = [
        ("first ever `paletteflow run` (starts the local server; new database)",
         f"{report['first_s']:.2f}", f"<= {TARGETS['first_s']:.0f}"),
        ("later `paletteflow run`, median (min-max)",
         f"{later['median']:.2f} ({later['min']:.2f}-{later['max']:.2f})",
         f"<= {TARGETS['later_median_s']:.0f}"),
        ("  of which interpreter + imports, median", f"{imports['median']:.2f}", ""),
        ("  of which the flow run (API start to end), median", f"{flow['median']:.2f}", ""),
        ("  the rest: API check, image check, client set-up, flush at exit", f"{rest:.2f}", ""),
        ("UI-started run on `paletteflow serve`, create to Completed, median (min-max)",
         f"{report['ui_s']['median']:.2f} ({report['ui_s']['min']:.2f}-{report['ui_s']['max']:.2f})",
         f"<= {TARGETS['ui_median_s']:.0f}"),
        ("  503 answers (SQLite busy) to those creations, each retried after 0.5 s",
         str(report["ui_503s"]), ""),
        ("PALETTEFLOW_SERVER=temporary (a server per call, as before): first ever",
         f"{report['temporary_first_s']:.2f}", ""),
        ("PALETTEFLOW_SERVER=temporary: later, median of 3",
         f"{report['temporary_later_s']['median']:.2f}", ""),
    ]  # fmt: skip
    lines = [
        f"{PALETTES} palettes, {SIDE} px sample logo, {report['cpus']} cores, load average "
        f"{report['load_average_start'][0]:.1f} at the start and "
        f"{report['load_average_end'][0]:.1f} at the end",
        "",
        "| | wall s | target |",
        "| --- | --- | --- |",
        *(f"| {label} | {value} | {target} |" for label, value, target in rows),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="paletteflow-startup-") as folder:
        report = measure(Path(folder))
    (RESULTS / "startup.json").write_text(json.dumps(report, indent=2))
    table = render(report)
    (RESULTS / "startup.md").write_text(table)
    sys.stdout.write(table)


if __name__ == "__main__":
    main()
