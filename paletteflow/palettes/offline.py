"""A deterministic palette designer that needs no network and no key.

Theme words pick a base hue (a small lexicon; unknown words hash to a hue so
any theme still gets a stable answer). Each palette applies one harmony scheme
in OKLCh, then fixes lightness until primary on background reaches WCAG 4.5:1
and every pair of colours is clearly apart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from paletteflow.color import contrast_ratio, hex_to_oklab, oklch_to_hex
from paletteflow.models import ROLES, Palette

MIN_CONTRAST = 4.5
MIN_OKLAB_DISTANCE = 0.08

# word -> (hue in degrees, chroma scale): a seed lexicon the generator issue grows.
_LEXICON: dict[str, tuple[float, float]] = {
    "ocean": (235, 1.0),
    "sea": (225, 1.0),
    "harbor": (240, 0.8),
    "sky": (235, 0.8),
    "water": (220, 0.9),
    "ice": (220, 0.5),
    "winter": (245, 0.5),
    "night": (275, 0.7),
    "forest": (145, 0.9),
    "leaf": (135, 1.0),
    "garden": (130, 1.0),
    "nature": (140, 0.9),
    "mint": (165, 0.8),
    "eco": (140, 1.0),
    "spring": (125, 1.0),
    "tea": (120, 0.7),
    "sun": (85, 1.0),
    "summer": (75, 1.0),
    "lemon": (100, 1.0),
    "gold": (85, 0.8),
    "fire": (35, 1.0),
    "autumn": (50, 0.9),
    "orange": (55, 1.0),
    "sunset": (40, 1.0),
    "coffee": (55, 0.45),
    "chocolate": (45, 0.5),
    "earth": (60, 0.5),
    "desert": (70, 0.6),
    "rose": (5, 0.9),
    "love": (15, 1.0),
    "cherry": (20, 1.0),
    "wine": (10, 0.7),
    "lavender": (300, 0.6),
    "royal": (290, 0.8),
    "magic": (310, 0.9),
    "berry": (350, 0.9),
    "tech": (260, 0.9),
    "cyber": (200, 1.0),
    "finance": (250, 0.6),
    "health": (180, 0.7),
}

_FAMILIES = [  # (upper hue bound, family, nouns a designer might use)
    (20, "red", ["Ember", "Poppy", "Garnet"]),
    (70, "orange", ["Amber", "Copper", "Marigold"]),
    (110, "yellow", ["Saffron", "Honey", "Citrine"]),
    (160, "green", ["Fern", "Moss", "Jade"]),
    (200, "teal", ["Lagoon", "Spruce", "Harbor"]),
    (265, "blue", ["Cobalt", "Tide", "Denim"]),
    (320, "purple", ["Iris", "Plum", "Heather"]),
    (360, "pink", ["Blossom", "Coral", "Peony"]),
]


@dataclass(frozen=True)
class _Scheme:
    name: str
    adjectives: tuple[str, ...]
    hue_offsets: tuple[float, float, float]  # secondary, accent, highlight relative to primary
    background_lightness: float
    chroma: float


_SCHEMES = [
    _Scheme("complementary", ("Bold", "Vivid", "Bright"), (30, 180, 200), 0.97, 0.15),
    _Scheme("monochromatic", ("Tonal", "Quiet", "Soft"), (0, 0, 0), 0.95, 0.12),
    _Scheme("high-contrast", ("Midnight", "Stark", "Nocturne"), (40, 170, 90), 0.18, 0.17),
    _Scheme("white-ground", ("Paper", "Linen", "Morning"), (-30, 150, 60), 1.0, 0.14),
    _Scheme("analogous", ("Drift", "Meadow", "Breeze"), (30, 60, -30), 0.96, 0.13),
    _Scheme("triadic", ("Carnival", "Festival", "Prism"), (120, 240, 60), 0.95, 0.14),
    _Scheme("split-complementary", ("Dusk", "Harbor", "Studio"), (150, 210, 30), 0.22, 0.15),
]


class OfflineGenerator:
    """Palettes from text alone: the same theme, logo text and n always give the same palettes."""

    async def generate(self, theme: str, logo: str, n: int) -> list[Palette]:
        return generate_offline(theme, logo, n)


def generate_offline(theme: str, logo: str, n: int) -> list[Palette]:
    text = f"{theme} {logo}".lower()
    words = re.findall(r"[a-z]+", text)
    matched = [word for word in words if word in _LEXICON]
    seed = int.from_bytes(hashlib.sha256(f"{theme}\x00{logo}".encode()).digest()[:8], "big")
    if matched:
        base_hue, chroma_scale = _LEXICON[matched[0]]
    else:
        base_hue, chroma_scale = float(seed % 360), 0.9
    palettes: list[Palette] = []
    used_names: set[str] = set()
    for index in range(n):
        scheme = _SCHEMES[index % len(_SCHEMES)]
        rotation = (index // len(_SCHEMES)) * 47.0
        anchor_hue = _LEXICON[matched[index % len(matched)]][0] if matched else base_hue
        hue = (anchor_hue + rotation) % 360
        colours = _build_colours(scheme, hue, chroma_scale)
        name = _name(scheme, hue, seed + index, used_names)
        used_names.add(name)
        palettes.append(
            Palette(
                name=name,
                colors=colours,
                roles=dict(zip(ROLES, colours, strict=True)),
                description=_describe(scheme, hue, matched),
            )
        )
    return palettes


def _build_colours(scheme: _Scheme, hue: float, chroma_scale: float) -> list[str]:
    chroma = scheme.chroma * chroma_scale
    dark_ground = scheme.background_lightness < 0.5
    background = oklch_to_hex(scheme.background_lightness, 0.02 * chroma_scale, hue)
    primary_l = 0.82 if dark_ground else 0.42
    secondary_hue, accent_hue, highlight_hue = (hue + offset for offset in scheme.hue_offsets)
    if scheme.name == "monochromatic":
        specs = [
            (primary_l, chroma, hue),
            (0.62, chroma * 0.8, hue),
            (0.30, chroma * 0.9, hue),
            (0.80, chroma * 0.5, hue),
        ]
    else:
        specs = [
            (primary_l, chroma, hue),
            (0.62 if not dark_ground else 0.58, chroma * 0.8, secondary_hue),
            (0.70, chroma * 1.1, accent_hue),
            (0.88 if not dark_ground else 0.40, chroma * 0.6, highlight_hue),
        ]
    primary = _with_contrast(specs[0], background)
    others = [oklch_to_hex(*spec) for spec in specs[1:]]
    colours = [primary, others[0], others[1], background, others[2]]
    return _spread(colours, fixed={0, 3})


def _with_contrast(spec: tuple[float, float, float], background: str) -> str:
    """Move the primary's lightness away from the background until WCAG 4.5:1 holds."""
    lightness, chroma, hue = spec
    step = (
        -0.02
        if contrast_ratio("#ffffff", background) < contrast_ratio("#000000", background)
        else 0.02
    )
    colour = oklch_to_hex(lightness, chroma, hue)
    while contrast_ratio(colour, background) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness += step
        colour = oklch_to_hex(lightness, chroma, hue)
    return colour


def _spread(colours: list[str], fixed: set[int]) -> list[str]:
    """Nudge lightness of the free colours until every pair is at least MIN_OKLAB_DISTANCE apart."""
    lab = hex_to_oklab(colours)
    for _ in range(40):
        distances = np.linalg.norm(lab[:, None] - lab[None], axis=2)
        np.fill_diagonal(distances, np.inf)
        first, second = np.unravel_index(np.argmin(distances), distances.shape)
        if distances[first, second] >= MIN_OKLAB_DISTANCE:
            break
        mover, other = (second, first) if second not in fixed else (first, second)
        if mover in fixed:
            break
        direction = 1.0 if lab[mover, 0] >= lab[other, 0] else -1.0
        if not 0.08 < lab[mover, 0] + direction * 0.04 < 0.98:
            direction = -direction
        lab[mover, 0] += direction * 0.04
        chroma = float(np.hypot(lab[mover, 1], lab[mover, 2]))
        hue = float(np.degrees(np.arctan2(lab[mover, 2], lab[mover, 1])))
        colours[mover] = oklch_to_hex(float(lab[mover, 0]), chroma, hue)
        lab[mover] = hex_to_oklab([colours[mover]])[0]
    return colours


def _family(hue: float) -> tuple[str, list[str]]:
    hue %= 360
    for bound, family, nouns in _FAMILIES:
        if hue < bound:
            return family, nouns
    return _FAMILIES[-1][1], _FAMILIES[-1][2]


def _name(scheme: _Scheme, hue: float, seed: int, used: set[str]) -> str:
    _, nouns = _family(hue)
    for offset in range(len(scheme.adjectives) * len(nouns)):
        adjective = scheme.adjectives[(seed + offset) % len(scheme.adjectives)]
        noun = nouns[(seed // 7 + offset) % len(nouns)]
        if adjective != noun and f"{adjective} {noun}" not in used:
            return f"{adjective} {noun}"
    return f"{scheme.adjectives[0]} {nouns[0]} {len(used) + 1}"


def _describe(scheme: _Scheme, hue: float, matched: list[str]) -> str:
    family, _ = _family(hue)
    article = "An" if scheme.name[0] in "aeiou" else "A"
    if matched:
        return f"{article} {scheme.name} palette around {family}, drawn from {', '.join(dict.fromkeys(matched))}."
    return f"{article} {scheme.name} palette around {family}; no colour words were recognised in the text."
