"""Lightness and chroma profiles of loved palettes, filled with the theme's own hues.

People do not vary their palettes for the same words mainly by harmony: they
make one all pastel, another deep and dark, another vivid. A profile is the
shape such a group of loved palettes shares: the five lightnesses of its
colours from darkest to lightest, each with its typical chroma, averaged over
the loved palettes (`nice_palettes`, the top COLOURlovers palettes, MIT) whose
mean lightness and mean chroma fall in the profile's quantile ranges. The
theme's colours take the slots nearest their own lightness and keep their hue;
the other slots show the lead hue. The contrast rule binds only the ink on the
ground, so a pastel profile keeps one dark ink and a deep one one light ink,
and the other three colours stay as pastel or as deep as the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from paletteflow.color import gamut_chroma, hex_to_oklch
from paletteflow.palettes.lexicon import COLORFUL_CHROMA, Tone, nice_palettes
from paletteflow.palettes.quality import MIN_CONTRAST, Intent
from paletteflow.palettes.schemes import GAMUT_EDGE, LIGHT_GROUND, Base, held_back

# Below this mean lightness a profile is a dark one: its darkest colour is the ground.
DARK_PROFILE = 0.5
# Vivid colours are the vivid profile's point, so it comes nearer the gamut's edge than the
# others may, though not to it: at the edge colours turn neon and glare.
VIVID_EDGE = 0.8
_FILL_ROLES = ("secondary", "accent", "highlight")


@dataclass(frozen=True)
class Profile:
    """A group of loved palettes, chosen by quantile ranges of their mean lightness and chroma."""

    name: str
    clause: str  # how the description explains the profile
    nouns: tuple[str, ...]  # second words for palette names
    lightness: tuple[float, float] = (0.0, 1.0)
    chroma: tuple[float, float] = (0.0, 1.0)
    one_hue: bool = False
    min_contrast: float = MIN_CONTRAST
    edge: float = 1.0  # the most of the gamut's chroma a colour may take (`schemes.GAMUT_EDGE`)


PROFILES = (
    Profile("pastel", "in pastel tints with one dark ink", ("Sorbet", "Chalk", "Meringue"),
            lightness=(0.6, 1.0), chroma=(0.0, 0.5)),
    Profile("deep", "in deep shades with one light ink", ("Depths", "Hollow", "Umber"),
            lightness=(0.0, 0.03), edge=GAMUT_EDGE),
    Profile("vivid", "in vivid colours", ("Pop", "Burst", "Neon"), chroma=(0.75, 1.0),
            edge=VIVID_EDGE),
)  # fmt: skip


@cache
def profile_shape(profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """The profile's five OkLCh lightnesses, darkest first, and each one's share of the gamut's chroma."""
    sorted_lch = []
    for colors in nice_palettes():
        lch = hex_to_oklch(colors)
        lch[:, 1] /= gamut_chroma(lch[:, 0], lch[:, 2])
        sorted_lch.append(lch[np.argsort(lch[:, 0])])
    stacked = np.stack(sorted_lch)  # (palettes, 5, 3)
    means = stacked[:, :, 0].mean(axis=1), stacked[:, :, 1].mean(axis=1)
    chosen = np.ones(len(stacked), dtype=bool)
    for values, (low, high) in zip(means, (profile.lightness, profile.chroma), strict=True):
        chosen &= (values >= np.quantile(values, low)) & (values <= np.quantile(values, high))
    group = stacked[chosen]
    return group[:, :, 0].mean(axis=0), group[:, :, 1].mean(axis=0)


def profile_intents(profile: Profile, base: Base, tone: Tone) -> dict[str, Intent]:
    """Where each role's colour should sit: the profile's lightness and chroma, the theme's hues.

    Theme colours, lead first, take the free slot nearest their own lightness;
    a grey or near-white theme colour keeps its own low chroma, so a charcoal
    theme is not painted in a vivid profile's chroma. Chroma is a share of what
    sRGB holds at that lightness and hue, so a pastel lemon stays yellow where a
    pastel violet of the same absolute chroma would be vivid. The lead's hue
    family carries the profile's chroma; far hues are held back (`schemes.held_back`).
    """
    lightness, chroma = profile_shape(profile)
    slots: list[tuple[float, float, float] | None] = [None] * len(lightness)
    free = list(range(len(lightness)))
    for color in base.colors[: len(lightness)]:
        nearest = min(free, key=lambda slot: abs(lightness[slot] - color[0]))
        free.remove(nearest)
        slots[nearest] = color
    levels = np.clip(lightness + tone.lightness, 0.05, 0.97)
    hues = np.array([(source or base.lead)[2] for source in slots])
    room = gamut_chroma(levels, hues)
    shares = np.minimum(chroma, profile.edge)
    intents = []
    for slot, source in enumerate(slots):
        own_lightness, own_chroma, _ = source or base.lead
        wanted = shares[slot] * room[slot] if own_chroma > COLORFUL_CHROMA else own_chroma
        if source is not None:
            wanted = held_back(wanted, source[2], base.lead[2])
        lightest = slot == len(slots) - 1
        light = own_lightness >= LIGHT_GROUND and levels[slot] < own_lightness
        if source is not None and lightest and light:
            # A light theme colour in the lightest place (ground, or a deep profile's ink) is
            # shown as itself: darkened, lemon turns olive and blush mauve.
            intents.append(Intent(*source))
            continue
        intents.append(Intent(float(levels[slot]), float(wanted * tone.chroma), float(hues[slot])))
    dark = float(lightness.mean()) < DARK_PROFILE
    ground, ink = (intents[0], intents[-1]) if dark else (intents[-1], intents[0])
    roles = {"background": ground, "primary": ink}
    roles.update(zip(_FILL_ROLES, intents[1:-1], strict=True))
    return roles
