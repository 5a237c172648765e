import numpy as np
import pytest
from conftest import flat_logo, photo_like
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from paletteflow.color import hex_to_oklab, rgb_to_hex, srgb_to_oklab
from paletteflow.errors import InputError
from paletteflow.models import Palette
from paletteflow.recolor import analyze, recolor_image

PALETTE = ["#0b6e4f", "#f5f0e1", "#e4572e", "#29335c", "#ffc914"]
hex_colour = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")
palettes = st.lists(hex_colour, min_size=3, max_size=8)


def _flat_interior(image: Image.Image) -> np.ndarray:
    """Opaque pixels whose 3x3 neighbourhood has one colour: away from every edge."""
    pixels = np.asarray(image.convert("RGBA")).astype(int)
    rgb, alpha = pixels[..., :3], pixels[..., 3]
    flat = np.ones(alpha.shape, bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            shifted = np.roll(np.roll(rgb, dy, 0), dx, 1)
            flat &= np.all(shifted == rgb, axis=-1)
    flat &= alpha == 255
    flat[[0, -1], :] = flat[:, [0, -1]] = False
    return flat


@settings(max_examples=25, deadline=None)
@given(palette=palettes, strength=st.floats(0.0, 1.0))
def test_alpha_is_bit_identical_and_mode_kept(palette, strength):
    source = flat_logo(64)
    result = recolor_image(source, palette, strength=strength)
    assert result.mode == "RGBA" and result.size == source.size
    assert np.array_equal(np.asarray(result)[..., 3], np.asarray(source)[..., 3])


@settings(max_examples=10, deadline=None)
@given(palette=palettes)
def test_rgb_stays_rgb_and_strength_zero_is_identity(palette):
    source = photo_like(48)
    assert recolor_image(source, palette).mode == "RGB"
    assert recolor_image(source, palette, strength=0.0).tobytes() == source.tobytes()


def test_same_inputs_give_same_bytes(sample_logo):
    first = recolor_image(sample_logo, PALETTE).tobytes()
    assert recolor_image(sample_logo.copy(), PALETTE).tobytes() == first
    assert recolor_image(sample_logo, PALETTE, analysis=analyze(sample_logo)).tobytes() == first


def test_flat_regions_land_on_palette_colours(sample_logo):
    result = recolor_image(sample_logo, PALETTE)
    flat = _flat_interior(sample_logo)
    assert flat.sum() > 1000
    colours = np.asarray(result)[..., :3][flat] / 255.0
    distance = np.linalg.norm(
        srgb_to_oklab(colours)[:, None, :] - hex_to_oklab(PALETTE)[None], axis=2
    ).min(axis=1)
    assert np.mean(distance < 0.02) > 0.9


def test_distinct_regions_take_distinct_palette_colours():
    result = np.asarray(recolor_image(flat_logo(128), PALETTE[:3]))
    centre, ring, square = result[64, 64, :3], result[20, 64, :3], result[45, 45, :3]
    assert len({tuple(centre), tuple(ring), tuple(square)}) == 3


def test_opaque_background_takes_a_palette_colour():
    source = flat_logo(96, background=(255, 255, 255))
    palette = Palette(
        name="p",
        colors=PALETTE,
        roles={"background": "#29335c", "primary": "#0b6e4f"},
    )
    corner = np.asarray(recolor_image(source, palette))[0, 0, :3]
    assert rgb_to_hex(corner) == "#29335c"


@pytest.mark.parametrize(
    ("palette", "strength", "message"),
    [
        ([], 1.0, "palette is empty"),
        (["#000000", "#ffffff", "nope"], 1.0, "invalid palette"),
        (PALETTE, 1.5, "strength 1.5 is outside"),
    ],
)
def test_bad_arguments_are_named(palette, strength, message):
    with pytest.raises(InputError, match=message):
        recolor_image(flat_logo(32), palette, strength=strength)


def test_palette_and_mode_conversions(sample_logo):
    grey_alpha = sample_logo.convert("LA")
    assert recolor_image(grey_alpha, PALETTE).mode == "RGBA"
    assert recolor_image(sample_logo.convert("L"), PALETTE).mode == "RGB"
