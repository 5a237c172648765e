"""Many runs at once on a served deployment: what a local Prefect server and `paletteflow serve` hold.

    make load                                   # or: .venv/bin/python -m benchmarks.load [sqlite|postgresql]

For each database (SQLite, Prefect's default; PostgreSQL, a throwaway cluster
of Debian's postgresql started here), as a user runs it: `paletteflow server
start` on a new PREFECT_HOME and a free port, `paletteflow serve`, then

- burst: 50 palette-variations runs created at once through the API (ten
  requests at a time), as the UI's Run button creates them (n 3 to 7, three identical requests, two bad
  inputs: a missing image and a text file named .png);
- inbox: 200 request files (two of them bad) in one storage's inbox/, and two
  process-inbox runs created at once over it, so they overlap on every file.

Checked, and the script exits non-zero when any fails: every good run
Completed and every bad one Failed with a one-line message naming the
problem; every inbox request has exactly one outcome (done/ or failed/), none
is left in inbox/ and no lease in processing/; storage holds exactly the
variations the manifests list, and no temporary file. Reported: runs and
variations per minute, p50/p95 from creation to Completed (the server's own
timestamps), task and flow retries, 503s the server answered (it logs each,
PREFECT_API_LOG_RETRYABLE_ERRORS), crashed runs, and peak RSS of the serving
process, of everything it started at once, and of the server.

Writes bench-results/load.json and load.md; the server's and serve's logs go
beside them. Small images (the 256 px sample logo): this measures the
orchestration, not the recolouring.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.startup import BIN, RESULTS, free_port, user_env
from cli.local_server import terminate_group
from paletteflow.images.io import encode_png
from paletteflow.images.sample import draw_sample_logo

BURST_RUNS = 50
INBOX_REQUESTS = 200
INBOX_RUNS = 2
IDENTICAL = 3
SIDE = 256
TIMEOUT_S = 3600
POLL_S = 2.0
SAMPLE_S = 0.5
SUBMITTERS = 10
# A schedule that never comes during the benchmark: only the runs created here run.
NEVER_CRON = "0 0 29 2 *"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
STORED = re.compile(r"(\d+) of (\d+) variations stored")
RETRYABLE_LOGGED = "Encountered retryable exception in request"
POSTGRES_USER = "postgres"


def api(path: str, client: httpx.Client, body: dict[str, Any] | None = None) -> Any:
    """One API call, again after a 503 (the database was busy; the server logs each one it sends)
    or a dropped connection (a kept-alive one the server had just closed), as Prefect's client does.
    """
    for _ in range(60):
        try:
            answer = client.post(path, json=body) if body is not None else client.get(path)
        except httpx.TransportError:
            time.sleep(0.5)
            continue
        if answer.status_code != 503:
            answer.raise_for_status()
            return answer.json()
        time.sleep(0.5)
    raise RuntimeError(f"{path} failed sixty times in a row")


def create_runs(
    client: httpx.Client, deployment: str, parameters: list[dict[str, Any]]
) -> tuple[list[str], float]:
    """Runs created together, SUBMITTERS requests at a time; their ids and how long creating took."""
    started_at = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        created = list(
            pool.map(
                # The idempotency key makes a creation sent again return the run it made.
                lambda p: api(
                    f"/deployments/{deployment}/create_flow_run",
                    client,
                    {"parameters": p, "idempotency_key": uuid.uuid4().hex},
                ),
                parameters,
            )
        )
    return [run["id"] for run in created], time.perf_counter() - started_at


def filtered(client: httpx.Client, kind: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object a /{kind}/filter query matches, page by page."""
    found: list[dict[str, Any]] = []
    while True:
        page = api(f"/{kind}/filter", client, {**body, "offset": len(found), "limit": 200})
        found += page
        if len(page) < 200:
            return found


def wait_until_finished(client: httpx.Client, ids: list[str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        runs = filtered(client, "flow_runs", {"flow_runs": {"id": {"any_": ids}}})
        if len(runs) == len(ids) and all(run["state"]["type"] in TERMINAL for run in runs):
            return runs
        time.sleep(POLL_S)
    raise RuntimeError(f"{len(ids)} runs did not all finish within {TIMEOUT_S} s")


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": values[0] if values else float("nan"), "p95": float("nan")}
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {"p50": statistics.median(values), "p95": cuts[18]}


class ProcessGroupMemory:
    """Peak RSS of one process, and of its whole process group at once, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        reset_peak_rss(pid)
        self.group_peak_kb = 0
        self.most_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            members = [rss for pgid, rss in _processes() if pgid == self.pid]
            self.group_peak_kb = max(self.group_peak_kb, sum(members))
            self.most_processes = max(self.most_processes, len(members))

    def stop(self) -> dict[str, float]:
        """The peaks in MiB: the process's own high-water mark (VmHWM) and the group's sampled sum."""
        self._stop.set()
        self._thread.join()
        return {
            "process_peak_mib": peak_rss_kb(self.pid) / 1024,
            "group_peak_mib": self.group_peak_kb / 1024,
            "most_processes": self.most_processes,
        }


def reset_peak_rss(pid: int) -> None:
    """Start the process's VmHWM afresh (Linux's clear_refs 5), so each phase has its own peak."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _processes() -> Iterator[tuple[int, int]]:
    """(process group, RSS in kB) of every process still readable in /proc."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield int(fields[2]), int(fields[21]) * page_kb


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A process in its own process group, its output in `log`, stopped with its group."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    terminate_group(process.pid)
    process.wait()


@contextmanager
def postgres(work: Path) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on 127.0.0.1, run by a non-root user; its asyncpg URL."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not binaries:
        raise RuntimeError("PostgreSQL is not installed: `make load` installs Debian's postgresql")
    bin_dir = binaries[-1].parent
    data = work / "pgdata"
    data.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        shutil.chown(work, POSTGRES_USER)
        shutil.chown(data, POSTGRES_USER)
        as_user = ["runuser", "-u", POSTGRES_USER, "--"]
    port = free_port()
    run = [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "prefect", "--auth=trust"]
    subprocess.run(run, check=True, capture_output=True, timeout=300)
    options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c max_connections=200"
    pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data)]
    log = work / "postgres.log"
    subprocess.run(
        [*pg_ctl, "-o", options, "-l", str(log), "-w", "start"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        subprocess.run(
            [*as_user, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
             "prefect", "prefect"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        yield f"postgresql+asyncpg://prefect@127.0.0.1:{port}/prefect"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], capture_output=True, timeout=120)


def burst_requests(work: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The burst's good requests (some identical) and its two bad ones."""
    storage = str(work / "burst-store")
    logo = str(work / "logo.png")
    good = [
        {"image": logo, "storage": storage, "n": 5, "theme": "identical"}
        if index < IDENTICAL
        else {"image": logo, "storage": storage, "n": 3 + index % 5, "theme": f"burst {index}"}
        for index in range(BURST_RUNS - 2)
    ]
    not_an_image = work / "notes.png"
    not_an_image.write_text("these are notes, not an image")
    bad = [
        {"image": str(work / "missing.png"), "storage": storage, "n": 3},
        {"image": str(not_an_image), "storage": storage, "n": 3},
    ]
    return good, bad


def run_burst(client: httpx.Client, deployment: str, work: Path) -> dict[str, Any]:
    good, bad = burst_requests(work)
    ids, creating_s = create_runs(client, deployment, [{"request": r} for r in good + bad])
    runs = {run["id"]: run for run in wait_until_finished(client, ids)}
    good_runs = [runs[i] for i in ids[: len(good)]]
    bad_runs = [runs[i] for i in ids[len(good) :]]
    problems = [
        f"good run {run['name']} ended {run['state']['type']}: {run['state']['message']}"
        for run in good_runs
        if run["state"]["type"] != "COMPLETED"
    ]
    for run, expected in zip(bad_runs, ("image not found", "not an image"), strict=True):
        message = run["state"]["message"] or ""
        if run["state"]["type"] != "FAILED" or "\n" in message or expected not in message.lower():
            problems.append(f"bad run {run['name']}: {run['state']['type']} {message!r}")
    stored = sum(int(STORED.search(run["state"]["message"] or "0 of 0 variations stored")[1])
                 for run in good_runs)  # fmt: skip
    latencies = [seconds_between(run["created"], run["end_time"]) for run in good_runs]
    return summarise(client, list(runs.values()), len(good_runs), stored, latencies, problems) | {
        "storage": check_storage(work / "burst-store", problems),
        "bad_messages": [run["state"]["message"] for run in bad_runs],
        "creating_s": creating_s,
    }


def write_inbox(work: Path) -> Path:
    store = work / "inbox-store"
    (store / "uploads").mkdir(parents=True)
    shutil.copy(work / "logo.png", store / "uploads" / "logo.png")
    inbox, written = store / "inbox", store / "requests"
    inbox.mkdir()
    written.mkdir()
    for index in range(INBOX_REQUESTS):
        request = {"image": "uploads/logo.png", "n": 3 + index % 5, "theme": f"inbox {index}"}
        if index in (INBOX_REQUESTS // 3, 2 * INBOX_REQUESTS // 3):
            request = {"image": "uploads/missing.png", "n": 3}
        name = f"request-{index:03d}.json"
        (inbox / name).write_text(json.dumps(request))
        shutil.copy2(inbox / name, written / name)  # the inbox's copy goes once handled
    return store


def run_inbox(client: httpx.Client, deployment: str, work: Path) -> dict[str, Any]:
    store = write_inbox(work)
    parameters = {"storage": str(store), "max_requests": INBOX_REQUESTS}
    ids, _ = create_runs(client, deployment, [parameters] * INBOX_RUNS)
    inbox_runs = wait_until_finished(client, ids)
    subflows_of = {
        parent: filtered(
            client, "flow_runs", {"flow_runs": {"parent_flow_run_id": {"any_": [parent]}}}
        )
        for parent in ids
    }
    subflows = [run for runs in subflows_of.values() for run in runs]
    problems = [
        f"inbox run {run['name']} ended {run['state']['type']}: {run['state']['message']}"
        for run in inbox_runs
        if run["state"]["type"] != "COMPLETED"
    ]
    outcomes = {
        folder: sorted(path.name for path in (store / folder).glob("*.json"))
        for folder in ("done", "failed")
    }
    handled = outcomes["done"] + outcomes["failed"]
    if sorted(handled) != sorted(set(handled)) or len(handled) != INBOX_REQUESTS:
        problems.append(f"{len(handled)} outcomes ({len(set(handled))} distinct) for "
                        f"{INBOX_REQUESTS} requests")  # fmt: skip
    failed_errors = [
        json.loads((store / "failed" / name).read_text())["error"] for name in outcomes["failed"]
    ]
    if len(failed_errors) != 2 or not all("image not found" in e for e in failed_errors):
        problems.append(
            f"{len(failed_errors)} requests failed, the 2 bad ones should: {failed_errors}"
        )
    if not all(subflows_of.values()):
        problems.append("one inbox run did all the work: the two did not overlap")
    left = sorted(p.name for p in (store / "inbox").glob("*")) + sorted(
        p.name for p in (store / "processing").glob("*")
    )
    if left:
        problems.append(f"left in inbox/ or processing/: {left[:5]}")
    good = [run for run in subflows if run["state"]["type"] == "COMPLETED"]
    stored = sum(int(STORED.search(run["state"]["message"])[1]) for run in good)
    # From the moment a request file was written to the moment its outcome was.
    latencies = [
        (store / "done" / name).stat().st_mtime - (store / "requests" / name).stat().st_mtime
        for name in outcomes["done"]
    ]
    report = summarise(
        client, inbox_runs + subflows, len(outcomes["done"]), stored, latencies, problems
    )
    return report | {
        "storage": check_storage(store, problems),
        "subflows_per_inbox_run": [len(runs) for runs in subflows_of.values()],
        "subflow_seconds": percentiles(
            [seconds_between(run["start_time"], run["end_time"]) for run in good]
        ),
        "failed_outcomes": failed_errors,
    }


def summarise(
    client: httpx.Client,
    runs: list[dict[str, Any]],
    completed: int,
    stored: int,
    latencies: list[float],
    problems: list[str],
) -> dict[str, Any]:
    """Throughput over the phase (first creation to last end, the server's clock) and retries."""
    first = min(run["created"] for run in runs)
    last = max(run["end_time"] or run["created"] for run in runs)
    minutes = seconds_between(first, last) / 60
    tasks = filtered(client, "task_runs", {"flow_runs": {"id": {"any_": [r["id"] for r in runs]}}})
    return {
        "runs": len(runs),
        "completed": completed,
        "crashed": sum(run["state"]["type"] == "CRASHED" for run in runs),
        "minutes": minutes,
        "per_minute": completed / minutes,
        "variations": stored,
        "variations_per_minute": stored / minutes,
        "latency_s": percentiles(latencies),
        "task_runs": len(tasks),
        "task_retries": sum(max(task["run_count"] - 1, 0) for task in tasks),
        "flow_retries": sum(max(run["run_count"] - 1, 0) for run in runs),
        "problems": problems,
    }


def check_storage(store: Path, problems: list[str]) -> dict[str, Any]:
    """Variation files in storage against the variations the manifests list, and stray temporaries."""
    listed: set[str] = set()
    for manifest in store.rglob("manifest.json"):
        record = json.loads(manifest.read_text())
        listed |= {variation["image_path"] for variation in record["variations"]}
    files = {
        path.relative_to(store).as_posix()
        for path in store.rglob("*/variations/*")
        if path.is_file()
    }
    temporaries = [path.name for path in store.rglob("*.part")]
    if files != listed or temporaries:
        problems.append(
            f"{len(files)} variation files, {len(listed)} variations in manifests, "
            f"{len(files ^ listed)} in one and not the other; temporaries {temporaries[:3]}"
        )
    return {
        "variation_files": len(files),
        "variations_in_manifests": len(listed),
        "same": files == listed,
        "temporaries": temporaries,
    }


class Phase:
    """What the logs and memory show between a phase's start and end."""

    def __init__(self, server_log: Path, serve_log: Path, serve_pid: int, server_pid: int) -> None:
        self.logs = {"server": server_log, "serve": serve_log}
        self.marks = {name: log.stat().st_size for name, log in self.logs.items()}
        self.server_pid = server_pid
        reset_peak_rss(server_pid)
        self.memory = ProcessGroupMemory(serve_pid)

    def end(self) -> dict[str, Any]:
        text = {
            name: log.read_bytes()[self.marks[name] :].decode(errors="replace")
            for name, log in self.logs.items()
        }
        return {
            "serve_memory": self.memory.stop(),
            "server_peak_mib": peak_rss_kb(self.server_pid) / 1024,
            "server_503s": text["server"].count(RETRYABLE_LOGGED),
            "database_locked": text["server"].count("database is locked"),
            "subflow_api_retries": text["serve"].count("the Prefect API failed"),
            "deferred": text["serve"].count("stays in the inbox for the next run"),
        }


def measure(database: str, work: Path) -> dict[str, Any]:
    (work / "logo.png").write_bytes(encode_png(draw_sample_logo(SIDE)))
    port = free_port()
    env = user_env(work / "home", port) | {"PREFECT_API_LOG_RETRYABLE_ERRORS": "true"}
    report: dict[str, Any] = {"database": database, "load_average_start": os.getloadavg()}
    paletteflow = str(BIN / "paletteflow")
    server_log = work / "home" / "paletteflow-server.log"
    with postgres(work) if database == "postgresql" else _no_database() as url:
        if url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = url
        subprocess.run([paletteflow, "server", "start"], env=env, check=True, timeout=600)
        server_pid = json.loads((work / "home" / "paletteflow-server.json").read_text())["pid"]
        serve_log = RESULTS / f"load-{database}-serve.log"
        try:
            with (
                httpx.Client(base_url=f"http://127.0.0.1:{port}/api", timeout=60) as client,
                started([paletteflow, "serve", "--inbox-cron", NEVER_CRON], env, serve_log) as serve,
            ):  # fmt: skip
                deployments = served_deployments(client)
                for name, run, deployment in (
                    ("burst", run_burst, deployments["palette-variations"]),
                    ("inbox", run_inbox, deployments["process-inbox"]),
                ):
                    phase = Phase(server_log, serve_log, serve.pid, server_pid)
                    report[name] = run(client, deployment, work) | phase.end()
        finally:
            subprocess.run([paletteflow, "server", "stop"], env=env, timeout=120)
            shutil.copy(server_log, RESULTS / f"load-{database}-server.log")
    report["load_average_end"] = os.getloadavg()
    return report


@contextmanager
def _no_database() -> Iterator[None]:
    yield None


def served_deployments(client: httpx.Client) -> dict[str, str]:
    """Deployment ids by name, once `paletteflow serve` has registered both of its deployments."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ids = {d["name"]: d["id"] for d in api("/deployments/filter", client, {})}
        if {"palette-variations", "process-inbox"} <= set(ids):
            return ids
        time.sleep(0.5)
    raise RuntimeError("paletteflow serve registered no deployments within 600 s")


def render(reports: list[dict[str, Any]]) -> str:
    lines = [
        f"`.venv/bin/python -m benchmarks.load`, {datetime.now().date()}, {os.cpu_count()} cores",
        "",
        "| database | phase | done | per min | variations per min | p50 s | p95 s | task retries "
        "| subflow retries | 503s | crashed | peak RSS serve / all its processes MiB | server MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for report in reports:
        for phase in ("burst", "inbox"):
            result, memory = report[phase], report[phase]["serve_memory"]
            total = BURST_RUNS - 2 if phase == "burst" else INBOX_REQUESTS - 2
            lines.append(
                f"| {report['database']} | {phase} | {result['completed']} of {total} "
                f"| {result['per_minute']:.1f} | {result['variations_per_minute']:.0f} "
                f"| {result['latency_s']['p50']:.1f} | {result['latency_s']['p95']:.1f} "
                f"| {result['task_retries']} | {result['subflow_api_retries']} "
                f"| {result['server_503s']} | {result['crashed']} "
                f"| {memory['process_peak_mib']:.0f} / {memory['group_peak_mib']:.0f} "
                f"({memory['most_processes']} processes) | {result['server_peak_mib']:.0f} |"
            )
    loads = ", ".join(
        f"{r['database']} {r['load_average_start'][0]:.1f} to {r['load_average_end'][0]:.1f}"
        for r in reports
    )
    problems = [
        f"- {report['database']} {phase}: {problem}"
        for report in reports
        for phase in ("burst", "inbox")
        for problem in report[phase]["problems"]
    ]
    return (
        "\n".join(
            [
                *lines,
                "",
                f"Load average (1 min): {loads}.",
                "",
                *(problems or ["Every check passed."]),
            ]
        )
        + "\n"
    )


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    databases = sys.argv[1:] or ["sqlite", "postgresql"]
    reports = []
    for database in databases:
        with tempfile.TemporaryDirectory(prefix=f"paletteflow-load-{database}-") as folder:
            reports.append(measure(database, Path(folder)))
        (RESULTS / "load.json").write_text(json.dumps(reports, indent=2, default=str))
    table = render(reports)
    (RESULTS / "load.md").write_text(table)
    sys.stdout.write(table)
    if any(report[phase]["problems"] for report in reports for phase in ("burst", "inbox")):
        sys.exit(1)


if __name__ == "__main__":
    main()
