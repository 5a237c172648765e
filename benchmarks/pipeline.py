"""The whole pipeline's cost, for issues 8 and 14: floor, warm flow, old approach, scaling.

    make bench                                   # or: .venv/bin/python -m benchmarks.pipeline
    .venv/bin/python -m benchmarks.pipeline --quick   # a smoke run on small images, a minute
    .venv/bin/python -m benchmarks.pipeline --warm-only   # the headline's floor and warm flow

Prints a markdown table (it goes into an issue note as it is), writes every
figure to bench-results/pipeline.json and the table to bench-results/pipeline.md,
and the children's and the server's logs beside them. This machine is shared
and noisy, so every figure comes from the same run and the targets are judged
as ratios of figures measured in it.

How it measures, and why:

- Every case runs in a child process of its own (benchmarks/pipeline_child.py),
  so its peak RSS is that case's alone: VmHWM of the child's process (not
  ru_maxrss, which Linux carries over from this parent through fork and exec);
  a Prefect API server is another process and is not counted.
- The logos are drawn once here, before anything is measured, and written as
  PNG files the children read: drawing supersamples, and at 4096 px it takes
  seconds and gigabytes that belong to no case.
- (a) floor, two rows. "core" is what the issue names: decode, analyse once,
  recolour + encode + store each palette, a plain loop. "whole job" is all
  the flow does, without Prefect (base upload, text and image-seeded palettes,
  variations, contact sheet, gallery, manifest) from the same library calls
  its tasks make, so warm flow / whole job is the orchestration's overhead.
- (b) warm flow: one long-lived `prefect server start` on a free loopback port
  with its own temporary PREFECT_HOME, analytics off as the CLI sets them, and
  the UI off (a browser page the benchmark never opens; it changes start-up,
  not the API), logging each request it answers 503: logging only, and the
  report counts them, since the client then backs off about 2 s inside some
  run (seen: SQLite's "database is locked" on creating the next flow run).
  Each child does one unmeasured warm-up run on a small image, then measured
  runs, each on image bytes and theme text no earlier run had,
  so neither the per-process cache of the decoded base nor a task cache hit
  can make a run look fast. After its run ends, the server goes on writing
  that run's events and logs for up to about a second; a flow run created
  meanwhile often gets SQLite's "database is locked" and waits about 2 s for
  the client's retry (in a probe: 7 of 16 back-to-back runs, none of 16
  runs 1 s apart). So the warm runs are measured twice: 1 s apart (the pause not
  counted), as runs from separate CLI calls, schedules or the UI come, and
  back to back, the worst case. The floor is sequential, on one core; the flow
  runs its tasks on a thread pool, and the recolour work releases the GIL, so
  the flow may use both cores: the ratio compares the product with the
  simplest way to do its work, not like with like core for core.
- Where a warm run's time goes: after each run 1 s apart, the same child
  times an empty flow run and a run of the flow's skeleton (its task runs
  with nothing in them, benchmarks/flow_skeleton.py), 1 s apart too, and
  reads the API server's CPU seconds (from /proc) over each. From their
  medians the report splits the warm flow into the empty flow run, its task
  runs, the work (the whole job) and the rest, which none of them explains.
- Cold starts, the CLI as a user runs it: benchmarks/startup.py.
- (d) the old approach (k-means recolour, benchmarks/old_approach.py) in the
  core loop, at the headline size only: it takes seconds per palette.
- Scaling: n = 1, 7, 20, 50 at 1024 px and sides 512 to 4096 at n = 7, plus
  4096 px with n = 20 for the memory target; floor core and flow for each.
  The flow refuses n > 20 (MAX_PALETTES), so n = 50 has the floor only (50
  palettes from the offline designer over three themes). Best of 3 runs up to
  1024 px, of 2 above (a single flow run at 4096 px was seen to stall for
  seconds). Linearity is judged on the cost per unit (ms per palette along n,
  ms per palette-megapixel along the sides): cost a + b x has a per-unit cost
  that falls or stays as x grows, whatever its fixed part a, and anything
  super-linear makes it rise. A rise of more than 1.25x from one case to the
  next is a fail. (Marginal cost between cases was tried first and
  misleads for the flow: at small sizes its work hides inside Prefect's fixed
  waits, so its marginal cost looks low there and high at 4096 px.)
- Every child's theme text is its own, and each run adds its number to it:
  Prefect's task cache lives in PREFECT_HOME and outlives the child, so two
  children with the same text would share cached palettes.
- The flow runs as the CLI runs it, in the CLI's order and with its settings
  (the project's Prefect defaults, the early temporary API, no flow-run
  heartbeats: see pipeline_child.start_flow), and PREFECT_* variables of the
  caller's shell are not passed on: the point is to measure the product as it
  ships, not a tuned Prefect.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import PIL
import prefect

from cli.local_server import terminate_group
from cli.prefect_api import PREFECT_DEFAULTS
from paletteflow.images.io import encode_png
from paletteflow.images.sample import DEMO_LOGO, DEMO_THEME, draw_sample_logo
from paletteflow.models import MAX_PALETTES

RESULTS = Path("bench-results")
CHILD = "benchmarks.pipeline_child"
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT_S = 180
CHILD_TIMEOUT_S = 900
LINEAR_LIMIT = 1.25
RSS_LIMIT_MB = 2048
RETRYABLE_MARK = "Encountered retryable exception in request"
# Idle time before each warm run, outside its figures: the API server is still writing the last
# run's events for up to about a second, and a run created meanwhile often meets SQLite's
# "database is locked" (7 of 16 back-to-back runs, none of 16 runs 1 s apart, in a probe).
API_QUIET_S = 1.0


@dataclass(frozen=True)
class Plan:
    """Which cases to run: the headline (side, n), the scaling series and the memory case."""

    side: int = 1024
    n: int = 7
    runs: int = 5
    counts: tuple[int, ...] = (1, 7, 20, 50)
    sides: tuple[int, ...] = (512, 1024, 2048, 4096)
    big: tuple[int, int] = (4096, 20)
    warmup_side: int = 128
    best_of: int = 3
    best_of_up_to: int = 1024
    best_of_above: int = 2
    # The headline's floor and warm flow only: no scaling or old approach.
    warm_only: bool = False

    def cases(self) -> list[tuple[int, int]]:
        """(side, n) of every scaling case, the headline first so its ratios are measured together."""
        others = {(self.side, n) for n in self.counts} | {(s, self.n) for s in self.sides}
        return [(self.side, self.n), *sorted(others - {(self.side, self.n)} | {self.big})]

    def runs_for(self, side: int, n: int) -> int:
        if (side, n) == (self.side, self.n):
            return self.runs
        return self.best_of if side <= self.best_of_up_to else self.best_of_above


FULL = Plan()
QUICK = Plan(
    side=256, n=3, runs=2, counts=(1, 3, 25), sides=(128, 256, 512), big=(256, 5), warmup_side=64
)


def progress(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


def clean_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """This process's environment without the caller's Prefect settings, on its own PREFECT_HOME."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A `prefect server start` process: where its API is and where it logs."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def wait_healthy(self) -> None:
        """Poll /health until it answers, the server exits, or the time limit passes."""
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"prefect server exited ({self.process.returncode}); see {self.log}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(
            f"prefect server unhealthy after {SERVER_START_TIMEOUT_S} s; see {self.log}"
        )


@contextmanager
def prefect_server(home: Path, log: Path) -> Iterator[Server]:
    """A server started in its own process group and killed with its group however we leave.

    Yields at once, so the caller can work while it starts; `wait_healthy` before using it.
    """
    port = free_port()
    command = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--no-ui", "--analytics-off"],
            # Logging the requests it answers 503 (retry later) changes nothing else.
            env={**clean_env(home), **PREFECT_DEFAULTS, "PREFECT_API_LOG_RETRYABLE_ERRORS": "true"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Server(process, f"http://127.0.0.1:{port}/api", log)
    finally:
        terminate_group(process.pid)
        process.wait()


def retryable_errors(log: Path) -> dict[str, Any]:
    """How often the server answered 503, and the exceptions behind it, from its log.

    The client sleeps about 2 s (exponential back-off) before retrying such a
    request, so each one is a stall in some run.
    """
    text = log.read_text(errors="replace")
    causes = re.findall(r"^(\w[\w.]*(?:Error|Exception): .{0,120})", text, re.MULTILINE)
    return {"count": text.count(RETRYABLE_MARK), "causes": sorted(set(causes))[:3]}


class Children:
    """Runs the measured child processes, appending their stderr to one log."""

    def __init__(self, work: Path, log: Path, images: dict[int, Path], warmup: Path) -> None:
        self.work = work
        self.log = log
        self.images = images
        self.warmup = warmup
        self.count = 0

    def case(
        self,
        mode: str,
        side: int,
        n: int,
        env: dict[str, str],
        *,
        runs: int,
        pause_s: float = 0.0,
        options: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """One case in a fresh process: its JSON figures, plus the process's wall time."""
        self.count += 1
        args = ["--image", str(self.images[side]), "--n", str(n), "--runs", str(runs)]
        args += ["--pause-s", str(pause_s), *options]
        args += ["--storage", str(self.work / f"case-{self.count}-{mode}")]
        args += ["--theme", f"{DEMO_THEME} #{self.count}", "--logo", DEMO_LOGO]
        args += ["--warmup-image", str(self.warmup)]
        wall, output = self.run(
            [sys.executable, "-m", CHILD, mode, *args], env, f"{mode} {side} n={n}"
        )
        return {"side": side, "wall_s": wall, **json.loads(output.strip().splitlines()[-1])}

    def run(self, command: list[str], env: dict[str, str], label: str) -> tuple[float, str]:
        """Wall seconds and stdout of one command; its stderr goes to the log. Fails loudly."""
        with self.log.open("a") as log:
            log.write(f"\n===== {label}: {' '.join(command)}\n")
            log.flush()
            started = time.perf_counter()
            child = subprocess.run(
                command, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
                timeout=CHILD_TIMEOUT_S, check=False,
            )  # fmt: skip
            wall = time.perf_counter() - started
        if child.returncode != 0:
            raise RuntimeError(f"{label} failed with exit code {child.returncode}; see {self.log}")
        return wall, child.stdout


def draw_images(plan: Plan, folder: Path) -> tuple[dict[int, Path], Path]:
    """The sample logo at every side the plan uses, and the warm-up one, as PNG files."""
    images = {}
    for side in sorted({side for side, _ in plan.cases()}):
        images[side] = folder / f"logo-{side}.png"
        images[side].write_bytes(encode_png(draw_sample_logo(side)))
    warmup = folder / f"warmup-{plan.warmup_side}.png"
    warmup.write_bytes(encode_png(draw_sample_logo(plan.warmup_side)))
    return images, warmup


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "prefect": prefect.__version__,
        "pillow": PIL.__version__,
        "load_average_start": os.getloadavg(),
    }


def measure(plan: Plan, work: Path, started: float) -> dict[str, Any]:
    """Every case of the plan; the figures as the JSON report keeps them."""
    RESULTS.mkdir(exist_ok=True)
    child_log, server_log = RESULTS / "pipeline-children.log", RESULTS / "pipeline-server.log"
    child_log.write_text("")
    report: dict[str, Any] = {"plan": asdict(plan), "machine": machine()}
    server_home = work / "server-home"
    with prefect_server(server_home, server_log) as server:
        progress(f"prefect server starting at {server.url}; drawing the logos", started)
        images, warmup = draw_images(plan, work)
        server.wait_healthy()
        report["server_healthy_after_s"] = time.perf_counter() - started
        progress("server healthy", started)
        children = Children(work, child_log, images, warmup)
        envs = clean_env(server_home), clean_env(server_home, server.url)
        headline, scaling = warm_cases(plan, children, *envs, server.process.pid, started)
    report["server_503s"] = retryable_errors(server_log)
    report["machine"]["load_average_end"] = os.getloadavg()
    report.update(headline=headline, scaling=scaling)
    return report


def warm_cases(
    plan: Plan, children: Children, floor_env: dict[str, str], flow_env: dict[str, str],
    server_pid: int, started: float,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """The headline's floor and warm flow, then every scaling case, then the old approach.

    The warm flow 1 s apart also times an empty flow and the flow's skeleton
    after each run, and both warm cases the API server's CPU, for the breakdown.
    """
    server = ("--server-pid", str(server_pid))
    headline = {
        "core": children.case("core", plan.side, plan.n, floor_env, runs=plan.runs),
        "job": children.case("job", plan.side, plan.n, floor_env, runs=plan.runs),
        "flow_server": children.case(
            "flow", plan.side, plan.n, flow_env, runs=plan.runs, pause_s=API_QUIET_S,
            options=(*server, "--skeleton"),
        ),
        "flow_server_back_to_back": children.case(
            "flow", plan.side, plan.n, flow_env, runs=plan.runs, options=server
        ),
    }  # fmt: skip
    for name, result in headline.items():
        progress(f"{name} {plan.side} n={plan.n}: median {result['median_s']:.3f} s", started)
    if plan.warm_only:
        return headline, []
    scaling = []
    for side, n in plan.cases():
        if (side, n) == (plan.side, plan.n):
            floor, flow = headline["core"], headline["flow_server"]
        else:
            runs = plan.runs_for(side, n)
            floor = children.case("core", side, n, floor_env, runs=runs)
            flow = (
                children.case("flow", side, n, flow_env, runs=runs, pause_s=API_QUIET_S)
                if n <= MAX_PALETTES
                else None
            )
        scaling.append({"side": side, "n": n, "megapixels": side * side / 1e6,
                        "floor": floor, "flow": flow})  # fmt: skip
        flow_text = f"{flow['min_s']:.3f} s" if flow else "refused (n > MAX_PALETTES)"
        progress(f"scaling {side} n={n}: floor {floor['min_s']:.3f} s, flow {flow_text}", started)
    headline["old"] = children.case("old", plan.side, plan.n, floor_env, runs=1)
    progress(f"old approach: {headline['old']['min_s']:.1f} s", started)
    return headline, scaling


def growth(points: list[tuple[float, float]]) -> dict[str, Any]:
    """Cost per unit along a series (x, seconds; x ascending) and its largest rise from one case to the next."""
    per_unit = [seconds / x for x, seconds in points]
    return {
        "per_unit_ms": [cost * 1e3 for cost in per_unit],
        "worst_rise": max(after / before for before, after in pairwise(per_unit)),
    }


def linearity(scaling: list[dict[str, Any]], plan: Plan, kind: str) -> dict[str, dict]:
    """Per palette along n (at the headline side), per palette-megapixel along the sides (at its n)."""
    series = {
        "n": [(row["n"], row) for row in scaling if row["side"] == plan.side],
        "pixels": [(row["megapixels"] * row["n"], row) for row in scaling if row["n"] == plan.n],
    }
    return {
        axis: growth(sorted((x, row[kind]["min_s"]) for x, row in rows if row[kind]))
        for axis, rows in series.items()
    }


def targets(report: dict[str, Any], plan: Plan) -> list[dict[str, Any]]:
    """The issue's targets, each a figure of this run with its verdict (None: reported only)."""
    head = report["headline"]
    core, job = head["core"]["median_s"], head["job"]["median_s"]
    flow = head["flow_server"]["median_s"]
    size = f"{plan.n} palettes at {plan.side}"
    rows = [
        ("warm flow <= 2x floor (core: the issue's floor)", f"{flow / core:.2f}x", flow / core <= 2),
        ("warm flow <= 2x floor (whole job: like for like)", f"{flow / job:.2f}x", flow / job <= 2),
        ("warm flow <= 1.5x floor (whole job), issue 14", f"{flow / job:.2f}x", flow / job <= 1.5),
        (f"floor (core), {size}, <= 1 s", f"{core:.3f} s", core <= 1),
    ]  # fmt: skip
    if plan.warm_only:
        return [{"target": t, "measured": m, "pass": p} for t, m, p in rows]
    old = head["old"]["min_s"]
    big = next(row for row in report["scaling"] if (row["side"], row["n"]) == plan.big)
    rows += [
        (">= 100x faster than the old approach: old / floor", f"{old / core:.0f}x", old / core >= 100),
        (">= 100x faster than the old approach: old / warm flow", f"{old / flow:.0f}x",
         old / flow >= 100),
        ("old / floor in CPU seconds (cv2's k-means uses every core, the floor one)",
         f"{median_cpu(head['old']) / median_cpu(head['core']):.0f}x", None),
    ]  # fmt: skip
    for kind, axes in report["linearity"].items():
        for axis, unit in (("n", "palette"), ("pixels", "palette-MP")):
            step = axes[axis]
            costs = " -> ".join(f"{cost:.0f}" for cost in step["per_unit_ms"])
            rows.append((
                f"linear in {axis}, {kind}: ms per {unit}, smallest case to largest",
                f"{costs} (worst rise {step['worst_rise']:.2f}x)",
                step["worst_rise"] <= LINEAR_LIMIT,
            ))  # fmt: skip
    side, n = plan.big
    for kind in ("flow", "floor"):
        rss = big[kind]["peak_rss_mb"]
        rows.append((f"{n} palettes at {side}x{side}, peak RSS < 2 GB: {kind}", f"{rss:.0f} MB",
                     rss < RSS_LIMIT_MB))  # fmt: skip
    return [{"target": t, "measured": m, "pass": p} for t, m, p in rows]


def _s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def median_cpu(result: dict[str, Any]) -> float:
    return statistics.median(run["cpu_s"] for run in result["runs"])


def _median_run(result: dict[str, Any]) -> dict[str, float]:
    runs = sorted(result["runs"], key=lambda run: run["seconds"])
    return runs[(len(runs) - 1) // 2]


def _phases(run: dict[str, float], prefix: str = "") -> str:
    return ", ".join(
        f"{name.removeprefix(prefix).removesuffix('_s')} {value:.3f}"
        for name, value in run.items()
        if name.startswith(prefix) and name not in ("seconds", "cpu_s")
    )


HEADLINE_LABELS = {
    "core": "(a) floor, core: decode, analyse once, recolour + encode + store each",
    "job": "(a) floor, whole job: + base upload, palettes, sheet, gallery, manifest",
    "flow_server": "(b) flow, warm, long-lived local `prefect server`, runs 1 s apart",
    "flow_server_back_to_back": "(b) the same, back to back (SQLite 503s: 2 s client back-off)",
    "old": "(d) old approach (k-means), core loop",
}


def render_headline(report: dict[str, Any], plan: Plan) -> list[str]:
    head = report["headline"]
    core = head["core"]["median_s"]
    lines = [
        _row(f"{plan.n} palettes, {plan.side}x{plan.side} RGBA sample logo", "median s", "min s",
             "runs", "median CPU s", "peak RSS MB", "/ floor (core)"),
        _row(*["---"] * 7),
    ]  # fmt: skip
    for key, label in HEADLINE_LABELS.items():
        if key not in head:
            continue
        r = head[key]
        lines.append(_row(label, _s(r["median_s"]), _s(r["min_s"]), str(len(r["runs"])),
                          _s(median_cpu(r)), f"{r['peak_rss_mb']:.0f}",
                          f"{r['median_s'] / core:.1f}x"))  # fmt: skip
    flow = _median_run(head["flow_server"])
    return [
        *lines,
        "",
        f"Median runs, seconds. Floor core: {_phases(_median_run(head['core']))}. Whole job: "
        f"{_phases(_median_run(head['job']))}. Warm flow on the server, from its manifest: "
        f"{_phases(flow, 'manifest_')} (palettes to the last variation) of {flow['seconds']:.3f}.",
    ]


def breakdown(head: dict[str, Any]) -> dict[str, Any]:
    """Where the warm flow's time goes (runs 1 s apart), from medians of this run.

    The empty flow and the skeleton (benchmarks/flow_skeleton.py: the flow's
    task runs with nothing in them) ran in the flow's process after each of its
    runs, on the same API; the work is the whole job's median. The rest is what
    none of them explains: the flow's artifacts and logs, waits on the API, and
    the API server's CPU taking the cores from the work, less what the work
    gains from two cores (negative when the overlap wins).
    """
    flow, job = head["flow_server"], head["job"]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in flow["runs"])

    empty, skeleton = median("empty_flow_s"), median("skeleton_s")
    return {
        "flow_s": flow["median_s"],
        "empty_flow_s": empty,
        "task_runs": flow["skeleton_task_runs"],
        "task_runs_s": skeleton - empty,
        "work_s": job["median_s"],
        "rest_s": flow["median_s"] - skeleton - job["median_s"],
        "flow_cpu_s": median_cpu(flow),
        "work_cpu_s": median_cpu(job),
        "server_cpu_s": median("server_cpu_s"),
        "empty_flow_server_cpu_s": median("empty_flow_server_cpu_s"),
        "skeleton_server_cpu_s": median("skeleton_server_cpu_s"),
    }


def render_breakdown(report: dict[str, Any]) -> list[str]:
    parts = report["breakdown"]
    job = parts["work_s"]
    per_task_ms = 1e3 * parts["task_runs_s"] / parts["task_runs"]
    rows = [
        ("an empty flow run (create it, Running, Completed: API round trips)",
         parts["empty_flow_s"]),
        (f"+ its {parts['task_runs']} task runs with nothing in them ({per_task_ms:.0f} ms each)",
         parts["task_runs_s"]),
        ("+ the work: the whole job, sequential on one core", job),
        ("+ the rest: artifacts, logs, the API server's CPU on the same cores, less the overlap "
         "of tasks on two cores", parts["rest_s"]),
        ("= the warm flow, runs 1 s apart", parts["flow_s"]),
    ]  # fmt: skip
    return [
        _row("where a warm flow run's time goes (medians of this run)", "s", "/ whole job"),
        _row(*["---"] * 3),
        *(_row(label, f"{seconds:.3f}", f"{seconds / job:.2f}x") for label, seconds in rows),
        "",
        f"CPU seconds per run (medians): the flow's process {parts['flow_cpu_s']:.3f} (the whole "
        f"job's {parts['work_cpu_s']:.3f}); the API server {parts['server_cpu_s']:.3f} for a flow "
        f"run, {parts['empty_flow_server_cpu_s']:.3f} for an empty flow run, "
        f"{parts['skeleton_server_cpu_s']:.3f} for the skeleton (its CPU is counted up to the "
        "next run, for the events and logs it writes after a run ends). The recolour work "
        "releases the GIL, so the flow's tasks may use both cores where the floor uses one.",
    ]


def render_scaling(report: dict[str, Any], plan: Plan) -> list[str]:
    per = ["ms / palette", "ms / (palette MP)"]
    lines = [
        _row("side", "n", "MP", "floor s", *per, "floor RSS MB", "flow s", *per, "flow RSS MB",
             "flow / floor"),
        _row(*["---"] * 12),
    ]  # fmt: skip
    for row in report["scaling"]:
        cells = [str(row["side"]), str(row["n"]), f"{row['megapixels']:.2f}"]
        for kind in ("floor", "flow"):
            r = row[kind]
            if r is None:
                cells += [f"refused: n > {MAX_PALETTES}", "", "", ""]
                continue
            per_palette = r["min_s"] / row["n"] * 1e3
            cells += [_s(r["min_s"]), f"{per_palette:.0f}",
                      f"{per_palette / row['megapixels']:.0f}", f"{r['peak_rss_mb']:.0f}"]  # fmt: skip
        flow = row["flow"]
        cells.append(f"{flow['min_s'] / row['floor']['min_s']:.1f}x" if flow else "")
        lines.append(_row(*cells))
    return [
        *lines,
        "",
        f"Scaling: best of {plan.best_of} runs up to {plan.best_of_up_to} px, of "
        f"{plan.best_of_above} above, {plan.runs} at the headline case; floor = core. Each case a "
        "fresh process: its RSS includes Python, the libraries and (flow) Prefect's client, not "
        "the API server.",
    ]


def render_targets(report: dict[str, Any]) -> list[str]:
    verdicts = {True: "PASS", False: "FAIL", None: "reported"}
    return [
        _row("target", "measured", "verdict"),
        _row(*["---"] * 3),
        *(_row(t["target"], t["measured"], verdicts[t["pass"]]) for t in report["targets"]),
    ]


def render(report: dict[str, Any], plan: Plan, command: str) -> str:
    """The report as markdown: a line on the machine, then headline, breakdown, scaling, targets."""
    m = report["machine"]
    intro = (
        f"`{command}`: {m['nproc']} cores, load average {m['load_average_start'][0]:.2f} at the "
        f"start and {m['load_average_end'][0]:.2f} at the end, Python {m['python']}, Prefect "
        f"{m['prefect']}, Pillow {m['pillow']}; {report['runtime_s']:.0f} s in all."
    )
    parts = [[intro], render_headline(report, plan), render_breakdown(report)]
    if not plan.warm_only:
        parts.append(render_scaling(report, plan))
    parts.append(render_targets(report))
    return "\n\n".join("\n".join(part) for part in parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small images: a smoke run")
    parser.add_argument(
        "--warm-only",
        action="store_true",
        help="the headline's floor and warm flow only (a few minutes): no scaling or old approach",
    )
    args = parser.parse_args(argv)
    plan = replace(QUICK if args.quick else FULL, warm_only=args.warm_only)
    flags = [flag for flag, on in (("--quick", args.quick), ("--warm-only", args.warm_only)) if on]
    command = " ".join(["python -m benchmarks.pipeline", *flags])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paletteflow-pipeline-") as folder:
        report = measure(plan, Path(folder), started)
    report["runtime_s"] = time.perf_counter() - started
    report["linearity"] = {
        kind: linearity(report["scaling"], plan, kind)
        for kind in ("floor", "flow")
        if report["scaling"]
    }
    report["breakdown"] = breakdown(report["headline"])
    report["targets"] = targets(report, plan)
    table = render(report, plan, command)
    (RESULTS / "pipeline.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "pipeline.md").write_text(table)
    print(table)
    print(f"written to {RESULTS / 'pipeline.json'} and {RESULTS / 'pipeline.md'}")


if __name__ == "__main__":
    main()
