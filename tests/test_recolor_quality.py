"""The benchmark's quality measures on small images whose answers are known by hand."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from benchmarks.recolor_quality import measure, prepare_source, unique_colors

RED, GREEN, BLUE, YELLOW = (220, 30, 40), (40, 160, 60), (30, 60, 200), (240, 210, 40)
PALETTE = ["#dc1e28", "#28a03c", "#1e3cc8", "#f0d228"]  # the four colours above


def blocks(colors: list[tuple[int, int, int]], height: int = 10, width: int = 10) -> np.ndarray:
    """Side-by-side flat blocks of the given colours, each height x width."""
    return np.concatenate(
        [np.broadcast_to(np.array(c, np.uint8), (height, width, 3)) for c in colors], axis=1
    ).copy()


def rgb(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8), "RGB")


def test_identity_keeps_everything_and_scores_palette_true_on_its_own_colors() -> None:
    image = rgb(blocks([RED, GREEN, BLUE, YELLOW]))
    quality = measure(prepare_source(image), image, PALETTE)
    assert quality.alpha_kept == 1.0
    assert quality.palette_true == 1.0
    assert quality.smoothness == pytest.approx(1.0)
    assert quality.distinct == 1.0
    assert quality.all_used is True
    assert quality.colors_used_share == 1.0


def test_palette_true_counts_only_flat_interior_pixels_that_land_on_the_palette() -> None:
    # Two 10x10 blocks: the flat interior is 8x8 in each (the border row/column and the
    # columns next to the seam are not flat). The left block lands on red, the right on grey.
    source = rgb(blocks([GREEN, BLUE]))
    result = rgb(blocks([RED, (128, 128, 128)]))
    assert measure(prepare_source(source), result, PALETTE).palette_true == 0.5


def test_black_and_white_may_stay_where_they_were_black_and_white() -> None:
    source = rgb(blocks([(0, 0, 0), (255, 255, 255), GREEN]))
    kept = measure(prepare_source(source), source, PALETTE)
    assert kept.palette_true == 1.0
    blackened = rgb(blocks([(0, 0, 0), (0, 0, 0), (0, 0, 0)]))
    assert measure(prepare_source(source), blackened, PALETTE).palette_true == pytest.approx(1 / 3)


def test_no_flat_pixels_make_palette_true_and_distinct_not_applicable() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (24, 24, 3))
    image = rgb(noise)
    quality = measure(prepare_source(image), image, PALETTE)
    assert quality.palette_true is None
    assert quality.distinct is None
    assert quality.all_used is None


def test_dropping_alpha_is_counted_per_pixel() -> None:
    pixels = np.zeros((10, 20, 4), np.uint8)
    pixels[:, :10] = (*RED, 255)
    source = Image.fromarray(pixels, "RGBA")
    without_alpha = source.convert("RGB")
    quality = measure(prepare_source(source), without_alpha, PALETTE)
    assert quality.alpha_kept == 0.5


def test_posterising_a_gradient_scores_low_smoothness_and_a_smooth_remap_high() -> None:
    ramp = np.linspace(0, 255, 64)
    pixels = np.stack(
        [np.broadcast_to(ramp, (16, 64)), np.full((16, 64), 90.0), np.full((16, 64), 160.0)],
        axis=-1,
    )
    source = prepare_source(rgb(np.rint(pixels)))
    posterised = pixels.copy()
    posterised[..., 0] = np.where(pixels[..., 0] < 128, 40, 220)
    smooth = pixels[..., [2, 0, 1]]
    assert measure(source, rgb(np.rint(posterised)), PALETTE).smoothness < 0.3
    assert measure(source, rgb(np.rint(smooth)), PALETTE).smoothness > 0.9


def test_two_regions_merged_into_one_color_lower_distinct() -> None:
    source = rgb(blocks([RED, GREEN, BLUE]))
    merged = rgb(blocks([RED, RED, BLUE]))
    assert measure(prepare_source(source), merged, PALETTE).distinct == pytest.approx(2 / 3)


def test_near_twin_colors_are_one_region_so_painting_them_alike_is_fine() -> None:
    twin = (GREEN[0] + 3, GREEN[1] + 2, GREEN[2])
    source = rgb(blocks([RED, GREEN, twin]))
    painted = rgb(blocks([BLUE, YELLOW, YELLOW]))
    assert measure(prepare_source(source), painted, PALETTE).distinct == 1.0


def test_palette_used_needs_every_color_on_enough_pixels_and_enough_regions() -> None:
    source = prepare_source(rgb(blocks([RED, GREEN, BLUE, YELLOW])))
    two_on_one = measure(source, rgb(blocks([RED, GREEN, BLUE, BLUE])), PALETTE)
    assert two_on_one.all_used is False
    assert two_on_one.colors_used_share == 0.75
    five = [*PALETTE, "#000000"]
    not_applicable = measure(source, rgb(blocks([RED, GREEN, BLUE, YELLOW])), five)
    assert not_applicable.all_used is None
    assert not_applicable.colors_used_share == 0.8


def test_palette_used_ignores_transparent_pixels() -> None:
    pixels = np.zeros((10, 50, 4), np.uint8)
    pixels[..., :3] = blocks([RED, GREEN, BLUE, YELLOW, (0, 0, 0)])
    pixels[:, :40, 3] = 255
    source = Image.fromarray(pixels, "RGBA")
    quality = measure(prepare_source(source), source, PALETTE[:3])
    assert quality.all_used is True
    assert quality.colors_used_share == 1.0


def test_a_result_of_another_size_is_refused() -> None:
    source = prepare_source(rgb(blocks([RED, GREEN])))
    with pytest.raises(ValueError, match="result is"):
        measure(source, rgb(blocks([RED])), PALETTE)


def test_unique_colors_matches_numpy() -> None:
    codes = np.random.default_rng(2).integers(0, 1 << 24, 5000).astype(np.uint32)
    codes[::3] = codes[0]
    unique, inverse = unique_colors(codes)
    expected, expected_inverse = np.unique(codes, return_inverse=True)
    np.testing.assert_array_equal(unique, expected)
    np.testing.assert_array_equal(inverse, expected_inverse)


def test_edge_contrast_counts_only_strong_edges_and_half_their_contrast_is_enough() -> None:
    # Black | white | light grey: only the black/white seam (dL* 100) counts; white against
    # the light grey differs by about 9, under the 25 that makes an edge strong.
    source = prepare_source(rgb(blocks([(0, 0, 0), (255, 255, 255), (230, 230, 230)])))
    kept = rgb(blocks([(0, 0, 0), (255, 255, 255), (0, 0, 0)]))
    assert measure(source, kept, PALETTE).edge_contrast == 1.0
    half = rgb(blocks([(119, 119, 119), (255, 255, 255), (0, 0, 0)]))  # L* 50 against 100
    assert measure(source, half, PALETTE).edge_contrast == pytest.approx(1.0, abs=0.01)
    quarter = rgb(blocks([(0, 0, 0), (59, 59, 59), (0, 0, 0)]))  # L* 0 against 25
    assert measure(source, quarter, PALETTE).edge_contrast == pytest.approx(0.5, abs=0.02)
    flat = rgb(blocks([(200, 80, 60)] * 3))
    assert measure(source, flat, PALETTE).edge_contrast == 0.0


def test_edge_contrast_ignores_edges_against_transparent_pixels() -> None:
    pixels = np.zeros((10, 20, 4), np.uint8)
    pixels[:, :10] = (0, 0, 0, 255)
    source = Image.fromarray(pixels, "RGBA")  # black beside transparent black: no counted edge
    assert measure(prepare_source(source), source, PALETTE).edge_contrast is None
