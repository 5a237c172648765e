"""The pipeline benchmark's parts that can go wrong quietly: its child's figures, its linearity
verdict, and the breakdown of a warm flow run against the flow's skeleton."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from benchmarks.flow_skeleton import skeleton, task_runs
from benchmarks.pipeline import breakdown, growth
from benchmarks.pipeline_child import main, palettes_for, tagged_png
from flows.palette_variations import palette_variations
from paletteflow.images.io import decode_image, encode_png
from paletteflow.images.sample import draw_sample_logo
from paletteflow.models import VariationRequest


@pytest.fixture(scope="module")
def logo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "logo.png"
    path.write_bytes(encode_png(draw_sample_logo(64)))
    return path


@pytest.mark.parametrize(
    ("mode", "phases"),
    [
        ("core", {"decode_s", "analyse_s", "recolour_s", "encode_s", "store_s"}),
        ("job", {"upload_s", "palettes_s", "variations_s", "sheet_gallery_manifest_s"}),
    ],
)
def test_floor_modes_report_every_run_and_peak_rss(
    mode: str, phases: set[str], logo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    main([mode, "--image", str(logo_file), "--n", "2", "--runs", "2",
          "--warmup-image", str(logo_file), "--storage", str(tmp_path)])  # fmt: skip
    figures = json.loads(capsys.readouterr().out)
    assert figures["mode"] == mode and figures["warmed_up"]
    assert len(figures["runs"]) == 2
    assert all(set(run) == {"seconds", "cpu_s", *phases} for run in figures["runs"])
    assert 0 < figures["min_s"] <= figures["median_s"]
    assert figures["peak_rss_mb"] > 10
    assert len(list(tmp_path.glob("run-2/**/*.png"))) >= 2


def test_tagged_png_changes_the_bytes_not_the_pixels(logo_file: Path) -> None:
    data = logo_file.read_bytes()
    tagged = tagged_png(data, "core-1")
    assert tagged != data != tagged_png(data, "core-2")
    assert np.array_equal(np.asarray(decode_image(tagged)), np.asarray(decode_image(data)))


def test_more_palettes_than_one_request_allows() -> None:
    assert len(palettes_for("harbor at sunset", "a badge", 45)) == 45


def test_growth_fails_super_linear_cost_only() -> None:
    xs = [1, 7, 20, 50]
    assert growth([(x, 0.3 + 0.05 * x) for x in xs])["worst_rise"] < 1
    assert growth([(x, 0.05 * x) for x in xs])["worst_rise"] == pytest.approx(1.0)
    assert growth([(x, 0.001 * x * x) for x in xs])["worst_rise"] > 2


def test_the_skeleton_makes_as_many_task_runs_as_the_flow(
    prefect_api, memory_storage_url, logo_file
):
    """Else the breakdown would charge Prefect for more or fewer task runs than the flow makes."""
    request = VariationRequest(
        image=str(logo_file), theme=f"skeleton {uuid.uuid4().hex}", n=3, storage=memory_storage_url
    )
    flow_runs = [
        palette_variations(request, return_state=True).state_details.flow_run_id,
        skeleton(3, return_state=True).state_details.flow_run_id,
    ]
    assert [_task_run_count(run) for run in flow_runs] == [task_runs(3)] * 2


def _task_run_count(flow_run_id: uuid.UUID, settle_s: float = 10.0) -> int:
    """The API records task runs from their events, a moment after the run: wait till it has all."""
    deadline = time.monotonic() + settle_s
    while True:
        count = asyncio.run(_count(flow_run_id))
        if count >= task_runs(3) or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


async def _count(flow_run_id: uuid.UUID) -> int:
    async with get_client() as client:
        return len(
            await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        )


def test_breakdown_splits_the_flow_into_prefect_work_and_rest() -> None:
    runs = [
        {"seconds": flow, "cpu_s": 0.5, "empty_flow_s": 0.1, "skeleton_s": skeleton_s,
         "server_cpu_s": 0.4, "empty_flow_server_cpu_s": 0.1, "skeleton_server_cpu_s": 0.3}
        for flow, skeleton_s in ((0.6, 0.3), (0.7, 0.34), (0.9, 0.5))
    ]  # fmt: skip
    head = {
        "flow_server": {"median_s": 0.7, "runs": runs, "skeleton_task_runs": 12},
        "job": {"median_s": 0.25, "runs": [{"seconds": 0.25, "cpu_s": 0.24}]},
    }
    parts = breakdown(head)
    assert parts["task_runs_s"] == pytest.approx(0.24)
    assert parts["rest_s"] == pytest.approx(0.7 - 0.34 - 0.25)
    assert parts["empty_flow_s"] + parts["task_runs_s"] + parts["work_s"] + parts[
        "rest_s"
    ] == pytest.approx(parts["flow_s"])
    assert (parts["flow_cpu_s"], parts["work_cpu_s"], parts["server_cpu_s"]) == (0.5, 0.24, 0.4)
