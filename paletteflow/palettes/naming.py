"""Words for colours: family names, nearest colour-survey names, and the blocklist for crude ones."""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from paletteflow.color import hex_to_oklab, hex_to_oklch
from paletteflow.palettes.lexicon import load_lexicon, read_data

# (upper hue bound in OkLCh degrees, family), for chromatic colours.
_HUE_FAMILIES = (
    (45, "red"),
    (75, "orange"),
    (115, "yellow"),
    (170, "green"),
    (215, "teal"),
    (275, "blue"),
    (330, "purple"),
    (360, "pink"),
)


def color_family(color: str) -> str:
    """The everyday family a person would put a colour in: "purple", "brown", "grey", ..."""
    lightness, chroma, hue = hex_to_oklch([color])[0]
    if chroma < 0.035:
        return "white" if lightness > 0.93 else "black" if lightness < 0.25 else "grey"
    if (
        (40 <= hue < 100 or (20 <= hue < 40 and chroma < 0.1))
        and lightness < 0.62
        and chroma < 0.13
    ):
        return "brown"
    if 50 <= hue < 110 and lightness >= 0.8 and chroma < 0.07:
        return "beige"
    family = next(name for bound, name in _HUE_FAMILIES if hue < bound)
    if family == "red" and lightness >= 0.72:
        return "pink"
    if family == "pink" and lightness < 0.45:
        return "red"
    return family


@cache
def blocked_words() -> frozenset[str]:
    lines = read_data("blocked_words.txt").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_crude(name: str) -> bool:
    """Whether a name has a blocked word in it (checked word by word, so "Scrapbook" is fine)."""
    return bool(blocked_words().intersection(re.findall(r"[a-z]+", name.lower())))


# Survey words that describe a colour plainly or unkindly rather than evoke it: no palette name uses them.
_PLAIN_WORD_TEXT = (
    "dark light pale medium mid very dull muddy mud drab dirt murky washed off bland baby camo "
    "camouflage flat true pure nice cool warm vivid bright deep strong rich soft faded "
    "forrest perrywinkle toupe terracota ocre liliac lavendar burple blurple lightblue lightgreen "
    "darkblue darkgreen yellowgreen greenblue bluegreen bluegrey greyblue orangered"
)
_PLAIN_WORDS = frozenset(_PLAIN_WORD_TEXT.split())


def _evocative(name: str) -> bool:
    words = name.split()
    return (
        len(words) <= 2
        and "'" not in name
        and not _PLAIN_WORDS.intersection(words)
        and not any(word.endswith("ish") for word in words)
        and not any(word.endswith(("ey", "y")) and len(word) > 4 for word in words[:-1])
    )


@cache
def _survey_table() -> tuple[list[str], np.ndarray]:
    """Evocative survey names short enough to open a palette name ("Cobalt", "Dusty Rose"), in OKLab."""
    survey = load_lexicon().survey_names
    names = [name for name in survey if _evocative(name)]
    return names, hex_to_oklab([survey[name] for name in names])


def nearest_color_name(color: str) -> str:
    """The colour-survey name nearest to a colour, title-cased: "#5a7d9a" -> "Steel Blue"."""
    names, lab = _survey_table()
    distances = np.linalg.norm(lab - hex_to_oklab([color])[0], axis=1)
    return names[int(np.argmin(distances))].title()


def designer_order(colors: list[str]) -> list[str]:
    """Swatches as a designer lays them out: a strip from the darkest to the lightest."""
    lightness = hex_to_oklch(colors)[:, 0]
    return [colors[i] for i in sorted(range(len(colors)), key=lambda i: (lightness[i], colors[i]))]


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


def palette_name(prefixes: list[str], nouns: tuple[str, ...], used: set[str]) -> str:
    """The first unused, clean "Prefix Noun" pairing, e.g. "Harbor Dusk"; prefixes are tried in order."""
    for prefix in prefixes:
        for noun in nouns:
            name = f"{prefix} {noun}"
            if noun not in prefix and name not in used and not is_crude(name):
                return name
    base = f"{prefixes[-1]} {nouns[0]}"
    number = 2
    while f"{base} {number}" in used:
        number += 1
    return f"{base} {number}"


def theme_prefix(phrase: str) -> str:
    """A theme phrase as the first word(s) of a name: "lavender field" -> "Lavender Field"."""
    return " ".join(phrase.replace("'", "").split()[-2:]).title()


def describe(
    scheme_label: str,
    clause: str,
    lead: str,
    relation: str,
    extras: list[str],
) -> str:
    """One sentence: the scheme, the colour it is built around, and how it relates to the theme."""
    family = color_family(lead)
    tail = "".join(f", {extra}" for extra in extras)
    return f"{_article(scheme_label)} {scheme_label} palette around {family} {clause}, {relation}{tail}."


def join_words(words: list[str] | tuple[str, ...]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
