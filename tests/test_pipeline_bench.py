"""The pipeline benchmark's parts that can go wrong quietly: its child's figures and its linearity verdict."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.pipeline import growth
from benchmarks.pipeline_child import main, palettes_for, tagged_png
from paletteflow.imageio import decode_image, encode_png
from paletteflow.sample import draw_sample_logo


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
