"""Reading any text offline: word forms, emotions, nearness, compounds, caps; and palettes true to it."""

import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pytest

from benchmarks.theme_families import THEME_FAMILIES, family_shares
from paletteflow.color import hex_to_oklch
from paletteflow.palettes.lexicon import MAX_TEXT_CHARS, load_lexicon, read_theme
from paletteflow.palettes.naming import color_family
from paletteflow.palettes.offline import generate_offline
from paletteflow.palettes.word_forms import base_forms
from tests.test_offline_generator import assert_meets_the_rules

LEXICON = load_lexicon()


@pytest.mark.parametrize(
    ("word", "form"),
    [("plummy", "plum"), ("sunsets", "sunset"), ("berries", "berry"), ("leaves", "leaf"),
     ("reddish", "red"), ("wintry", "winter"), ("sadness", "sad"), ("frosty", "frost")],
)  # fmt: skip
def test_word_forms_lead_back_to_the_dictionary_word(word, form):
    assert form in base_forms(word)
    assert word not in base_forms(word)


def test_words_the_lexicon_lacks_are_read_through_forms_and_nearness_and_said():
    reading = read_theme("plummy sunsets", "")
    assert reading.understood == ("plum", "sunset") or reading.understood == ("sunset", "plum")
    assert ("plummy", "plum") in reading.read_as
    assert "sunsets" not in reading.unknown
    # Not in the lexicon nor a plain word form: found by nearness of the word vectors.
    for word, meant in [("grieving", "grief"), ("oceanic", "ocean"), ("cheer", "cheerful")]:
        assert (word,) not in LEXICON.themes
        assert read_theme(word, "").read_as == ((word, meant),)
    description = generate_offline("plummy", "", 1)[0].description
    assert "plummy read as plum" in description


def test_spelling_alone_does_not_make_a_neighbour():
    """Subword vectors of split words mostly carry spelling: "funeral" is not "fun"."""
    for word in ("anime", "mar", "dinosaur", "memories"):
        reading = read_theme(word, "")
        assert reading.read_as == () and reading.unknown == (word,), word


@pytest.mark.parametrize("word", ["fear", "grief", "joy", "calm", "anger", "sorrow"])
def test_emotion_words_are_understood(word):
    assert read_theme(word, "").understood == (word,)


def _fills(palettes):
    """Lightness and chroma of the colours that are neither ink nor ground."""
    lch = hex_to_oklch([p.roles[r] for p in palettes for r in ("secondary", "accent", "highlight")])
    return float(np.mean(lch[:, 0])), float(np.mean(lch[:, 1]))


def test_sad_and_fearful_text_is_darker_and_quieter_than_joyful_text():
    grief_l, grief_c = _fills(generate_offline("grief", "", 7))
    fear_l, fear_c = _fills(generate_offline("fear", "", 7))
    joy_l, joy_c = _fills(generate_offline("joy", "", 7))
    assert grief_l < joy_l and fear_l < joy_l
    assert grief_c < joy_c and fear_c < joy_c
    families = {color_family(p.roles["secondary"]) for p in generate_offline("joy", "", 3)}
    assert families & {"yellow", "orange"}


def test_each_phrase_brings_its_own_family_to_every_palette_it_can():
    """The theme's first few unlike colours lead in turn, so a cabin's brown joins the pines.

    Only the one-hue palette and the pastel one (where brown is a light tan) may lack either.
    """
    palettes = generate_offline("pine forest cabin", "", 7)
    with_both = [
        p for p in palettes if {"green", "brown"} <= {color_family(c) for c in p.colors}
    ]  # fmt: skip
    assert len(with_both) >= 5, [(p.name, p.colors) for p in palettes]


def test_signature_colors_keep_their_true_form():
    """Lemon stays a light lemon yellow in every palette; the ink carries the contrast rule."""
    for palette in generate_offline("lemonade stand", "", 7):
        lemons = [
            c for c in palette.colors
            if color_family(c) == "yellow" and hex_to_oklch([c])[0][0] >= 0.85
        ]  # fmt: skip
        assert lemons, (palette.name, palette.colors)
        assert_meets_the_rules(palette)


def test_palettes_carry_the_families_people_expect():
    shares = family_shares(lambda theme: [p.colors for p in generate_offline(theme, "", 7)])
    assert len(shares) == len(THEME_FAMILIES)
    assert statistics.mean(shares.values()) >= 0.85, shares


@pytest.mark.parametrize(
    "theme", ["🌊🌴🔥", "森林と湖", "bosque verde y mar", "ÆØÅ ✓ \u200b\x00", "flurbo zantique"]
)
def test_any_unicode_or_language_gives_palettes_and_an_honest_description(theme):
    palettes = generate_offline(theme, "", 5)
    assert len(palettes) == 5
    for palette in palettes:
        assert_meets_the_rules(palette)
        assert "well-liked palette" in palette.description
        assert "none of its words matched" in palette.description
    assert len({tuple(p.colors) for p in palettes}) == 5


def test_very_long_text_is_capped_and_says_so():
    text = "lavender field at dusk, " * 2000
    started = time.perf_counter()
    palettes = generate_offline(text, "", 3)
    assert time.perf_counter() - started < 10  # a bound on runaway work, not a speed figure
    assert all(f"first {MAX_TEXT_CHARS} characters" in p.description for p in palettes)
    reading = read_theme(text, "")
    assert reading.understood == ("lavender field", "dusk") and reading.unknown == ()  # no cut word
    assert "characters" not in generate_offline("lavender field", "", 1)[0].description


def test_word_vectors_load_from_the_installed_package_without_the_network():
    """A fresh process with every socket connection refused still reads an unknown word."""
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from paletteflow.palettes.lexicon import read_theme\n"
        "print(read_theme('grieving', '').read_as)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "HOME": "/nonexistent-home"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "('grieving', 'grief')" in result.stdout
