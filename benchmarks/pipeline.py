"""Where a run's time goes, cold and warm, against the floor and the old approach, in one run.

    make bench            # or: .venv/bin/python -m benchmarks.pipeline

Prints a table and writes bench-results/pipeline.json. All figures in one
run on one machine, so compare them as ratios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.old_approach import old_recolor
from paletteflow.imageio import decode_image, encode_png
from paletteflow.palettes.offline import generate_offline
from paletteflow.recolor import analyze, recolor_image
from paletteflow.sample import draw_sample_logo
from paletteflow.storage import Storage
from paletteflow.variations import derive_concept_id

COUNT = 7
RESULTS = Path("bench-results")


def cold_runs(prefect_home: Path, storage_root: Path) -> list[dict]:
    """Two CLI-like runs in fresh processes sharing one PREFECT_HOME: first-ever, then cold-again."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(prefect_home)
    runs = []
    for index, label in enumerate(("first run (new database)", "cold process")):
        storage = str(storage_root / f"run-{index}")
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.cold_run", storage, str(COUNT)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=600,
        )
        wall = time.perf_counter() - started
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        runs.append({"label": label, "wall_s": wall, **figures})
    return runs


def in_process_loop(render) -> float:
    """Seconds for decode, analyse once, then render+encode+store COUNT palettes, no Prefect."""
    palettes = generate_offline("harbor at sunset", "a badge", COUNT)
    data = encode_png(draw_sample_logo())
    with tempfile.TemporaryDirectory() as folder:
        storage = Storage(folder)
        started = time.perf_counter()
        image = decode_image(data)
        prepared = render.prepare(image)
        concept = derive_concept_id("bench", "", "")
        for index, palette in enumerate(palettes):
            result = render.recolor(image, palette.colors, prepared)
            storage.write(f"{concept}/{index}.png", encode_png(result), "image/png")
        return time.perf_counter() - started


class Engine:
    @staticmethod
    def prepare(image):
        return analyze(image)

    @staticmethod
    def recolor(image, colours, analysis):
        return recolor_image(image, colours, analysis=analysis)


class OldService:
    @staticmethod
    def prepare(image):
        return None

    @staticmethod
    def recolor(image, colours, _):
        return old_recolor(image, colours)


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as out:
        cold = cold_runs(Path(home), Path(out))
    floor_s = in_process_loop(Engine)
    old_s = in_process_loop(OldService)
    report = {
        "palettes": COUNT,
        "image": "1024x1024 RGBA sample logo",
        "cold": cold,
        "floor_s": floor_s,
        "old_approach_s": old_s,
    }
    (RESULTS / "pipeline.json").write_text(json.dumps(report, indent=2))
    print(f"{COUNT} variations of a 1024x1024 RGBA logo\n")
    print(
        f"{'cold CLI-like run':28} {'wall':>7} {'import':>7} {'API up':>7} {'palettes':>9} "
        f"{'upload':>7} {'recolour+store':>15} {'flow total':>11}"
    )
    for run in cold:
        timings = run["manifest_timings"]
        print(
            f"{run['label']:28} {run['wall_s']:7.2f} {run['import_s']:7.2f} {run['api_start_s']:7.2f} "
            f"{timings['palettes_s']:9.3f} {timings['upload_s']:7.3f} {timings['variations_s']:15.3f} "
            f"{run['flow_call_s']:11.3f}"
        )
    print(f"\nfloor (plain loop, no Prefect): {floor_s:.3f} s")
    print(
        f"old approach (k-means + 0.75 blend), same loop: {old_s:.3f} s  ({old_s / floor_s:.0f}x the floor)"
    )
    print(f"\nwritten to {RESULTS / 'pipeline.json'}")


if __name__ == "__main__":
    main()
