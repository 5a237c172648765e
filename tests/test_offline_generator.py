"""The offline designer: rules as properties over many themes, relevance, determinism, locks."""

import asyncio
import itertools
import json
from importlib import resources

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from paletteflow.color import contrast_ratio, delta_e, hex_to_oklch
from paletteflow.cvd import DEFICIENCIES
from paletteflow.errors import InputError
from paletteflow.models import ROLES, GeneratorSettings, parse_lock
from paletteflow.palettes import get_generator
from paletteflow.palettes.lexicon import load_lexicon, read_theme
from paletteflow.palettes.naming import color_family, is_crude
from paletteflow.palettes.offline import generate_offline
from paletteflow.palettes.quality import seen_apart

LEXICON = load_lexicon()
PHRASES = sorted(entry.phrase for entry in LEXICON.themes.values())
COLOR_NAMES = sorted(LEXICON.survey_names)

themes = st.one_of(
    st.sampled_from(PHRASES),
    st.lists(st.sampled_from(PHRASES + COLOR_NAMES), min_size=1, max_size=4).map(" and ".join),
    st.tuples(st.sampled_from(PHRASES), st.sampled_from(["not", "no", "without"]),
              st.sampled_from(COLOR_NAMES)).map(" ".join),
    st.text(max_size=30),
)  # fmt: skip


def assert_meets_the_rules(palette):
    roles = palette.roles
    assert set(roles) == set(ROLES) and sorted(palette.colors) == sorted(roles.values())
    lightness = [hex_to_oklch([c])[0][0] for c in palette.colors]
    assert lightness == sorted(lightness)  # shown as a strip from dark to light
    assert contrast_ratio(roles["primary"], roles["background"]) >= 4.5
    for a, b in itertools.combinations(palette.colors, 2):
        assert delta_e(a, b) >= 8, (palette.name, a, b)
    for a, b in itertools.combinations([roles["primary"], roles["accent"], roles["background"]], 2):
        for kind in DEFICIENCIES:
            assert seen_apart(a, b, kind) >= 8, (palette.name, kind, a, b)
    assert palette.checks == dict.fromkeys(["contrast", "distinct", *DEFICIENCIES], True)
    assert not is_crude(palette.name) and "Palette" not in palette.name
    assert palette.description.endswith(".") and ". " not in palette.description


@settings(max_examples=60, deadline=None)
@given(
    theme=themes, logo=st.sampled_from(["", "a leaf", "a round badge", "xq"]), n=st.integers(1, 20)
)
def test_every_palette_meets_the_rules_and_no_two_look_alike(theme, logo, n):
    palettes = generate_offline(theme, logo, n)
    assert len(palettes) == n and len({p.name for p in palettes}) == n
    for palette in palettes:
        assert_meets_the_rules(palette)
    for first, second in itertools.combinations(palettes, 2):
        same_roles = np.mean([delta_e(first.roles[r], second.roles[r]) for r in ROLES])
        assert same_roles >= 8, (first.name, second.name)  # near-duplicate below the pair rule


def _hue_gap(a, b):
    return abs((hex_to_oklch([a])[0][2] - hex_to_oklch([b])[0][2] + 180) % 360 - 180)


def _chromatic(colors):
    return [c for c in colors if hex_to_oklch([c])[0][1] > 0.03]


def is_monochromatic(p):
    # A grey ink has no hue of its own: then the palette's hue is that of its most colourful colour.
    hue_of = p.roles["primary"]
    if not _chromatic([hue_of]):
        hue_of = max(p.colors, key=lambda c: hex_to_oklch([c])[0][1])
    return all(_hue_gap(c, hue_of) <= 20 for c in _chromatic(p.colors))


def is_complementary(p):
    return any(_hue_gap(c, p.roles["primary"]) >= 145 for c in _chromatic(p.colors))


def is_high_contrast(p):
    return contrast_ratio(p.roles["primary"], p.roles["background"]) >= 7


def has_white_ground(p):
    lightness, chroma, _ = hex_to_oklch([p.roles["background"]])[0]
    return lightness >= 0.97 and chroma <= 0.01


@settings(max_examples=30, deadline=None)
@given(theme=themes, n=st.integers(7, 20))
@example(theme="NIN:NO/CHART", n=7)  # "1990s, no chartreuse": purple's complement is chartreuse
def test_any_seven_or_more_include_the_variety_rules(theme, n):
    palettes = generate_offline(theme, "", n)
    for rule in (is_monochromatic, is_complementary, is_high_contrast, has_white_ground):
        assert any(rule(p) for p in palettes), rule.__name__


def _profiled(palettes):
    """The first pastel, deep and vivid palettes, with mean OkLCh lightness and chroma.

    The first of each: later rounds (N past the designs) vary lead, ground and tones
    for variety, so a second pastel may sit closer to the first deep one.
    """
    found = {}
    for palette in palettes:
        for profile in ("pastel", "deep", "vivid"):
            if palette.description.startswith(f"A {profile} palette"):
                found.setdefault(profile, hex_to_oklch(palette.colors)[:, :2].mean(axis=0))
    return found


@settings(max_examples=30, deadline=None)
@given(theme=themes, n=st.integers(5, 20))
def test_any_five_or_more_span_pastel_to_deep(theme, n):
    profiled = _profiled(generate_offline(theme, "", n))
    assert set(profiled) == {"pastel", "deep", "vivid"}
    assert profiled["pastel"][0] - profiled["deep"][0] >= 0.2


@pytest.mark.parametrize("theme", ["lavender field", "autumn", "cherry blossom", "lemon", "ocean"])
def test_the_vivid_palette_is_more_colorful_than_the_pastel_one(theme):
    profiled = _profiled(generate_offline(theme, "", 5))
    assert profiled["vivid"][1] > profiled["pastel"][1] + 0.03


def test_more_palettes_bring_more_harmony_schemes():
    descriptions = " ".join(p.description for p in generate_offline("harbor", "", 13))
    for scheme in ("analogous", "triadic", "split-complementary", "tetradic"):
        assert scheme in descriptions


RELEVANCE = [
    ("lavender field", {"purple"}),
    ("forest", {"green"}),
    ("ocean", {"blue", "teal"}),
    ("autumn", {"orange", "red"}),
    ("coffee", {"brown"}),
    ("cherry blossom", {"pink"}),
    ("lemon", {"yellow"}),
    ("mint", {"green", "teal"}),
    ("dusty rose", {"pink", "red"}),
    ("midnight navy", {"blue"}),
]


@pytest.mark.parametrize(("theme", "families"), RELEVANCE)
def test_theme_words_bring_the_colors_a_person_expects(theme, families):
    palettes = generate_offline(theme, "", 7)
    assert families & {color_family(palettes[0].roles[r]) for r in ("primary", "secondary")}
    showing = [
        p for p in palettes
        if families & {color_family(p.roles[r]) for r in ("primary", "secondary", "accent")}
    ]  # fmt: skip
    assert len(showing) >= 4, [(p.name, p.colors) for p in palettes]


def test_same_inputs_same_palettes_and_different_text_differs():
    first = generate_offline("ocean breeze", "a wave", 7)
    assert first == generate_offline("ocean breeze", "a wave", 7)
    assert first != generate_offline("forest walk", "a leaf", 7)


def test_phrases_beat_words_and_negations_are_understood():
    reading = read_theme("cherry blossom, dusty rose but not red", "")
    assert reading.understood == ("cherry blossom", "dusty rose") and reading.negated == ("red",)
    assert read_theme("cherry", "").understood == ("cherry",)


def test_negated_color_stays_out_of_the_palettes():
    red_hue = hex_to_oklch([LEXICON.survey_names["red"]])[0][2]
    for palette in generate_offline("autumn harvest, no red", "", 7):
        for color in _chromatic(palette.colors):
            _, chroma, hue = hex_to_oklch([color])[0]
            assert chroma <= 0.05 or abs((hue - red_hue + 180) % 360 - 180) > 20, color


def test_empty_text_gives_a_neutral_brand_set_that_says_so():
    palettes = generate_offline("", "", 4)
    assert all("neutral brand set" in p.description for p in palettes)


def test_unknown_words_still_give_varied_palettes_and_say_what_was_understood():
    palettes = generate_offline("flurbo zantique", "", 6)
    assert all("none of its words matched" in p.description for p in palettes)
    assert len({color_family(p.roles["primary"]) for p in palettes}) >= 2
    mixed = generate_offline("forest flurbo", "", 1)[0].description
    assert "forest" in mixed and "1 other word not recognised" in mixed


def test_lexicon_covers_five_hundred_phrases_across_the_categories():
    assert sum(LEXICON.categories.values()) >= 500
    assert set(LEXICON.categories) == {"nature", "food and drink", "seasons and holidays", "places",
                                       "materials", "moods", "industries", "eras and styles"}  # fmt: skip
    assert min(LEXICON.categories.values()) >= 50


def test_color_survey_data_is_credited_and_has_no_crude_names():
    data = json.loads(
        resources.files("paletteflow.palettes").joinpath("data", "xkcd_colours.json").read_text()
    )
    assert "CC0" in data["license"] and "xkcd" in data["source"].lower()
    assert len(data["colours"]) > 800
    assert not [name for name in data["colours"] if is_crude(name)]
    assert is_crude("Puke Green") and not is_crude("Harbor Dusk")


def test_locked_color_is_kept_exactly_in_every_palette():
    for palette in generate_offline("forest", "", 8, locks=[parse_lock("#1a73e8")]):
        assert palette.roles["primary"] == "#1a73e8"
        assert_meets_the_rules(palette)
    two = generate_offline(
        "sunset", "", 5, locks=[parse_lock("accent=#ff6f00"), parse_lock("background:#fffdf7")]
    )
    assert all(p.roles["accent"] == "#ff6f00" and p.roles["background"] == "#fffdf7" for p in two)
    assert all("keeping the locked #ff6f00 as accent" in p.description for p in two)


@pytest.mark.parametrize(
    ("locks", "message"),
    [
        (["primary=#777777", "background=#888888"], "are only 6.5 apart"),
        (["primary=#1a73e8", "background=#3f51b5"], "contrast"),
        (["primary=#000000", "primary=#ffffff"], "two colours are locked as primary"),
        (["#000000", "#ffffff", "#ff0000", "#00ff00", "#0000ff", "#ffff00"], "only 5 roles"),
    ],
)
def test_impossible_locks_are_reported(locks, message):
    with pytest.raises(InputError, match=message):
        generate_offline("forest", "", 3, locks=[parse_lock(text) for text in locks])


def test_unnamed_lock_moves_to_a_role_where_the_rules_can_hold():
    # As primary on this background it would fail contrast; as accent it fits.
    palettes = generate_offline(
        "ocean", "", 3, locks=[parse_lock("background=#fafafa"), parse_lock("#1a73e8")]
    )
    assert all(p.roles["accent"] == "#1a73e8" for p in palettes)


def test_bad_lock_text_is_a_validation_error():
    with pytest.raises(ValidationError, match="not a hex colour"):
        GeneratorSettings(locks=("primary=blue",))
    with pytest.raises(ValidationError, match="unknown role 'hero'"):
        GeneratorSettings(locks=("hero=#123456",))


def test_image_colors_seed_a_close_to_original_palette():
    logo = ["#203a80", "#f2c14e", "#d1495b", "#ffffff"]
    palettes = generate_offline("forest", "", 5, image_colors=logo)
    original = palettes[-1]
    assert original.source == "image" and "logo's own colours" in original.description
    assert original.roles["primary"] == "#203a80" and original.roles["background"] == "#ffffff"
    assert {original.roles["accent"], original.roles["secondary"]} == {"#d1495b", "#f2c14e"}
    assert_meets_the_rules(original)
    assert [p.source for p in palettes[:-1]] == ["offline"] * 4


def test_generator_protocol_is_async_and_takes_settings():
    generator = get_generator("offline", GeneratorSettings(locks=("#0b5394",), image_palettes=0))
    palettes = asyncio.run(generator.generate("sunset", "", 3, image_colors=["#112233"]))
    assert len(palettes) == 3 and all(p.roles["primary"] == "#0b5394" for p in palettes)
