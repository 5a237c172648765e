import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paletteflow.color import (
    contrast_ratio,
    hex_to_rgb,
    normalize_hex,
    oklab_planes_to_srgb8,
    oklab_to_srgb,
    oklch_to_hex,
    rgb_to_hex,
    srgb8_to_oklab,
    srgb_to_oklab,
)


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [("#ABCDEF", "#abcdef"), ("abcdef", "#abcdef"), ("#abc", "#aabbcc"), (" F0A ", "#ff00aa")],
)
def test_normalize_hex_accepts_common_spellings(given_text, expected):
    assert normalize_hex(given_text) == expected


@pytest.mark.parametrize("bad", ["", "#12345", "#ggg", "red", "#1234567"])
def test_normalize_hex_rejects_non_hex(bad):
    with pytest.raises(ValueError, match="not a hex colour"):
        normalize_hex(bad)


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


def test_oklab_reference_white_and_black():
    white, black = srgb_to_oklab(np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]))
    assert white == pytest.approx([1.0, 0.0, 0.0], abs=1e-4)
    assert black == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)


@given(st.tuples(*[st.integers(0, 255)] * 3))
def test_oklab_round_trip_is_exact_after_rounding(rgb):
    back = oklab_to_srgb(srgb_to_oklab(np.array(rgb) / 255.0)) * 255.0
    assert rgb_to_hex(back) == rgb_to_hex(rgb)


@given(st.floats(0.2, 0.95), st.floats(0.0, 0.4), st.floats(0, 360))
def test_oklch_to_hex_keeps_lightness_when_reducing_chroma(lightness, chroma, hue):
    """Above L 0.2, where one 8-bit step moves OKLab L by less than the tolerance."""
    color = oklch_to_hex(lightness, chroma, hue)
    measured = srgb_to_oklab(np.array(hex_to_rgb(color)) / 255.0)[0]
    assert measured == pytest.approx(lightness, abs=0.01)


def test_the_per_pixel_conversions_agree_with_the_exact_ones():
    """The table-driven float32 paths, for grain, stay within a level of the float64 formulae."""
    rgb = np.random.default_rng(3).integers(0, 256, (20000, 3), dtype=np.uint8)
    exact = srgb_to_oklab(rgb / 255.0)
    assert np.abs(srgb8_to_oklab(rgb) - exact).max() < 1e-5
    lab = exact + np.random.default_rng(4).normal(0, 0.02, exact.shape)
    expected = np.rint(np.clip(oklab_to_srgb(lab), 0, 1) * 255)
    quick = oklab_planes_to_srgb8(np.ascontiguousarray(lab.T, dtype=np.float32))
    assert quick.dtype == np.uint8
    assert np.abs(quick - expected).max() <= 1
    assert (quick == expected).mean() > 0.99
