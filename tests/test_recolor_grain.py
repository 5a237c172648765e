"""A grainy picture (dithered gradient, noisy photo) keeps its grain at the size it had."""

import dataclasses

import numpy as np
import pytest
from PIL import Image, ImageDraw

from benchmarks.recolor_quality import measure, prepare_source
from paletteflow.color import hex_to_oklab, oklab_to_srgb
from paletteflow.recolor import analyze, recolor_image
from paletteflow.recolor.grain import paint_grain

SALMONS = ["#fa8072", "#ffa07a", "#e9967a", "#f08080", "#ffb4a2"]
PASTELS = ["#ffd6e0", "#c1e7ff", "#d7f9d0", "#fff5ba", "#e6d4ff"]
HARBOR = ["#f4efe6", "#1d3557", "#457b9d", "#e9c46a", "#2a9d8f"]


def dithered_gradient(size: int = 256) -> Image.Image:
    """Four hues blended in OKLab, with the triangular dither exporters add against banding."""
    corners = hex_to_oklab(["#e63946", "#f4d35e", "#2a9d8f", "#5b3f9e"])
    t = np.linspace(0.0, 1.0, size)
    x, y = t[None, :, None], t[:, None, None]
    lab = (1 - y) * ((1 - x) * corners[0] + x * corners[1]) + y * (
        (1 - x) * corners[3] + x * corners[2]
    )
    rng = np.random.default_rng(7)
    dither = 0.75 * (rng.uniform(-1, 1, lab.shape) + rng.uniform(-1, 1, lab.shape))
    pixels = np.clip(np.rint(oklab_to_srgb(lab) * 255 + dither), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def noisy_scene(size: int = 256) -> Image.Image:
    """A sky with sensor noise and, on it, one flat card a few pixels of antialiasing wide."""
    rng = np.random.default_rng(11)
    rows = np.linspace(0.0, 1.0, size)[:, None, None]
    sky = (1 - rows) * np.array([70.0, 120.0, 200.0]) + rows * np.array([235.0, 200.0, 170.0])
    pixels = np.clip(
        np.broadcast_to(sky, (size, size, 3)) + rng.normal(0, 4, (size, size, 3)), 0, 255
    )
    image = Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB")
    ImageDraw.Draw(image).rectangle((60, 60, 180, 140), fill="#2b2d42")
    return image


def without_grain(image: Image.Image):
    return dataclasses.replace(analyze(image), grain=None)


@pytest.mark.parametrize(
    "palette", [SALMONS, PASTELS, HARBOR], ids=["salmons", "pastels", "harbor"]
)
def test_a_dithered_gradient_keeps_its_dither_instead_of_banding(palette):
    """Without the grain a narrow palette draws the dither under one level and the ramp bands."""
    source = dithered_gradient()
    quality = measure(prepare_source(source), recolor_image(source, palette), palette)
    banded = measure(
        prepare_source(source),
        recolor_image(source, palette, analysis=without_grain(source)),
        palette,
    )
    assert banded.smoothness < 0.7 <= quality.smoothness
    assert quality.smoothness >= banded.smoothness + 0.1


def test_only_grainy_pictures_are_split_into_field_and_grain():
    drawn = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(drawn).ellipse((20, 20, 180, 180), fill="#e63946", outline="#1d3557", width=6)
    assert analyze(drawn).grain is None
    assert analyze(dithered_gradient()).grain is not None
    assert analyze(noisy_scene()).grain is not None


def test_grain_that_goes_back_on_the_source_colours_gives_the_source_back():
    """Field plus detail is the picture: the split loses nothing beyond a level of rounding."""
    source = dithered_gradient()
    analysis = analyze(source)
    colors = np.rint(analysis.unique_srgb * 255).astype(np.uint8)
    painted = paint_grain(analysis.grain, analysis.inverse, colors).astype(int)
    difference = np.abs(painted - np.asarray(source, dtype=int))
    assert difference.max() <= 1
    assert (difference == 0).mean() >= 0.99


def test_a_flat_card_and_its_edge_stay_exactly_as_the_colour_map_paints_them():
    """Only grain is kept: the card's fill and antialiased rim are not, so they land as mapped."""
    source = noisy_scene()
    analysis = analyze(source)
    with_grain = np.asarray(recolor_image(source, SALMONS, analysis=analysis))
    mapped = np.asarray(recolor_image(source, SALMONS, analysis=without_grain(source)))
    plain = ~analysis.grain.kept
    assert plain[62:139, 62:179].all()
    assert plain[:, 58:63][60:140].all()
    assert np.array_equal(with_grain[plain], mapped[plain])
    assert not np.array_equal(with_grain, mapped)


def test_the_colour_under_transparent_pixels_never_reaches_a_visible_one():
    rgb = np.array(noisy_scene())
    alpha = np.full(rgb.shape[:2], 255, dtype=np.uint8)
    alpha[100:150, 100:150] = 0
    alpha[100:150, 151] = 128
    results = []
    for hidden in ((255, 0, 255), (0, 255, 0)):
        rgb[alpha == 0] = hidden
        source = Image.fromarray(np.dstack([rgb, alpha]), "RGBA")
        analysis = analyze(source)
        assert not analysis.grain.kept[alpha < 255].any()
        assert analysis.grain.kept[:50].mean() > 0.9
        results.append(np.asarray(recolor_image(source, SALMONS, analysis=analysis)))
    assert np.array_equal(results[0][..., 3], alpha)
    assert np.array_equal(results[0][alpha > 0], results[1][alpha > 0])
