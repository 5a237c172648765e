"""The recolour engine: invariants as properties, behaviours on art the tests draw, bad input."""

import io

import numpy as np
import pytest
from conftest import flat_logo, photo_like
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from benchmarks.recolor_quality import measure, prepare_source
from paletteflow.color import delta_e, hex_to_rgb, rgb_to_hex, srgb_to_oklab
from paletteflow.errors import InputError
from paletteflow.models import Palette
from paletteflow.recolor import analyze, recolor_image
from paletteflow.recolor.analysis import LUT_STEPS, unique_and_index
from paletteflow.recolor.transfer import interpolate, lut_cells, lut_grid

PALETTE = ["#0b6e4f", "#f5f0e1", "#e4572e", "#29335c", "#ffc914"]
hex_color = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")
palettes = st.lists(hex_color, min_size=3, max_size=8)
strengths = st.floats(0.0, 1.0)


def gradient_badge(size: int = 64) -> Image.Image:
    """A shaded disc on a transparent ground: a gradient under an antialiased edge."""
    y, x = np.mgrid[0:size, 0:size] / size
    shade = np.stack([40 + 150 * x, 90 + 100 * y, 160 - 60 * x], axis=-1)
    inside = np.clip((0.45 - np.hypot(x - 0.5, y - 0.5)) * size, 0.0, 1.0)
    pixels = np.dstack([shade, inside * 255]).round().astype(np.uint8)
    return Image.fromarray(pixels, "RGBA")


def banded_logo(size: int = 128, bands: int = 6, ground: str = "#ffffff") -> Image.Image:
    """Distinct flat bands (many regions) inside an antialiased circle, on `ground`."""
    big = size * 4
    mode = "RGBA" if len(ground) == 9 else "RGB"
    image = Image.new(mode, (big, big), ground)
    draw = ImageDraw.Draw(image)
    colors = [
        "#d1495b",
        "#edae49",
        "#00798c",
        "#30638e",
        "#003d5b",
        "#8e7dbe",
        "#6a994e",
        "#f2e8cf",
    ]
    for band in range(bands):
        top = 0.1 * big + band * 0.8 * big / bands
        draw.rectangle([0.1 * big, top, 0.9 * big, top + 0.8 * big / bands], fill=colors[band])
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse([0.05 * big, 0.05 * big, 0.95 * big, 0.95 * big], fill=255)
    image = Image.composite(image, Image.new(mode, (big, big), ground), mask)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ART = {
    "flat on transparent": lambda: flat_logo(48),
    "flat on white": lambda: flat_logo(48, background=(255, 255, 255)),
    "gradient badge": lambda: gradient_badge(48),
    "photo-like": lambda: photo_like(40),
}
art_names = st.sampled_from(sorted(ART))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=art_names, palette=palettes, strength=strengths)
def test_alpha_size_and_mode_family_are_kept(name, palette, strength):
    source = ART[name]()
    result = recolor_image(source, palette, strength=strength)
    assert result.mode == source.mode and result.size == source.size
    if source.mode == "RGBA":
        assert np.array_equal(np.asarray(result)[..., 3], np.asarray(source)[..., 3])


@settings(max_examples=25, deadline=None)
@given(name=art_names, palette=palettes)
def test_strength_zero_gives_the_input_back(name, palette):
    source = ART[name]()
    assert recolor_image(source, palette, strength=0.0).tobytes() == source.tobytes()


@settings(max_examples=25, deadline=None)
@given(name=art_names, palette=palettes, strength=strengths)
def test_same_inputs_give_same_bytes_with_or_without_a_shared_analysis(name, palette, strength):
    source = ART[name]()
    first = recolor_image(source, palette, strength=strength).tobytes()
    again = recolor_image(source.copy(), list(palette), strength=strength)
    shared = recolor_image(source, palette, strength=strength, analysis=analyze(source))
    assert again.tobytes() == first and shared.tobytes() == first


@settings(max_examples=20, deadline=None)
@given(name=art_names, palette=palettes)
def test_strength_moves_steadily_from_the_input_to_the_full_recolor(name, palette):
    source = ART[name]()
    analysis = analyze(source)
    full = _lab(recolor_image(source, palette, analysis=analysis))
    original = _lab(source)
    gaps = [
        np.abs(_lab(recolor_image(source, palette, strength=s, analysis=analysis)) - full).mean()
        for s in (0.0, 0.5, 1.0)
    ]
    assert gaps[0] >= gaps[1] - 1e-3 >= gaps[2] - 2e-3
    assert gaps[2] <= 0.004
    assert np.abs(original - full).mean() == pytest.approx(gaps[0], abs=1e-6)


def _lab(image: Image.Image) -> np.ndarray:
    return srgb_to_oklab(np.asarray(image.convert("RGB")) / 255.0)


def test_flat_fills_land_exactly_on_palette_colors(sample_logo):
    quality = measure(prepare_source(sample_logo), recolor_image(sample_logo, PALETTE), PALETTE)
    assert quality.palette_true == 1.0
    assert quality.alpha_kept == 1.0


def test_every_color_is_used_when_there_are_enough_regions():
    source = banded_logo(128, bands=6)
    palette = ["#0b6e4f", "#e4572e", "#29335c", "#ffc914", "#a1c181"]
    quality = measure(prepare_source(source), recolor_image(source, palette), palette)
    assert quality.all_used is True
    assert quality.distinct == 1.0


def test_eight_regions_on_a_transparent_ground_use_all_of_an_eight_color_palette():
    """Eight families and eight colours: too many orderings to score all, so swaps are scored."""
    source = banded_logo(160, bands=8, ground="#00000000")
    palette = [
        "#0b6e4f",
        "#e4572e",
        "#29335c",
        "#ffc914",
        "#a1c181",
        "#f4f1de",
        "#3d405b",
        "#81b29a",
    ]
    quality = measure(prepare_source(source), recolor_image(source, palette), palette)
    assert quality.all_used is True
    assert quality.distinct == 1.0
    assert quality.alpha_kept == 1.0


def test_regions_beyond_the_palette_stay_distinct_as_tints_and_shades():
    source = banded_logo(128, bands=7)
    palette = ["#0b6e4f", "#e4572e", "#ffc914"]
    quality = measure(prepare_source(source), recolor_image(source, palette), palette)
    assert quality.distinct == 1.0
    # One band (gold on white, turned yellow on a yellow ground) steps a little past its tint
    # to keep half its contrast with the ground: an edge kept outranks that band's palette-trueness.
    assert quality.palette_true >= 0.9
    assert quality.edge_contrast >= 0.95


def test_antialiased_edges_stay_smooth(sample_logo):
    for source in (sample_logo, flat_logo(128), flat_logo(128, background=(255, 255, 255))):
        quality = measure(prepare_source(source), recolor_image(source, PALETTE), PALETTE)
        assert quality.smoothness >= 0.9


@pytest.mark.parametrize("palette", [PALETTE, ["#f4f1de", "#3d405b", "#e07a5f", "#81b29a"]])
def test_gradients_are_never_posterised(palette):
    """No step across the recoloured gradient is much larger than the original's largest step."""
    source = gradient_badge(128)
    inside = np.asarray(source)[..., 3] == 255
    result = recolor_image(source, palette)

    def steps(image: Image.Image) -> np.ndarray:
        lab = _lab(image)
        both = inside[:, :-1] & inside[:, 1:]
        return np.linalg.norm(lab[:, 1:] - lab[:, :-1], axis=-1)[both]

    assert steps(result).max() <= 2 * steps(source).max() + 0.004
    colors_before = len(np.unique(np.asarray(source)[inside], axis=0))
    assert len(np.unique(np.asarray(result)[inside], axis=0)) >= 0.3 * colors_before


def test_an_edge_pixel_between_two_fills_mixes_their_new_colors():
    """Halfway across an edge between two fills is halfway between their palette colours."""
    pixels = np.zeros((8, 40, 3), np.uint8)
    pixels[:, :20], pixels[:, 21:] = hex_to_rgb("#1d3557"), hex_to_rgb("#f1faee")
    pixels[:, 20] = (pixels[0, 0].astype(int) + pixels[0, 39]) // 2
    source = Image.fromarray(pixels)
    palette = ["#e63946", "#a8dadc", "#264653"]  # enough contrast for the edge: no derived step
    result = np.asarray(recolor_image(source, palette)).astype(int)
    expected = (result[0, 0] + result[0, 39]) / 2
    assert np.abs(result[0, 20] - expected).max() <= 2
    assert rgb_to_hex(result[0, 0]) in palette and rgb_to_hex(result[0, 39]) in palette


def test_opaque_background_takes_the_background_role():
    source = flat_logo(96, background=(255, 255, 255))
    palette = Palette(
        name="p", colors=PALETTE, roles={"background": "#29335c", "primary": "#0b6e4f"}
    )
    corner = np.asarray(recolor_image(source, palette))[0, 0, :3]
    assert rgb_to_hex(corner) == "#29335c"


@pytest.mark.parametrize(
    ("ground", "expected"), [((255, 255, 255), "#f5f0e1"), ((12, 12, 20), "#29335c")]
)
def test_without_roles_a_light_ground_stays_light_and_a_dark_one_dark(ground, expected):
    source = flat_logo(96, background=ground)
    corner = np.asarray(recolor_image(source, PALETTE, keep="none"))[0, 0, :3]
    assert rgb_to_hex(corner) == expected
    kept = np.asarray(recolor_image(source, PALETTE, keep="black,white"))[0, 0, :3]
    assert tuple(kept) == ground


def test_largest_regions_take_primary_and_secondary():
    palette = Palette(
        name="p",
        colors=["#ffc914", "#29335c", "#e4572e", "#0b6e4f", "#f5f0e1"],
        roles={"primary": "#29335c", "secondary": "#ffc914", "accent": "#e4572e"},
    )
    result = np.asarray(recolor_image(flat_logo(128), palette))
    ring, square = rgb_to_hex(result[20, 64, :3]), rgb_to_hex(result[45, 45, :3])
    assert {ring, square} == {"#29335c", "#ffc914"}


def test_lightness_order_of_regions_is_kept_when_the_palette_allows():
    source = flat_logo(128)
    result = np.asarray(recolor_image(source, ["#f4f1de", "#3d405b", "#e07a5f"]))
    before = np.asarray(source)
    points = [(20, 64), (45, 45), (64, 64)]
    lightness_before = [srgb_to_oklab(before[y, x, :3] / 255.0)[0] for y, x in points]
    lightness_after = [srgb_to_oklab(result[y, x, :3] / 255.0)[0] for y, x in points]
    assert np.argsort(lightness_before).tolist() == np.argsort(lightness_after).tolist()


def test_photos_transfer_smoothly_without_banding():
    source = photo_like(160)
    result = recolor_image(source, PALETTE)
    quality = measure(prepare_source(source), result, PALETTE)
    assert quality.smoothness >= 0.6
    before = len(np.unique(np.asarray(source).reshape(-1, 3), axis=0))
    after = len(np.unique(np.asarray(result).reshape(-1, 3), axis=0))
    assert after >= 0.3 * before


def test_images_with_many_colors_go_through_a_lut_and_keep_their_fills():
    """Past 65536 unique colours the map is sampled on a grid; fills must still be exact."""
    noise = photo_like(400)
    pixels = np.asarray(noise).copy()
    pixels[100:300, 100:300] = (32, 58, 128)
    source = Image.fromarray(pixels)
    analysis = analyze(source)
    assert analysis.lut is not None
    result = np.asarray(recolor_image(source, PALETTE, analysis=analysis))
    assert rgb_to_hex(result[200, 200]) in PALETTE
    assert recolor_image(source, PALETTE, analysis=analysis).tobytes() == result.tobytes()


def test_the_lut_lookup_is_exact_on_a_linear_map():
    """Trilinear interpolation reproduces a linear map of its nodes, cell corners included."""
    points = np.random.default_rng(3).random((5000, 3)).astype(np.float32)
    points[:8] = [
        [0, 0, 0],
        [1, 1, 1],
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0.5, 0.25, 1],
        [1, 1, 0],
        [0, 1, 1],
    ]
    nodes = lut_grid(LUT_STEPS)
    mix = np.array([[0.2, 0.5, 0.1], [0.3, 0.1, 0.6], [0.4, 0.2, 0.2]])
    looked_up = interpolate(nodes @ mix, lut_cells(points, LUT_STEPS))
    assert np.abs(looked_up - points @ mix).max() < 1e-5


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("L", "RGB"), ("LA", "RGBA"), ("CMYK", "RGB"), ("P", "RGB"), ("I;16", "RGB")],
)
def test_other_modes_are_recolored_as_what_they_show(sample_logo, mode, expected):
    source = sample_logo.convert("RGB").convert(mode) if mode != "LA" else sample_logo.convert(mode)
    result = recolor_image(source, PALETTE)
    assert result.mode == expected and result.size == sample_logo.size


def test_palette_image_with_transparency_keeps_it(sample_logo):
    buffer = io.BytesIO()
    sample_logo.convert("P").save(buffer, format="PNG", transparency=0)
    source = Image.open(io.BytesIO(buffer.getvalue()))
    result = recolor_image(source, PALETTE)
    assert result.mode == "RGBA"
    assert np.array_equal(np.asarray(result)[..., 3], np.asarray(source.convert("RGBA"))[..., 3])


def test_exif_orientation_is_applied_first():
    source = flat_logo(32, background=(255, 255, 255)).crop((0, 0, 32, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    source.save(buffer, format="JPEG", exif=exif.tobytes())
    result = recolor_image(Image.open(io.BytesIO(buffer.getvalue())), PALETTE)
    assert result.size == (20, 32)


@pytest.mark.parametrize(
    ("palette", "strength", "message"),
    [
        ([], 1.0, "palette is empty"),
        (["#000000", "#ffffff", "nope"], 1.0, "invalid palette .*nope"),
        (["#12345g", "#ffffff", "#000000"], 1.0, "#12345g"),
        (PALETTE, 1.5, "strength 1.5 is outside"),
        (PALETTE, -0.1, "strength -0.1 is outside"),
        (PALETTE, float("nan"), "strength nan is outside"),
        (PALETTE, "full", "strength 'full' is outside"),
    ],
)
def test_bad_arguments_are_named(palette, strength, message):
    with pytest.raises(InputError, match=message):
        recolor_image(flat_logo(32), palette, strength=strength)


def test_images_over_the_pixel_limit_are_refused_before_any_work():
    with pytest.raises(InputError, match="64x64 pixels, more than 1000; downscale it"):
        analyze(flat_logo(64), max_pixels=1000)
    with pytest.raises(InputError, match="more than 1000"):
        recolor_image(flat_logo(64), PALETTE, max_pixels=1000)


def test_an_analysis_of_another_image_is_refused():
    with pytest.raises(InputError, match="analysis belongs to another image"):
        recolor_image(flat_logo(32), PALETTE, analysis=analyze(flat_logo(40)))


def test_recolored_fills_differ_from_the_original_palette_of_the_art():
    """A sanity check that the engine really recolours: no fill keeps its old colour."""
    source = flat_logo(96)
    result = np.asarray(recolor_image(source, PALETTE))
    before = np.asarray(source)
    for y, x in [(20, 64), (45, 45), (64, 64)]:
        assert delta_e(rgb_to_hex(before[y, x, :3]), rgb_to_hex(result[y, x, :3])) > 10


@given(
    st.lists(
        st.one_of(st.integers(0, 0xFFFFFF), st.sampled_from([0, 1, 0xFFFFFE, 0xFFFFFF])),
        min_size=1,
        max_size=400,
    ),
    st.integers(1, 20),
    st.sampled_from([0, 1 << 30]),
)
def test_unique_colors_and_rows_match_sorting_and_searching(values, width, tables_from):
    """Both ways, the colour tables (used for large images) and sorting (for small ones)."""
    packed = np.resize(np.array(values, dtype=np.uint32), (max(1, len(values) // width), width))
    unique, inverse = unique_and_index(packed, tables_from)
    assert unique.dtype == np.uint32 and inverse.dtype == np.int32
    np.testing.assert_array_equal(unique, np.unique(packed))
    np.testing.assert_array_equal(inverse, np.searchsorted(np.unique(packed), packed))
