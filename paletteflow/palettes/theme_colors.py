"""Which colours of the theme each palette shows, and where they come from when no word matched.

A palette takes a lead anchor and the theme's other anchors, a new colour
family first, each as a point inside its anchor picked from a hash of the text
(never a clock or a random generator). Empty text gives a neutral brand set;
text nothing matched gives the colours of loved palettes (`nice_palettes`).
"""

from __future__ import annotations

import hashlib

from paletteflow.color import hex_to_oklch, oklch_to_hex
from paletteflow.palettes.lexicon import Anchor, ThemeReading, Tone, load_lexicon, nice_palettes
from paletteflow.palettes.naming import color_family
from paletteflow.palettes.quality import AVOID_MARGIN, AVOID_MIN_CHROMA
from paletteflow.palettes.schemes import Base, clear_of, pick

NEUTRAL_ANCHORS = ("navy", "taupe", "slate", "sage", "charcoal")
_NEUTRAL_TONE = Tone(chroma=0.8)
_CENTRAL_PALETTES = 12
# Only the last attempts turn the lead hue (15, 60, then 135 degrees), when every closer one came
# out like a palette already made: crowded themes (few anchors, an avoided hue, many palettes).
_HUE_TURN_FROM = 5
_HUE_TURN = 15.0
_TURNED_CHROMA = 0.08
_ROUND_LIGHTNESS = 0.15
_CENTRE = (0.5, 0.5, 0.5)
_PALE = 0.85
_NEUTRAL_CHROMA = 0.05
# Palettes take turns leading with the theme's first few unlike colours, not with every anchor.
_LEADS = 3


def color_sources(reading: ThemeReading, seed: bytes) -> tuple[list[tuple[Anchor, ...]], Tone]:
    """Where palettes take their colours from (palette i from source i mod count), and the tone.

    The theme's anchors when words matched; a neutral brand set for empty text.
    With nothing to go on, the safest colours are those of palettes many people
    liked that are most like the rest (`nice_palettes`, most central first): the
    text's hash picks where to start among the most central few, and each
    palette takes the next one, so the set covers more than one loved palette.
    """
    if reading.anchors:
        allowed = tuple(
            anchor for anchor in reading.anchors if not _avoided(anchor, reading.avoided)
        )
        return [allowed or reading.anchors], reading.tone
    if reading.empty:
        known = load_lexicon().themes
        by_name = {anchor.name: anchor for entry in known.values() for anchor in entry.anchors}
        return [tuple(by_name[name] for name in NEUTRAL_ANCHORS)], _NEUTRAL_TONE
    loved = nice_palettes()[:_CENTRAL_PALETTES]
    start = int.from_bytes(seed[:4], "big")
    return [
        tuple(_around(color) for color in loved[(start + step) % len(loved)])
        for step in range(len(loved))
    ], reading.tone


def _around(color: str) -> Anchor:
    """A small anchor around one colour of a loved palette, named by its hex."""
    lightness, chroma, hue = (float(v) for v in hex_to_oklch([color])[0])
    return Anchor(
        color,
        ((hue - 3) % 360, (hue + 3) % 360),
        (max(0.0, lightness - 0.02), min(1.0, lightness + 0.02)),
        (chroma * 0.95, chroma * 1.05),
    )


def _avoided(anchor: Anchor, avoided: tuple[Anchor, ...]) -> bool:
    """Whether a colourful anchor's central hue lies in a hue the text said to avoid."""
    _, chroma, hue = pick(anchor, (0.5, 0.5, 0.5))
    return chroma > AVOID_MIN_CHROMA and any(a.covers_hue(hue, AVOID_MARGIN) for a in avoided)


def _fractions(seed: bytes, index: int, draw: int) -> tuple[float, float, float]:
    digest = hashlib.sha256(seed + index.to_bytes(2, "big") + draw.to_bytes(2, "big")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in (0, 4, 8))


def theme_base(
    anchors: tuple[Anchor, ...],
    lead: Anchor,
    seed: bytes,
    index: int,
    attempt: int,
    reading: ThemeReading,
    *,
    later_round: bool,
) -> Base:
    """The theme's colours for one attempt, each a point inside its anchor, lead anchor first."""
    ordered = _unlike_first(lead, anchors)
    colors = []
    for rank, anchor in enumerate(ordered):
        lightness, chroma, hue = pick(anchor, _fractions(seed, index, attempt * 8 + rank))
        side = 1 if index % 2 else -1
        if rank == 0 and attempt >= _HUE_TURN_FROM:
            hue += _HUE_TURN * (attempt - _HUE_TURN_FROM + 1) ** 2 * side
            chroma = max(chroma, _TURNED_CHROMA)  # a grey lead has no hue to turn
        if rank == 0 and later_round:  # a second round of schemes: lighter or darker
            lightness = min(0.92, max(0.3, lightness + _ROUND_LIGHTNESS * side))
        colors.append((lightness, chroma, clear_of(hue % 360, reading.avoided)))
    return Base(tuple(colors))


def leads(anchors: tuple[Anchor, ...]) -> list[Anchor]:
    """The anchors palettes take turns to lead with: the theme's first few unlike colours,
    leaving out pale neutrals (cream, ivory) when it has colours with more to say."""
    unlike = _unlike_first(anchors[0], anchors)
    telling = [anchor for anchor in unlike if not _pale_neutral(pick(anchor, _CENTRE))]
    return (telling or unlike)[:_LEADS]


def _pale_neutral(lch: tuple[float, float, float]) -> bool:
    lightness, chroma, _ = lch
    return lightness >= _PALE and chroma < _NEUTRAL_CHROMA


def _unlike_first(lead: Anchor, anchors: tuple[Anchor, ...]) -> list[Anchor]:
    """The lead, then the theme's anchors in order with each new colour family first.

    A palette shows the lead and the next two as themselves, so "pine forest
    cabin" should bring the cabin's brown before a second green.
    """
    family = {anchor: color_family(oklch_to_hex(*pick(anchor, _CENTRE))) for anchor in anchors}
    ordered, seen = [lead], {family[lead]}
    for anchor in anchors:
        if family[anchor] not in seen:
            ordered.append(anchor)
            seen.add(family[anchor])
    return ordered + [anchor for anchor in anchors if anchor not in ordered]
