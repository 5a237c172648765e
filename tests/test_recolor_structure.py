"""Line art and lightness structure: outlines stay legible, order holds, neutrals can be kept."""

import dataclasses
import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from benchmarks.image_set import IMAGES, on_ground
from benchmarks.recolor_quality import measure, prepare_source
from paletteflow.color import (
    ciede2000,
    delta_e,
    hex_to_oklab,
    hex_to_rgb,
    linear_to_cielab,
    oklab_to_linear,
    oklab_to_srgb,
    rgb_to_hex,
    srgb_to_linear,
    srgb_to_oklab,
)
from paletteflow.errors import InputError
from paletteflow.models import Palette, VariationRequest
from paletteflow.neutrals import DEFAULT_KEEP, parse_keep
from paletteflow.recolor import analyze, recolor_image
from paletteflow.recolor.contrast import (
    PALETTE_STEP_DE00,
    SHORT_PALETTE_SHARE,
    Constraints,
    at_lightness,
    keep_contrast,
    stepped_lightness,
)

SALMONS = ["#fa8072", "#ffa07a", "#e9967a", "#f08080", "#ffb4a2"]
PASTELS = ["#ffd6e0", "#c1e7ff", "#d7f9d0", "#fff5ba", "#e6d4ff"]
OUTLINE = 12


def outlined_drawing(ground: str = "#ffffff", size: int = 160) -> Image.Image:
    """A yellow disc and a blue box with thick black outlines, antialiased, on `ground`."""
    scale = 4
    big = size * scale
    mode = "RGBA" if len(ground) == 9 else "RGB"
    image = Image.new(mode, (big, big), ground)
    draw = ImageDraw.Draw(image)
    width = OUTLINE * scale // 2
    draw.ellipse([0.08 * big, 0.08 * big, 0.6 * big, 0.6 * big], "#fcea2b", "#000000", width)
    draw.rectangle([0.45 * big, 0.45 * big, 0.92 * big, 0.92 * big], "#61b2e4", "#000000", width)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def striped_flag(size: int = 150) -> Image.Image:
    """Black, red and gold stripes in a black outline on white: three lightness levels touching."""
    image = Image.new("RGB", (size, size), "#ffffff")
    draw = ImageDraw.Draw(image)
    for row, color in enumerate(("#000000", "#d22f27", "#f1b31c")):
        draw.rectangle([15, 30 + row * 30, size - 16, 59 + row * 30], fill=color)
    draw.rectangle([15, 30, size - 16, 119], outline="#000000", width=5)
    return image


def lightness(image: Image.Image) -> np.ndarray:
    """CIELAB L* of every pixel."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64) / 255.0
    return linear_to_cielab(srgb_to_linear(rgb))[..., 0]


@pytest.mark.parametrize("palette", [SALMONS, PASTELS], ids=["salmons", "pastels"])
@pytest.mark.parametrize("ground", ["#ffffff", "#00000000"], ids=["on-white", "transparent"])
@pytest.mark.parametrize("keep", ["none", "black", "auto"])
def test_an_outlined_drawing_stays_legible_with_a_palette_that_cannot_carry_it(
    palette, ground, keep
):
    source = outlined_drawing(ground)
    result = recolor_image(source, palette, keep=keep)
    quality = measure(prepare_source(source), result, palette)
    assert quality.edge_contrast >= 0.9
    # On the outline itself: its pixels stay at least half their original contrast darker
    # than the fills they surround.
    before, after = lightness(source), lightness(result)
    outline = (before < 5) & (np.asarray(source.convert("RGBA"))[..., 3] == 255)
    disc_centre = (48, 48)
    assert before[disc_centre] - before[outline].mean() > 80
    assert after[disc_centre] - after[outline].mean() >= 0.5 * (
        before[disc_centre] - before[outline].mean()
    )


def test_keeping_black_keeps_black_pixels_exactly_and_not_keeping_it_recolors_them():
    source = outlined_drawing()
    black = (np.asarray(source) == 0).all(axis=2)
    assert black.sum() > 1000
    kept = np.asarray(recolor_image(source, PASTELS, keep="black"))
    assert (kept[black] == 0).all()
    recolored = np.asarray(recolor_image(source, PASTELS, keep="none"))
    assert not (recolored[black] == 0).all(axis=1).any()


def test_auto_lets_a_spare_dark_palette_color_draw_the_black_and_keeps_black_otherwise():
    """The drawing has four regions (ground, disc, box, outline) and the palettes four colours."""
    source = outlined_drawing()
    black = (np.asarray(source) == 0).all(axis=2)
    navy = ["#1d3557", "#f4d35e", "#8ecae6", "#fefae0"]
    drawn = recolor_image(source, navy, keep="auto")
    assert (np.asarray(drawn)[black] == (0x1D, 0x35, 0x57)).all()
    quality = measure(prepare_source(source), drawn, navy)
    assert quality.colors_used_share == 1.0
    assert quality.palette_true == 1.0 and quality.edge_contrast >= 0.9
    kept = recolor_image(source, navy, keep="black")
    assert measure(prepare_source(source), kept, navy).colors_used_share < 1.0
    light = ["#ffd6e0", "#c1e7ff", "#d7f9d0", "#fff5ba"]
    assert (np.asarray(recolor_image(source, light, keep="auto"))[black] == 0).all()


@pytest.mark.parametrize(
    ("colors", "draws_the_lines"),
    [
        (["#264653", "#2a9d8f", "#e9c46a", "#e76f51"], True),
        (["#65b66a", "#97e39c", "#ffffff", "#ffb8dc", "#f173ad"], False),
    ],
    ids=["dark-slate", "mid-green"],
)
def test_auto_holds_line_art_on_a_dark_palette_color_a_step_would_leave_unused(
    colors, draws_the_lines
):
    """OpenMoji's person: a dark slate draws its outline, stepped no further than it still reads
    as that colour (CIEDE2000 8); the palette's darkest colour, a mid green, would lose it."""
    source = Image.open(IMAGES / "openmoji-person.png").convert("RGBA")
    black = (np.asarray(source)[..., :3] == 0).all(axis=2) & (np.asarray(source)[..., 3] == 255)
    result = recolor_image(source, colors)
    quality = measure(prepare_source(source), result, colors)
    lines = np.unique(np.asarray(result)[black][:, :3], axis=0)
    assert quality.edge_contrast >= 0.95
    if draws_the_lines:
        assert len(lines) == 1 and delta_e(rgb_to_hex(lines[0]), colors[0]) <= 8
        assert quality.all_used and quality.palette_true == 1.0
    else:
        assert (lines == 0).all()


def square_on_shapes(size: int = 200) -> Image.Image:
    """A JetBrains-style mark on white: three coloured shapes under a black square with a white
    bar in it."""
    image = Image.new("RGB", (size, size), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.polygon([(10, 40), (90, 8), (150, 60), (60, 190), (8, 150)], "#21d789")
    draw.polygon([(120, 20), (190, 90), (170, 190), (80, 170)], "#fcf84a")
    draw.polygon([(150, 70), (195, 110), (150, 150)], "#07c3f2")
    draw.rectangle([45, 45, 155, 155], "#000000")
    draw.rectangle([65, 120, 105, 130], "#ffffff")
    return image


def with_roles(name: str, roles: dict[str, str]) -> Palette:
    """A palette of the roles' colours, in their order."""
    return Palette(name=name, colors=list(roles.values()), roles=roles)


NAVY_GROUND_ROLE = with_roles(
    "Navy Blue Depths",
    {
        "background": "#050e28",
        "secondary": "#382f19",
        "accent": "#663d35",
        "highlight": "#3e6b58",
        "primary": "#a98369",
    },
)


@pytest.mark.parametrize(
    "palette",
    [
        NAVY_GROUND_ROLE,
        with_roles(
            "Navy Mist",
            {
                "accent": "#021537",
                "secondary": "#203d6c",
                "primary": "#3f5e8f",
                "highlight": "#6282b7",
                "background": "#c1d9ff",
            },
        ),
    ],
    ids=["navy-ground-role", "navy-accent"],
)
def test_auto_gives_black_the_dark_color_the_handout_left_out(palette):
    """Recolouring black hands every colour out again and gives the navy elsewhere (or keeps
    black); with black kept, the navy is left out. The square takes it in black's place."""
    source = square_on_shapes()
    black = (np.asarray(source) == 0).all(axis=2)
    result = recolor_image(source, palette)
    assert (np.asarray(result)[black] == hex_to_rgb(palette.colors[0])).all()
    quality = measure(prepare_source(source), result, palette.colors)
    assert quality.all_used and quality.palette_true == 1.0
    assert quality.edge_contrast >= 0.7


def small_gradient_mark(size: int = 400) -> Image.Image:
    """A 30 px teal gradient square on a white ground: no pixel of the mark is a flat fill, and
    it covers well under 1% of the image (gRPC's mark on white)."""
    pixels = np.full((size, size, 3), 255, dtype=np.uint8)
    ramp = np.linspace((0x1F, 0x9E, 0x96), (0x4A, 0xD6, 0xC8), 30).round().astype(np.uint8)
    pixels[185:215, 185:215] = ramp[None]
    return Image.fromarray(pixels, "RGB")


def test_a_small_mark_on_a_ground_that_is_the_only_fill_gets_colours_of_its_own():
    """With only its ground as a fill, the mark's colours were shades of the ground: a dark
    `background` role took the mark down with it, navy on navy. Now it has keys of its own."""
    source = small_gradient_mark()
    assert len(analyze(source).keys_lab) >= 2
    palette = NAVY_GROUND_ROLE
    quality = measure(prepare_source(source), recolor_image(source, palette), palette.colors)
    assert quality.edge_contrast >= 0.9 and quality.palette_true == 1.0


def outlined_rainbow(size: int = 160) -> Image.Image:
    """Six bright stripes, each in a thick black outline, on a transparent ground."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    stripes = ("#ea5a47", "#f4aa41", "#fcea2b", "#b1cc33", "#92d3f5", "#b399c8")
    for row, color in enumerate(stripes):
        top = 10 + row * 24
        draw.rectangle([10, top, size - 10, top + 20], fill=color, outline="#000000", width=5)
    return image


@pytest.mark.parametrize(
    "colors",
    [
        ["#050e28", "#382f19", "#663d35", "#3e6b58", "#a98369"],
        ["#160921", "#2c3136", "#564729", "#556743", "#9679d3"],
    ],
    ids=["navy-browns", "plum-olives"],
)
def test_a_dark_palette_shows_every_color_round_outlined_stripes(colors):
    """A stripe that alone shows a palette colour keeps it unless a step gains more than that is
    worth (`contrast.SOLE_COST`): the lines take the darkest colour and every colour shows."""
    source = outlined_rainbow()
    quality = measure(prepare_source(source), recolor_image(source, colors), colors)
    assert quality.all_used
    assert quality.edge_contrast >= 0.9


def test_a_detail_still_steps_when_the_image_cannot_show_every_color():
    """Twemoji's fox has four fills for five salmons, so a colour is out anyway: its dark eyes and
    nose still step darker than the face rather than keep a salmon of their own."""
    source = Image.open(IMAGES / "fox.png").convert("RGBA")
    quality = measure(prepare_source(source), recolor_image(source, SALMONS), SALMONS)
    assert quality.edge_contrast >= 0.95


def two_tone_fin(size: int = 160) -> Image.Image:
    """A blue fin with a light-blue half (one family: tints of one colour), a yellow disc and a red
    box, outlined in black."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 80, 150], "#61b2e4", "#000000", 6)
    draw.rectangle([13, 13, 44, 147], "#92d3f5")
    draw.ellipse([90, 10, 150, 70], "#fcea2b", "#000000", 6)
    draw.rectangle([90, 90, 150, 150], "#d22f27", "#000000", 6)
    return image


def test_a_tint_takes_a_palette_color_of_its_own_only_when_the_palette_has_one_to_spare():
    source = two_tone_fin()
    analysis = analyze(source)
    fin, light = (np.asarray(source)[80, x][:3] for x in (60, 25))
    four = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261"]
    result = np.asarray(recolor_image(source, four, keep="black", analysis=analysis))
    places = ((80, 60), (80, 25), (40, 120), (120, 120))  # fin, its light half, disc, box
    colors = {rgb_to_hex(tuple(result[y, x][:3])) for y, x in places}
    assert colors == set(four)
    three = four[:3]
    result = np.asarray(recolor_image(source, three, keep="black", analysis=analysis))
    fin_color, light_color = (rgb_to_hex(tuple(result[80, x][:3])) for x in (60, 25))
    nearest = [min(three, key=lambda c, o=own: delta_e(c, o)) for own in (fin_color, light_color)]
    assert nearest[0] == nearest[1] and fin_color != light_color  # a tint of the fin's colour
    assert not (fin == light).all()


def open_page(size: int = 160) -> Image.Image:
    """An off-white page, shaded at the foot, in a dark grey outline on white (Streamline's book)."""
    image = Image.new("RGB", (size, size), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 130, 130), fill="#fffef2", outline="#45413c", width=8)
    draw.rectangle((38, 100, 122, 122), fill="#fffce5")
    return image


@pytest.mark.parametrize(
    "palette",
    [["#264653", "#2a9d8f", "#e9c46a", "#e76f51"], ["#021547", "#cd8377", "#d09268", "#ffffff"]],
)
def test_an_off_white_fill_on_white_takes_a_palette_color_not_a_mix_of_its_neighbours(palette):
    """The page is too near the ground to be a key by itself, and lies between the ground and
    its own shading: read as a mixture of the two, it came out between their new colours."""
    source = open_page()
    result = recolor_image(source, palette)
    assert measure(prepare_source(source), result, palette).palette_true == 1.0


def test_keeping_white_keeps_the_white_ground_and_not_keeping_it_gives_it_a_palette_color():
    source = outlined_drawing()
    white = (np.asarray(source) == 255).all(axis=2)
    kept = np.asarray(recolor_image(source, SALMONS, keep="black,white"))
    assert (kept[white] == 255).all()
    recolored = recolor_image(source, SALMONS, keep="black")
    ground = np.asarray(recolored)[2, 2]
    assert rgb_to_hex(ground) in SALMONS


def test_a_dark_background_role_gives_way_so_kept_black_outlines_stay_visible():
    source = outlined_drawing()
    palette = Palette(
        name="night",
        colors=["#ffaf79", "#a27900", "#02b8d5", "#1d1109", "#0054a3"],
        roles={"primary": "#ffaf79", "background": "#1d1109"},
    )
    result = recolor_image(source, palette, keep="black")
    assert (np.asarray(result)[2, 2] != (0x1D, 0x11, 0x09)).any()
    assert measure(prepare_source(source), result, palette.colors).edge_contrast >= 0.9
    free = recolor_image(source, palette, keep="none")  # nothing kept: the role holds
    assert delta_e(rgb_to_hex(np.asarray(free)[2, 2]), "#1d1109") <= 5
    # The outline turns light against the dark ground; this drawing's outline is too large a
    # share of it to leave its palette colour far, so it keeps less than with black kept.
    assert measure(prepare_source(source), free, palette.colors).edge_contrast >= 0.6


def test_art_made_on_white_stands_out_the_other_way_from_a_dark_ground_role():
    """devicon's Poetry on white: its darkest shape touches the ground and a lighter shape."""
    logo = Image.open(IMAGES / "devicon-poetry.png").convert("RGBA")
    source = on_ground(logo.resize((1024, 1024), Image.Resampling.LANCZOS), "#ffffff")
    colors = ["#121344", "#6c1045", "#961a62", "#217d81", "#f754ab"]
    roles = dict(
        zip(["background", "secondary", "accent", "highlight", "primary"], colors, strict=True)
    )
    palette = Palette(name="Shocking Pink Depths", colors=colors, roles=roles)
    result = recolor_image(source, palette)
    assert result.getpixel((5, 5)) == (0x12, 0x13, 0x44)  # the ground takes its role
    assert measure(prepare_source(source), result, colors).edge_contrast >= 0.9


def test_keeping_grey_keeps_a_grey_fill_exactly():
    image = Image.new("RGB", (60, 60), "#ffffff")
    ImageDraw.Draw(image).rectangle([10, 10, 49, 49], fill="#808080")
    ImageDraw.Draw(image).rectangle([20, 20, 39, 39], fill="#d22f27")
    grey = (np.asarray(image) == 128).all(axis=2)
    kept = np.asarray(recolor_image(image, SALMONS, keep="grey"))
    assert (kept[grey] == 128).all()
    assert not (np.asarray(recolor_image(image, SALMONS, keep="none"))[grey] == 128).all()


@pytest.mark.parametrize("palette", [SALMONS, PASTELS], ids=["salmons", "pastels"])
def test_touching_stripes_keep_their_light_to_dark_order(palette):
    source = striped_flag()
    result = lightness(recolor_image(source, palette, keep="none"))
    black, red, gold = (result[45, 75], result[75, 75], result[105, 75])
    assert black < red < gold


def test_a_palette_of_one_light_color_three_times_still_gets_a_dark_outline():
    palette = ["#ffd6e0", "#ffdbe4", "#ffd1dc"]
    source = outlined_drawing()
    result = recolor_image(source, palette, keep="none")
    assert measure(prepare_source(source), result, palette).edge_contrast >= 0.9


def small_dark_land_on_a_globe(size: int = 200) -> Image.Image:
    """A blue globe in an orange ring with three small fills, and dark land smaller than all.

    Six fills for a five-colour palette: the land ranks sixth by area, past the palette's size.
    """
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 190, 190], fill="#e8701a")
    draw.ellipse([50, 40, 170, 160], fill="#4a90d0")
    draw.rectangle([70, 60, 90, 80], fill="#0c2550")
    draw.rectangle([120, 110, 140, 130], fill="#0c2550")
    draw.rectangle([10, 95, 40, 125], fill="#ffd23a")
    draw.rectangle([160, 95, 190, 125], fill="#c0281e")
    draw.rectangle([90, 165, 130, 190], fill="#fff1c8")
    return image


def test_a_dark_detail_past_the_palettes_size_stays_darker_than_what_it_sits_on():
    """Rule 6: the land, a light variant by area alone, takes the palette's one dark colour."""
    colors = ["#5e69a2", "#f28fb9", "#efc1d3", "#c0f2f4", "#fcf2f6"]
    names = ("primary", "secondary", "accent", "highlight", "background")
    roles = dict(zip(names, colors, strict=True))
    palette = Palette(name="light with one dark ink", colors=colors, roles=roles)
    source = small_dark_land_on_a_globe()
    result = recolor_image(source, palette)
    before, after = lightness(source), lightness(result)
    land, sea = (80, 70), (100, 120)
    assert before[sea] - before[land] > 40
    assert after[sea] - after[land] >= 0.5 * (before[sea] - before[land])
    quality = measure(prepare_source(source), result, colors)
    assert quality.palette_true == 1.0
    assert quality.all_used


def shapes_a_transparent_hairline_apart(size: int = 160) -> Image.Image:
    """A blue and a yellow shape on a transparent ground, parted by a translucent seam.

    As in an antialiased logo whose shapes nearly touch (Python's two snakes):
    each shape's edge pixel is half transparent, with one clear pixel between.
    """
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    middle = size // 2
    draw.rectangle([10, 10, middle - 2, size - 10], fill=(58, 117, 168, 255))
    draw.rectangle([middle + 2, 10, size - 10, size - 10], fill=(255, 212, 59, 255))
    draw.line([(middle - 1, 10), (middle - 1, size - 10)], fill=(58, 117, 168, 128))
    draw.line([(middle + 1, 10), (middle + 1, size - 10)], fill=(255, 212, 59, 128))
    return image


NEAR_WHITE_CYANS = ["#e8f7fb", "#dff8f9", "#d7f2f4", "#d1eaec", "#c7ebee"]


@pytest.mark.parametrize("palette", [PASTELS, NEAR_WHITE_CYANS], ids=["pastels", "near-whites"])
def test_shapes_apart_across_a_transparent_seam_stay_on_a_light_palette_and_apart(palette):
    """No strong edge joins them, so a light palette need not step toward a darker blue to part
    them; they still take the two of its colours furthest apart in lightness.

    Each shape takes a palette colour as it is, and the two differ.
    """
    source = shapes_a_transparent_hairline_apart()
    assert measure(prepare_source(source), source, palette).edge_contrast is None
    pixels = np.asarray(recolor_image(source, palette).convert("RGB"))
    blue, yellow = rgb_to_hex(pixels[80, 20]), rgb_to_hex(pixels[80, 100])
    for shape in (blue, yellow):
        assert min(delta_e(shape, color) for color in palette) < 1
    assert delta_e(blue, yellow) > 5


def test_palettes_that_carry_the_contrast_leave_fills_on_their_colors():
    """Derived steps only where needed: a palette with a dark colour paints the outline with it."""
    palette = ["#1d3557", "#e63946", "#f1faee", "#a8dadc", "#457b9d"]
    source = outlined_drawing()
    result = recolor_image(source, palette, keep="none")
    quality = measure(prepare_source(source), result, palette)
    assert quality.palette_true == 1.0
    assert quality.edge_contrast >= 0.95


def test_a_multi_band_gradient_is_interpolated_along_its_path_without_stripes():
    """8-bit gradients are bands of flat colour; their keys lie on one line in sRGB."""
    width, height = 240, 40
    start, end = np.array([17, 74, 139.0]), np.array([60, 203, 244.0])
    ramp = start + np.linspace(0.0, 1.0, width)[:, None] * (end - start)
    pixels = np.broadcast_to(np.rint(ramp), (height, width, 3)).astype(np.uint8)
    source = Image.fromarray(np.ascontiguousarray(pixels), "RGB")
    palette = ["#ffaf79", "#a27900", "#02b8d5", "#1d1109", "#0054a3"]
    result = srgb_to_oklab(np.asarray(recolor_image(source, palette)) / 255.0)[height // 2]
    steps = np.diff(result[:, 0])
    turns = np.count_nonzero(np.diff(np.sign(steps[np.abs(steps) > 0.003])))
    assert len(analyze(source).keys_lab) >= 4
    assert turns <= 4


def hue_sweep(width: int = 600, height: int = 60) -> Image.Image:
    """A slow sweep from violet to red at one lightness, like a brand mark's gradient."""
    hue = np.radians(np.linspace(280.0, 20.0, width))
    lab = np.stack([np.full(width, 0.62), 0.2 * np.cos(hue), 0.2 * np.sin(hue)], axis=1)
    row = np.rint(np.clip(oklab_to_srgb(lab), 0.0, 1.0) * 255.0)
    pixels = np.broadcast_to(row, (height, width, 3)).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


def test_gradient_bands_meet_at_soft_borders_and_fills_at_crisp_ones():
    gradient = analyze(hue_sweep())
    assert len(gradient.keys_lab) >= 4
    assert gradient.soft_borders.all()
    for image in (outlined_drawing(), striped_flag(), two_tone_fin()):
        analysis = analyze(image)
        assert len(analysis.adjacent) >= 3
        assert not analysis.soft_borders.any()


@pytest.mark.parametrize(
    ("palette", "longest"),
    [
        (["#2f2e58", "#4a488a", "#ffffff", "#bbbbbb", "#000000"], 2.6),
        (["#634f22", "#555b65", "#eae4b0", "#5a4840", "#560000"], 2.0),
    ],
)
def test_a_gradient_runs_through_neighbouring_palette_colors_instead_of_striping(palette, longest):
    """The recoloured sweep's path in OKLab, against the shortest path through the palette.

    Its bands are several families; handed out without regard to the
    gradient they jump between far colours and back. Alone in the picture, it
    runs between three of the palette's colours, landing on each (rule 7).
    """
    source = hue_sweep()
    row = srgb_to_oklab(np.asarray(recolor_image(source, palette)) / 255.0)[source.height // 2]
    path = np.linalg.norm(np.diff(row, axis=0), axis=1).sum()
    colors = hex_to_oklab(palette)
    shortest = min(
        sum(np.linalg.norm(colors[a] - colors[b]) for a, b in itertools.pairwise(order))
        for order in itertools.permutations(range(len(palette)))
    )
    assert (np.linalg.norm(row[:, None] - colors[None], axis=2).min(axis=0) < 0.02).sum() == 3
    assert path <= longest * shortest


def two_stop_ramp(width: int = 600, height: int = 60) -> Image.Image:
    """Orange to red in OKLab, as Talos's bars are drawn: a two-stop gradient and nothing else."""
    start, end = hex_to_oklab(["#ffb01f", "#f01c2c"])
    lab = start + np.linspace(0.0, 1.0, width)[:, None] * (end - start)
    row = np.rint(np.clip(oklab_to_srgb(lab), 0.0, 1.0) * 255.0)
    pixels = np.broadcast_to(row, (height, width, 3)).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


RAMP_PALETTES = [
    ["#5c6066", "#72b76b", "#c8b8db", "#e5d4bc", "#eee5f3"],
    ["#080c28", "#ff63ae", "#ffc4b6", "#7af6fc", "#ffffff"],
]


@pytest.mark.parametrize("palette", RAMP_PALETTES)
def test_a_gradient_moved_by_its_keys_runs_between_three_palette_colors(palette):
    """Its four bands took four colours, striped far apart with off-palette mixtures between;
    a picture with fewer regions than the palette has colours leaves some out anyway. (The
    keys' handout, as where the ramp map below does not keep the ramp smoother.)"""
    source = two_stop_ramp()
    analysis = dataclasses.replace(analyze(source), ramp=None)
    result = recolor_image(source, palette, analysis=analysis)
    row = linear_to_cielab(srgb_to_linear(np.asarray(result)[source.height // 2] / 255.0))
    colors = linear_to_cielab(srgb_to_linear(np.array([hex_to_rgb(c) for c in palette]) / 255.0))
    shown = (ciede2000(row[:, None], colors[None]) < 1.0).any(axis=0)
    assert len(analysis.keys_lab) >= 4
    assert shown.sum() == 3
    assert measure(prepare_source(source), result, palette).palette_true >= 0.9


@pytest.mark.parametrize("palette", RAMP_PALETTES)
def test_a_picture_that_is_one_ramp_becomes_a_gradient_map_between_two_palette_colors(palette):
    """Moved band by band by its keys, the ramp came out in ripples (smoothness 0.625 and 0.616
    here); mapped along a path between two palette colours it keeps its order (each colour
    further from the path's start than the one before) and its evenness, and most of it still
    sits on the palette."""
    source = two_stop_ramp()
    analysis = analyze(source)
    assert analysis.ramp is not None
    result = recolor_image(source, palette, analysis=analysis)
    by_keys = recolor_image(source, palette, analysis=dataclasses.replace(analysis, ramp=None))
    row = linear_to_cielab(srgb_to_linear(np.asarray(result)[source.height // 2] / 255.0))
    colors = linear_to_cielab(srgb_to_linear(np.array([hex_to_rgb(c) for c in palette]) / 255.0))
    shown = (ciede2000(row[:, None], colors[None]) < 1.0).any(axis=0)
    from_start = ciede2000(row, np.repeat(row[:1], len(row), axis=0))
    quality = measure(prepare_source(source), result, palette)
    assert shown.sum() == 2
    assert (np.diff(from_start) > -1.0).all()  # 8-bit rounding
    assert quality.palette_true >= 0.85
    assert quality.smoothness >= measure(prepare_source(source), by_keys, palette).smoothness + 0.1


def test_a_logo_drawn_as_one_ramp_stays_smooth_on_a_palette_of_far_apart_colors():
    """Kotlin's violet-to-coral logo on a palette of six far-apart colours: moved band by band
    it ran red, yellow and white in stripes (smoothness 0.600)."""
    source = Image.open(IMAGES / "devicon-kotlin.png")
    palette = ["#ff595e", "#ffca3a", "#8ac926", "#1982c4", "#6a4c93", "#f1faee"]
    quality = measure(prepare_source(source), recolor_image(source, palette), palette)
    assert quality.smoothness >= 0.7 and quality.palette_true >= 0.85


def test_flat_fills_joined_by_antialiasing_are_not_a_ramp():
    """Two fills side by side lie on one line in colour space too; their mass is piled at its
    ends, and each fill must land on a palette colour of its own."""
    image = Image.new("RGB", (300, 200), "#e63946")
    ImageDraw.Draw(image).ellipse((120, 20, 280, 180), fill="#1d3557")
    assert analyze(image.resize((150, 100), Image.Resampling.LANCZOS)).ramp is None


def test_the_contrast_solver_moves_the_cheaper_family_and_respects_ranges():
    constraints = Constraints(np.array([0]), np.array([1]), np.array([0.5]), np.array([1.0]))
    lightness = np.array([0.7, 0.7])
    moved = keep_contrast(lightness, np.array([0.9, 0.1]), np.zeros(2), np.ones(2), constraints)
    assert moved[0] == pytest.approx(0.7) and moved[1] == pytest.approx(0.2)
    blocked = keep_contrast(
        lightness, np.array([0.9, 0.1]), np.array([0.0, 0.7]), np.ones(2), constraints
    )
    assert blocked[1] == pytest.approx(0.7) and blocked[0] == pytest.approx(1.0)


FAMILY_SHARES = np.array([0.5, 0.09, 0.02, 0.09, 0.3])
KEPT_BLACK = np.array([False, False, False, False, True])
EDGES = Constraints(np.array([0, 1, 3]), np.array([1, 2, 4]), np.array([0.3, 0.3, 0.4]), np.ones(3))


def stepped(colors: np.ndarray, palette: np.ndarray) -> tuple[np.ndarray, ...]:
    """Families 0 to 3 take `colors`; family 4 is a kept black outline round family 3."""
    colors = np.vstack([colors, [[0.0, 0.0, 0.0]]])
    return colors, *stepped_lightness(
        colors, FAMILY_SHARES, KEPT_BLACK, KEPT_BLACK, np.zeros(5), np.ones(5), EDGES, palette
    )


def palette_distance(colors: np.ndarray, lightness: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """CIEDE2000 from each colour, moved to `lightness`, to the nearest palette colour, as painted."""
    moved = at_lightness(colors, lightness)
    as_painted = [linear_to_cielab(np.clip(oklab_to_linear(c), 0, 1)) for c in (moved, palette)]
    return ciede2000(as_painted[0][:, None], as_painted[1][None]).min(axis=1)


def test_steps_stay_near_the_palette_when_it_spans_the_edges_but_small_details_step_freely():
    """A palette from navy to white carries the picture: a mid-sized fill may only step as far as
    it stays on a palette colour, while a tiny detail and a fill inside a kept black outline may
    step as far as their edges need."""
    palette = hex_to_oklab(["#021547", "#f7614f", "#f27e00", "#9be7c2", "#ffffff"])
    colors, _, lowest, highest = stepped(palette[[1, 2, 3, 0]], palette)
    assert 0.0 < lowest[1] < colors[1, 0] < highest[1] < 1.0
    ends = palette_distance(colors[[1, 1]], np.array([lowest[1], highest[1]]), palette)
    assert ends.max() <= PALETTE_STEP_DE00
    assert (lowest[2], highest[2]) == (0.0, 1.0)
    assert (lowest[3], highest[3]) == (0.0, 1.0)


def test_a_step_keeps_a_fill_on_its_own_palette_color_not_on_the_next_one_down():
    """Magenta stepping darker towards the palette's purple would read as purple, leaving the
    palette's magenta unused: its step stops while it still reads as magenta."""
    palette = hex_to_oklab(["#021547", "#cc00cc", "#990099", "#f27e00", "#ffffff"])
    colors, _, lowest, highest = stepped(palette[[3, 1, 2, 0]], palette)
    ends = palette_distance(colors[[1, 1]], np.array([lowest[1], highest[1]]), palette[[1]])
    assert ends.max() <= PALETTE_STEP_DE00
    assert lowest[1] < colors[1, 0]


def test_a_palette_that_cannot_carry_the_edges_steps_off_its_colors_only_within_a_budget():
    """Five salmons cannot keep a 0.3 lightness edge: the small families step off the palette, as
    many as fit in SHORT_PALETTE_SHARE of the image, and the large fill stays on its salmon."""
    palette = hex_to_oklab(SALMONS)
    colors, lightness, *_ = stepped(palette[[0, 1, 2, 3]], palette)
    off = palette_distance(colors[:4], lightness[:4], palette) > PALETTE_STEP_DE00
    assert off.any() and not off[0]
    assert FAMILY_SHARES[:4][off].sum() <= SHORT_PALETTE_SHARE
    assert lightness[1] - lightness[2] >= 0.5 * 0.3
    assert lightness[3] - lightness[4] >= 0.5 * 0.4


def test_a_flat_palette_steps_a_fill_whose_color_another_fill_also_shows_before_a_sole_one():
    """Pastels cannot carry two equal edges and the budget frees one fill: stepping the fill that
    alone shows pink would drop pink from the picture, so the one sharing blue steps instead."""
    palette = hex_to_oklab(PASTELS)
    colors = palette[[3, 0, 1, 1, 4]]
    shares = np.array([0.4, 0.15, 0.15, 0.15, 0.15])
    edges = Constraints(np.array([0, 0]), np.array([1, 2]), np.full(2, 0.3), np.array([1.05, 1.0]))
    unkept = np.zeros(5, dtype=bool)
    lightness, *_ = stepped_lightness(
        colors, shares, unkept, unkept, np.zeros(5), np.ones(5), edges, palette
    )
    off = palette_distance(colors, lightness, palette) > PALETTE_STEP_DE00
    assert list(off) == [False, False, True, False, False]


def test_a_flat_palette_with_only_tiny_unkept_fills_still_recolors():
    """Black and white kept, and the only other fills (a navy and a yellow square that touch) too
    small to show a palette colour: the budgeted steps have no colour to spare, and go on."""
    image = Image.new("RGB", (200, 200), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 100, 199, 199], fill="#000000")
    draw.rectangle([20, 20, 44, 44], fill="#1d3557")
    draw.rectangle([45, 20, 69, 44], fill="#fcea2b")
    result = recolor_image(image, SALMONS, keep="black,white")
    assert (np.asarray(result)[150, 100] == 0).all()
    assert tuple(np.asarray(result)[30, 30]) != (0x1D, 0x35, 0x57)


def test_keep_names_parse_in_any_case_and_order_and_bad_names_are_refused():
    assert parse_keep(None) == DEFAULT_KEEP
    assert parse_keep("Gray, white") == ("white", "grey")
    assert parse_keep(["black", "black"]) == ("black",)
    assert parse_keep("white,AUTO") == ("auto", "white")
    assert parse_keep("auto,black") == ("black",)
    assert parse_keep("none") == () and parse_keep("") == ()
    with pytest.raises(InputError, match="cannot keep 'pink'"):
        parse_keep("black,pink")
    with pytest.raises(InputError, match="cannot keep"):
        recolor_image(outlined_drawing(size=32), SALMONS, keep="blak")


def test_the_flow_request_takes_keep_as_a_list_or_a_string_and_the_form_offers_the_four():
    assert VariationRequest(image="x").keep == list(DEFAULT_KEEP)
    assert VariationRequest(image="x", keep="white,black").keep == ["black", "white"]
    assert VariationRequest(image="x", keep=[]).keep == []
    schema = VariationRequest.model_json_schema()["properties"]["keep"]
    assert schema["items"]["enum"] == ["auto", "black", "white", "grey"]
    with pytest.raises(ValueError, match="cannot keep 'pink'"):
        VariationRequest(image="x", keep=["pink"])
