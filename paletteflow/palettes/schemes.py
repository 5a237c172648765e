"""Harmony schemes in OkLCh: where each role's colour should sit before the rules are applied.

The first four schemes are the variety every run of four or more palettes
gets (monochromatic, complementary, high-contrast, white ground); the rest
(analogous, triadic, split-complementary, tetradic, ...) join as N grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from paletteflow.palettes.lexicon import Anchor, Tone
from paletteflow.palettes.quality import MIN_CONTRAST, Intent

Ground = Literal["tint", "white", "dark"]

WHITE = "#ffffff"
AAA_CONTRAST = 7.0


@dataclass(frozen=True)
class Scheme:
    name: str
    clause: str  # how the description explains the scheme
    nouns: tuple[str, ...]  # second words for palette names
    ground: Ground
    offsets: tuple[float, float, float]  # hue offsets of secondary, accent, highlight
    theme_secondary: bool = False  # secondary takes the theme's next anchor
    one_hue: bool = False
    min_contrast: float = MIN_CONTRAST
    tint: float = 1.0  # chroma scale for soft variants


SCHEMES = (
    Scheme("monochromatic", "in lightnesses of one hue", ("Mist", "Veil", "Haze"), "tint",
           (0, 0, 0), one_hue=True),
    Scheme("complementary", "with the opposite hue as its accent", ("Spark", "Flare", "Glow"),
           "tint", (25, 180, 195)),
    Scheme("high-contrast", "on a dark ground at AAA contrast", ("Night", "Nocturne", "Noir"),
           "dark", (30, 160, 200), min_contrast=AAA_CONTRAST),
    Scheme("white-ground", "on a white ground", ("Paper", "Linen", "Morning"), "white",
           (-30, 150, 60), theme_secondary=True),
    Scheme("analogous", "with neighbouring hues", ("Drift", "Breeze", "Current"), "tint",
           (30, -35, 60), theme_secondary=True),
    Scheme("triadic", "with hues a third of the wheel apart", ("Prism", "Carnival", "Mosaic"),
           "tint", (120, 240, 60)),
    Scheme("split-complementary", "with the two hues beside its complement, on a dark ground",
           ("Dusk", "Twilight", "Tide"), "dark", (150, 210, 30)),
    Scheme("tetradic", "with four hues a quarter turn apart", ("Quartet", "Compass", "Atlas"),
           "tint", (90, 180, 270)),
    Scheme("tonal", "in tones of one hue on a dark ground", ("Velvet", "Smoke", "Shadow"), "dark",
           (0, 0, 0), one_hue=True),
    Scheme("soft analogous", "in soft neighbouring tints", ("Bloom", "Petal", "Cloud"), "tint",
           (-25, 40, 20), theme_secondary=True, tint=0.6),
)  # fmt: skip


@dataclass(frozen=True)
class Base:
    """The colour a palette is built around, picked inside a theme anchor, plus the theme's next one."""

    lightness: float
    chroma: float
    hue: float
    partner: Anchor | None = None


def pick(anchor: Anchor, fractions: tuple[float, float, float]) -> tuple[float, float, float]:
    """A point inside an anchor's region: hue, lightness and chroma each `fraction` of the way across."""
    hue_f, lightness_f, chroma_f = fractions
    low_l, high_l = anchor.lightness
    low_c, high_c = anchor.chroma
    return (
        low_l + (high_l - low_l) * lightness_f,
        low_c + (high_c - low_c) * chroma_f,
        anchor.hue_at(hue_f),
    )


def role_intents(scheme: Scheme, base: Base, tone: Tone, dark_ground: bool) -> dict[str, Intent]:
    """Where each role's colour should sit for this scheme, before the rules move anything."""
    ground = "dark" if dark_ground and scheme.ground == "tint" else scheme.ground
    dark = ground == "dark"
    hue, chroma = base.hue, base.chroma * tone.chroma * scheme.tint
    shift = tone.lightness
    second, third, fourth = ((hue + offset) % 360 for offset in scheme.offsets)
    vivid = max(chroma, 0.11 * tone.chroma * scheme.tint)
    if ground == "white":
        background = Intent.of_hex(WHITE, hue_free=False)
    else:
        background = Intent(0.19 if dark else 0.975, 0.025 if dark else 0.012, hue, hue_free=False)
    # A light anchor (blush, lavender) darkened to read on a light ground turns muddy unless its
    # chroma grows as its lightness falls; a dark ground keeps light anchors as they are.
    deepened = max(chroma, 0.12 * tone.chroma * scheme.tint) if base.lightness > 0.6 else chroma
    primary = (
        Intent(max(base.lightness, 0.82), chroma, hue)
        if dark
        else Intent(base.lightness + shift, deepened, hue)
    )
    if scheme.one_hue:
        lightness = (0.6, 0.72, 0.4) if dark else (0.58, 0.72, 0.87)
        chromas = (chroma * 0.8, vivid, chroma * (0.8 if dark else 0.45))
        secondary, accent, highlight = (
            Intent(level + (0 if dark else shift), c, hue, hue_free=False)
            for level, c in zip(lightness, chromas, strict=True)
        )
    else:
        secondary = _secondary(scheme, base, tone, second, chroma, dark, shift)
        accent = Intent((0.72 if dark else 0.7) + shift / 2, vivid * 1.1, third)
        highlight = Intent(0.45 if dark else 0.9, chroma if dark else 0.05, fourth)
    return {
        "primary": primary,
        "secondary": secondary,
        "accent": accent,
        "background": background,
        "highlight": highlight,
    }


def _secondary(
    scheme: Scheme, base: Base, tone: Tone, hue: float, chroma: float, dark: bool, shift: float
) -> Intent:
    if scheme.theme_secondary and base.partner is not None:
        lightness, partner_chroma, partner_hue = pick(base.partner, (0.5, 0.5, 0.5))
        return Intent(lightness + shift, partner_chroma * tone.chroma * scheme.tint, partner_hue)
    return Intent((0.6 if dark else 0.62) + shift, chroma * 0.8, hue)
