"""One measured case of benchmarks/pipeline.py, in a process of its own; prints its figures as JSON.

    python -m benchmarks.pipeline_child core|job|old|flow --image logo.png --n 7 --storage DIR

Each case runs in a fresh process so that its peak RSS (VmHWM) is that
case's and nothing else's.
The modes:

- core: the issue's floor. Decode, analyse once, then recolour, encode and
  store each palette: a plain loop over library calls, no Prefect.
- job: everything the flow does, without Prefect: read, validate and store the
  base image, text palettes, image-seeded palettes, each variation, contact
  sheet, gallery and manifest, through the same library functions the tasks
  call. The flow over this is pure orchestration overhead. It mirrors the
  flow's steps as they are written now; a step added to or dropped from the
  flow belongs here too.
- old: the core loop with the old approach's k-means recolour.
- flow: `palette_variations(request)` as the CLI runs it (`start_flow`), on
  the API that PREFECT_API_URL names. With --skeleton, each run is followed by an empty flow run and a run of the
  flow's skeleton (benchmarks/flow_skeleton.py: its task runs with nothing in
  them), so the parent can say how much of a run is Prefect's; with
  --server-pid, each run also reports the API server's CPU seconds.

Every measured run reads image bytes no other run in the process has read (a
PNG text chunk carrying the run's number), with its own theme text, so neither
the per-process cache of decoded bases nor Prefect's task cache can make a run
look fast: each run decodes, analyses, makes palettes and recolours anew.
Each run reports its CPU seconds (all of the process's threads) beside its wall
time: on this shared machine, wall well above CPU in a sequential loop means
other processes took the cores; in the flow it also means waiting on the API. An
optional warm-up run on a small image comes first, to pay the process's
one-time costs (first calls into numpy and Pillow, Prefect's client and task
runner) outside the figures; the case's own image is never drawn here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image

from paletteflow.images.io import decode_image, encode_png, output_format
from paletteflow.models import MAX_PALETTES, Palette, RunTimings, VariationRequest
from paletteflow.palettes.offline import generate_offline
from paletteflow.pipeline.base_image import store_base
from paletteflow.pipeline.manifest import assemble_manifest
from paletteflow.pipeline.palettes import complete_palettes, text_palettes
from paletteflow.pipeline.presentation import present
from paletteflow.pipeline.variations import render_variation
from paletteflow.recolor import analyze, recolor_image
from paletteflow.storage import Storage

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The signature, then IHDR: length (4), type (4), 13 bytes of data, CRC (4).
_AFTER_IHDR = len(PNG_SIGNATURE) + 4 + 4 + 13 + 4


def tagged_png(data: bytes, tag: str) -> bytes:
    """The same PNG with a tEXt chunk naming `tag`: equal pixels, different bytes and content hash.

    Inserted after IHDR without re-encoding, which would take seconds at 4096 px.
    """
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG starting with IHDR")
    body = b"tEXt" + b"bench-run\x00" + tag.encode("latin-1")
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return data[:_AFTER_IHDR] + chunk + data[_AFTER_IHDR:]


def palettes_for(theme: str, logo: str, n: int) -> list[Palette]:
    """n offline palettes, deterministic; beyond MAX_PALETTES from further themes, since one call stops there."""
    palettes: list[Palette] = []
    while len(palettes) < n:
        part = len(palettes) // MAX_PALETTES
        text = theme if part == 0 else f"{theme} (set {part + 1})"
        palettes += generate_offline(text, logo, min(MAX_PALETTES, n - len(palettes)))
    return palettes


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MiB: VmHWM, not ru_maxrss.

    Linux carries ru_maxrss over fork and exec, so a child of a large parent
    reports the parent's peak; VmHWM belongs to the process image alone.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: peak RSS needs Linux")


class Phases:
    """Seconds spent per named phase of one run, added up over its palettes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._mark
        self._mark = now


Recolor = Callable[[Image.Image, Palette, Any], Image.Image]


def _engine(image: Image.Image, palette: Palette, analysis: Any) -> Image.Image:
    return recolor_image(image, palette, analysis=analysis)


def _old(image: Image.Image, palette: Palette, _: Any) -> Image.Image:
    from benchmarks.old_approach import old_recolor

    return old_recolor(image, palette.colors)


# mode -> (analysis made once per image or None, recolour of one palette)
LOOPS: dict[str, tuple[Callable[[Image.Image], Any] | None, Recolor]] = {
    "core": (analyze, _engine),
    "old": (None, _old),
}


class Run(NamedTuple):
    """One run's input: image bytes no other run read (also written at `image`), its text and n."""

    image: Path
    data: bytes
    theme: str
    logo: str
    n: int
    storage: Path

    def request(self) -> VariationRequest:
        return VariationRequest(
            image=str(self.image),
            theme=self.theme,
            logo_description=self.logo,
            n=self.n,
            storage=str(self.storage),
        )


def core_loop(mode: str, run: Run) -> dict[str, float]:
    """Decode, analyse once, then recolour, encode and store each palette; the phases it took.

    No VariationRequest: the floor also runs n beyond what a request accepts.
    """
    analyse, recolor = LOOPS[mode]
    palettes = palettes_for(run.theme, run.logo, run.n)
    storage = Storage(str(run.storage))
    phases = Phases()
    image = decode_image(run.data)
    phases.lap("decode_s")
    analysis = analyse(image) if analyse else None
    phases.lap("analyse_s")
    for index, palette in enumerate(palettes):
        recolored = recolor(image, palette, analysis)
        phases.lap("recolour_s")
        encoded = encode_png(recolored)
        phases.lap("encode_s")
        storage.write(f"variations/{index}.png", encoded, "image/png")
        phases.lap("store_s")
    return phases.seconds


def whole_job(run: Run) -> dict[str, float]:
    """What the flow does for one request: the same pipeline steps its tasks run, in one loop."""
    request = run.request()
    storage = Storage.from_settings(request.storage_settings())
    phases = Phases()
    stored = store_base(storage, request)
    phases.lap("upload_s")
    generated = complete_palettes(request, stored.colors, asyncio.run(text_palettes(request)))
    phases.lap("palettes_s")
    image_format = output_format(request.format, stored.base.format)
    variations = [
        render_variation(
            storage,
            stored.base,
            palette,
            strength=request.strength,
            image_format=image_format,
            keep=request.keep,
        )
        for palette in generated.palettes
    ]
    phases.lap("variations_s")
    timings = RunTimings(palettes_s=0, upload_s=0, variations_s=0, total_s=0)
    present(storage, assemble_manifest(request, stored, generated, variations, [], timings))
    phases.lap("sheet_gallery_manifest_s")
    return phases.seconds


def start_flow(stack: ExitStack) -> Callable[[VariationRequest], list[dict[str, Any]]]:
    """The flow, set up in the CLI's order and with its settings.

    As `paletteflow run` does it: the project's Prefect defaults, the API the
    CLI picks (PREFECT_API_URL, or as the environment's PALETTEFLOW_SERVER
    says), and the runs without flow-run heartbeats. The settings stay on
    `stack` for the rest of the process, so repeated runs share one API, as in
    a long-lived process.
    """
    from cli.prefect_api import apply_prefect_defaults, settings_for_runs

    apply_prefect_defaults()
    stack.enter_context(settings_for_runs(lambda _started: None, heartbeats=False))
    from flows.palette_variations import palette_variations

    return palette_variations


def flow_run(
    flow: Callable[[VariationRequest], list[dict[str, Any]]], run: Run
) -> dict[str, float]:
    """One flow call; the manifest's own timings say how much of it was the flow's body."""
    request = run.request()
    variations = flow(request)
    if len(variations) != request.n:
        raise RuntimeError(f"the flow made {len(variations)} of {request.n} variations")
    manifest = json.loads(Storage(request.storage).read(variations[0]["manifest_path"]))
    return {f"manifest_{name}": value for name, value in manifest["timings"].items()}


Runner = Callable[[Run], dict[str, float]]
# What else a flow case times after each measured run, on the same API: name -> call(n).
Extras = dict[str, Callable[[int], object]]


def make_runner(
    mode: str, stack: ExitStack, skeleton_n: int | None = None
) -> tuple[Runner, dict[str, Any], Extras]:
    """The function that does one run of `mode`, the figures of setting it up (flow only), and
    with `skeleton_n` (flow only) the empty flow and the flow's skeleton, timed after each run.
    """
    if mode in LOOPS:
        return lambda run: core_loop(mode, run), {}, {}
    if mode == "job":
        return whole_job, {}, {}
    flow, setup = start_flow(stack), {}
    extras: Extras = {}
    if skeleton_n is not None:
        from benchmarks import flow_skeleton

        extras = {"empty_flow": lambda n: flow_skeleton.empty(), "skeleton": flow_skeleton.skeleton}
        setup["skeleton_task_runs"] = flow_skeleton.task_runs(skeleton_n)
    return lambda run: flow_run(flow, run), setup, extras


class ProcessCpu:
    """CPU seconds another process (the API server) has used so far, from /proc (Linux)."""

    def __init__(self, pid: int) -> None:
        self.stat = Path(f"/proc/{pid}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float:
        # utime and stime are fields 14 and 15; the name before them may hold spaces.
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick


def timed(
    call: Callable[[Any], Any], argument: Any, pause_s: float, server: ProcessCpu | None
) -> dict[str, Any]:
    """Wall and CPU seconds of `call(argument)`, then the pause; the server's CPU over both.

    The API server goes on writing a run's events and logs after it ends, so
    its CPU is counted up to the next call (in back-to-back runs, the next
    run's count takes the rest).
    """
    server_before = server.seconds() if server else 0.0
    started, cpu = time.perf_counter(), time.process_time()
    result = call(argument)
    figures: dict[str, Any] = {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "result": result,
    }
    time.sleep(pause_s)
    if server:
        figures["server_cpu_s"] = server.seconds() - server_before
    return figures


def run_case(args: argparse.Namespace) -> dict[str, Any]:
    """The warm-up (if any) and the measured runs of one case; every figure the parent reports."""
    with ExitStack() as stack:
        skeleton_n = args.n if args.skeleton else None
        runner, setup, extras = make_runner(args.mode, stack, skeleton_n)
        server = ProcessCpu(args.server_pid) if args.server_pid else None
        measured = measure_runs(args, runner, extras, server)
    totals = [figures["seconds"] for figures in measured]
    return {
        "mode": args.mode,
        "n": args.n,
        "warmed_up": bool(args.warmup_image),
        "median_s": statistics.median(totals),
        "min_s": min(totals),
        "runs": measured,
        "peak_rss_mb": peak_rss_mb(),
        **setup,
    }


def measure_runs(
    args: argparse.Namespace, runner: Runner, extras: Extras, server: ProcessCpu | None
) -> list[dict[str, float]]:
    """The warm-up run, if any, then the measured ones: each run's wall and CPU seconds and phases.

    After each measured run come the extras, on the same API, each after the
    same pause: compared within one run, load that comes and goes on this
    shared machine touches them alike.
    """
    folder = Path(args.storage)
    folder.mkdir(parents=True, exist_ok=True)
    plan = [(args.warmup_image, 1, 0)] if args.warmup_image else []
    plan += [(args.image, args.n, number) for number in range(1, args.runs + 1)]
    measured = []
    time.sleep(args.pause_s)
    for source, n, number in plan:
        theme = f"{args.theme} (run {number})"
        data = tagged_png(Path(source).read_bytes(), f"{args.mode} {theme}")
        image = folder / f"image-{number}.png"
        image.write_bytes(data)
        run = Run(image, data, theme, args.logo, n, folder / f"run-{number}")
        figures = timed(runner, run, args.pause_s, server)
        if not number:
            for extra in extras.values():
                timed(extra, n, args.pause_s, None)
            continue
        for name, extra in extras.items():
            other = timed(extra, n, args.pause_s, server)
            figures[f"{name}_s"] = other["seconds"]
            if server:
                figures[f"{name}_server_cpu_s"] = other["server_cpu_s"]
        measured.append({**figures.pop("result"), **figures})
    return measured


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=[*LOOPS, "job", "flow"])
    parser.add_argument("--image", required=True, help="PNG the measured runs recolour")
    parser.add_argument("--n", type=int, default=7, help="palettes per run")
    parser.add_argument("--storage", required=True, help="a folder of this case's own")
    parser.add_argument("--runs", type=int, default=1, help="measured runs")
    parser.add_argument("--warmup-image", help="a small PNG for one unmeasured run first")
    parser.add_argument("--theme", default="harbor at sunset, fresh and friendly")
    parser.add_argument("--logo", default="a round badge with mountains, a rising sun and a river")
    parser.add_argument(
        "--pause-s", type=float, default=0.0, help="idle seconds before each measured run, untimed"
    )
    parser.add_argument("--server-pid", type=int, help="the API server's process: its CPU per run")
    parser.add_argument(
        "--skeleton",
        action="store_true",
        help="flow: after each run, time an empty flow and the flow's skeleton on the same API",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run_case(parse_args(sys.argv[1:] if argv is None else argv))))


if __name__ == "__main__":
    main()
