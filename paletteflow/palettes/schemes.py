"""Harmony schemes in OkLCh: where each role's colour should sit before the rules are applied.

A palette is built around the theme's own colours. The fills (secondary,
accent, highlight) show the theme's signature colours as themselves wherever
the scheme has room for them, and the scheme's harmony (a complement, a
neighbouring hue, a lighter or darker tone) only fills the places the theme
leaves open. The contrast rule is carried by the ink (primary) against the
ground, a dark or light tone of the lead hue, so a light signature colour
(lemon, blush) never has to be darkened away to be read. Grounds vary: a pale
tint, white, a deep shade, or the signature colour itself when it is light or
dark enough to be one.

The white-ground scheme comes first: it shows the theme's three leading
colours side by side, the palette most like what the words ask for. The
offline designer puts the lightness and chroma profiles (`profiles`) after
the monochromatic scheme, and the other schemes join as N grows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import numpy as np

from paletteflow.color import gamut_chroma
from paletteflow.palettes.lexicon import Anchor, Tone
from paletteflow.palettes.quality import AVOID_MARGIN, MIN_CONTRAST, Intent

Ground = Literal["tint", "white", "dark", "signature"]
LCh = tuple[float, float, float]

WHITE = "#ffffff"
AAA_CONTRAST = 7.0
# A signature colour at least this light (or at most the dark one) can be the ground itself.
LIGHT_GROUND = 0.8
DARK_GROUND = 0.42
# Grounds and inks no further apart than contrast needs: palettes people love rarely span
# from near-black to near-white (see docs/palettes.md); fit_roles moves the ink if it must.
LIGHT_TINT = (0.88, 0.07)
DARK_TINT = (0.3, 0.07)
DARK_INK = 0.56
LIGHT_INK = 0.8
# A fill turned this far from the lead is the scheme's harmony hue, and gets this chroma.
HARMONY_TURN = 90.0
HARMONY_CHROMA = 0.1
HARMONY_LIGHTNESS = (0.45, 0.75)
HARMONY_MUTING = 0.5  # the least a mood may scale a harmony colour's chroma
COMPLEMENT = 180.0
# Hues within this many degrees of the lead are its neighbours (an analogous scheme). A theme
# colour from further round the wheel keeps its hue at this share of its chroma, though never
# below the chroma at which it still reads as its own hue (a brown stays brown, not grey; a deep
# profile's cabin brown went grey without this floor):
# people rate themes of few, neighbouring hues higher (O'Donovan, Agarwala & Hertzmann 2011),
# and two hues far apart, both at full strength, clash.
ANALOGOUS_SPAN = 60.0
FAR_HUE_MUTING = 0.5
HUE_KEPT_CHROMA = 0.06
# At the edge of the gamut a colour is as saturated as a screen can make it (a neon cyan, a
# fluorescent green); several such side by side glare, and people rate palettes of moderate
# saturation higher (O'Donovan, Agarwala & Hertzmann 2011). Designs that already carry their
# contrast in hue or lightness (complementary, high-contrast, the deep profile) keep their
# colours to this share of the chroma sRGB holds at their lightness and hue.
GAMUT_EDGE = 0.6


@dataclass(frozen=True)
class Fill:
    """Where a fill comes from: the theme's `source`-th colour as itself, else the lead hue moved.

    Without a `source` (or when the theme has fewer colours) the fill is the
    lead colour turned by `offset` degrees and made `lighter` (negative: darker).
    """

    source: int | None
    offset: float = 0.0
    lighter: float = 0.0


@dataclass(frozen=True)
class Scheme:
    name: str
    clause: str  # how the description explains the scheme
    nouns: tuple[str, ...]  # second words for palette names
    ground: Ground
    fills: tuple[Fill, Fill, Fill]  # secondary, accent, highlight
    one_hue: bool = False
    min_contrast: float = MIN_CONTRAST
    tint: float = 1.0  # chroma scale: soft variants, and complementary, whose hues contrast enough
    lift: float = 0.0  # lightness shift of the fills the scheme derives (theme colours keep theirs)
    edge: float | None = None  # the most of the gamut's chroma a fill may take (`GAMUT_EDGE`)


SCHEMES = (
    Scheme("white-ground", "on a white ground", ("Paper", "Linen", "Morning"), "white",
           (Fill(0), Fill(1, -30), Fill(2, 40, 0.15))),
    Scheme("monochromatic", "in lightnesses of one hue", ("Mist", "Veil", "Haze"), "tint",
           (Fill(0), Fill(None, 0, -0.2), Fill(None, 0, 0.2)), one_hue=True, lift=0.15),
    Scheme("complementary", "with the opposite hue as its accent", ("Spark", "Flare", "Glow"),
           "tint", (Fill(0), Fill(None, 180), Fill(1, 25, 0.15)), tint=0.85, edge=GAMUT_EDGE),
    Scheme("high-contrast", "on a dark ground at AAA contrast", ("Night", "Nocturne", "Noir"),
           "dark", (Fill(0), Fill(1, 30), Fill(2, -30, -0.1)), min_contrast=AAA_CONTRAST, lift=-0.15,
           edge=GAMUT_EDGE),
    Scheme("analogous", "with neighbouring hues", ("Drift", "Breeze", "Current"), "signature",
           (Fill(1, 30), Fill(None, -35), Fill(2, 60, 0.15))),
    Scheme("triadic", "with hues a third of the wheel apart", ("Prism", "Carnival", "Mosaic"),
           "tint", (Fill(0), Fill(None, 120), Fill(1, 240, 0.1))),
    Scheme("split-complementary", "with the two hues beside its complement, on a dark ground",
           ("Dusk", "Twilight", "Tide"), "dark", (Fill(0), Fill(None, 150), Fill(1, 210))),
    Scheme("tetradic", "with four hues a quarter turn apart", ("Quartet", "Compass", "Atlas"),
           "tint", (Fill(0), Fill(1, 90), Fill(None, 180, 0.1))),
    Scheme("tonal", "in tones of one hue on a dark ground", ("Velvet", "Smoke", "Shadow"), "dark",
           (Fill(0), Fill(None, 0, -0.15), Fill(None, 0, 0.15)), one_hue=True),
    Scheme("soft analogous", "in soft neighbouring tints", ("Bloom", "Petal", "Cloud"), "signature",
           (Fill(1, 40), Fill(None, -25, 0.1), Fill(2, 25, 0.15)), tint=0.6),
)  # fmt: skip


@dataclass(frozen=True)
class Base:
    """The theme's colours for one palette: the lead colour first, then the others in order."""

    colors: tuple[LCh, ...]

    @property
    def lead(self) -> LCh:
        return self.colors[0]


def pick(anchor: Anchor, fractions: tuple[float, float, float]) -> LCh:
    """A point inside an anchor's region: hue, lightness and chroma each `fraction` of the way across."""
    hue_f, lightness_f, chroma_f = fractions
    low_l, high_l = anchor.lightness
    low_c, high_c = anchor.chroma
    return (
        low_l + (high_l - low_l) * lightness_f,
        low_c + (high_c - low_c) * chroma_f,
        anchor.hue_at(hue_f),
    )


def ground_kind(scheme: Scheme, lead: LCh, dark_mood: bool) -> Ground:
    """The scheme's ground for this lead colour: a signature ground needs a light or dark lead."""
    if scheme.ground == "signature":
        if lead[0] >= LIGHT_GROUND or lead[0] <= DARK_GROUND:
            return "signature"
        return "dark" if dark_mood else "tint"
    return "dark" if dark_mood and scheme.ground == "tint" else scheme.ground


def role_intents(
    scheme: Scheme, base: Base, tone: Tone, dark_mood: bool, avoided: tuple[Anchor, ...]
) -> dict[str, Intent]:
    """Where each role's colour should sit for this scheme, before the rules move anything."""
    lightness, chroma, hue = base.lead
    ground = ground_kind(scheme, base.lead, dark_mood)
    dark = ground == "dark" or (ground == "signature" and lightness <= DARK_GROUND)
    scale = tone.chroma * scheme.tint
    # The theme colour shown as the ink or the ground itself; the fills show the others.
    deep = base.lead if ground == "signature" and dark else _deep_color(scheme, base)
    pale = _pale_color(scheme, base) if ground == "tint" and not dark else None
    own = tuple(color for color in base.colors if color not in (deep, pale))
    if ground == "white":
        background = Intent.of_hex(WHITE, hue_free=False)
    elif ground == "signature":
        background = Intent(lightness, chroma, hue, hue_free=False)
    elif dark and deep:
        background = Intent(*deep, hue_free=False)  # the theme's own deep colour as the ground
    elif pale:
        background = Intent(*pale, hue_free=False)  # the theme's own pale colour as the ground
    else:
        background = Intent(*(DARK_TINT if dark else LIGHT_TINT), hue, hue_free=False)
    ink_hue = base.colors[1][2] if scheme.ground == "white" and len(base.colors) > 1 else hue
    ink_chroma = min(chroma, 0.12) * scale
    if dark:
        primary = Intent(LIGHT_INK, min(ink_chroma * 0.4, 0.05), ink_hue)
    elif deep:
        primary = Intent(*deep)  # the theme's own deep colour as the ink
    else:
        primary = Intent(DARK_INK + tone.lightness / 3, ink_chroma, ink_hue)
    fills = [
        _fill(
            fill,
            own,
            base.lead,
            tone.lightness,
            scheme.lift,
            scale,
            fixed_hue=scheme.one_hue,
            avoided=avoided,
        )
        for fill in scheme.fills
    ]
    if scheme.edge is not None:
        fills = off_the_edge(fills, scheme.edge)
    secondary, accent, highlight = fills
    return {
        "primary": primary,
        "secondary": secondary,
        "accent": accent,
        "background": background,
        "highlight": highlight,
    }


def off_the_edge(intents: list[Intent], share: float) -> list[Intent]:
    """The intents with at most `share` of the chroma sRGB holds at their lightness and hue."""
    lightness = np.array([intent.lightness for intent in intents])
    room = share * gamut_chroma(lightness, np.array([intent.hue for intent in intents]))
    return [
        replace(intent, chroma=min(intent.chroma, float(most)))
        for intent, most in zip(intents, room, strict=True)
    ]


def _deep_color(scheme: Scheme, base: Base) -> LCh | None:
    """The theme colour dark enough to be the ink or the ground as itself, if there is one.

    One-hue schemes make their own tones of the lead. Complementary schemes
    are defined against the ink's hue, so only the lead itself may be their ink.
    """
    if scheme.one_hue:
        return None
    complementary = any(fill.offset == COMPLEMENT for fill in scheme.fills)
    candidates = base.colors[:1] if complementary else base.colors
    deepest = min(candidates, key=lambda color: color[0])
    return deepest if deepest[0] <= DARK_GROUND else None


def _pale_color(scheme: Scheme, base: Base) -> LCh | None:
    """The lightest of the theme's other colours, if it is light enough to be a ground as itself."""
    if scheme.one_hue:
        return None
    palest = max(base.colors[1:], key=lambda color: color[0], default=None)
    return palest if palest is not None and palest[0] >= LIGHT_GROUND else None


def clear_of(hue: float, avoided: tuple[Anchor, ...]) -> float:
    """The hue moved just past the nearer edge of any avoided hue range it falls in."""
    for _ in range(len(avoided)):
        zone = next((a for a in avoided if a.covers_hue(hue, AVOID_MARGIN)), None)
        if zone is None:
            break
        start, end = zone.hue
        before, after = (start - AVOID_MARGIN - 5) % 360, (end + AVOID_MARGIN + 5) % 360
        hue = before if (hue - before) % 360 < (after - hue) % 360 else after
    return hue


def hue_apart(first: float, second: float) -> float:
    """Degrees between two hues the short way round the wheel."""
    return abs((first - second + 180) % 360 - 180)


def held_back(chroma: float, hue: float, lead_hue: float) -> float:
    """A colour's chroma beside the lead: full among the lead's neighbours, muted further round."""
    if hue_apart(hue, lead_hue) <= ANALOGOUS_SPAN:
        return chroma
    return max(chroma * FAR_HUE_MUTING, min(chroma, HUE_KEPT_CHROMA))


@cache
def _cusp_lightness(hue: int) -> float:
    """The lightness at which sRGB holds the most chroma for this hue, to a fortieth."""
    levels = np.linspace(0.3, 0.95, 27)
    return float(levels[int(np.argmax(gamut_chroma(levels, np.full(len(levels), float(hue)))))])


def _fill(
    fill: Fill,
    own: tuple[LCh, ...],
    lead: LCh,
    shift: float,
    lift: float,
    scale: float,
    *,
    fixed_hue: bool,
    avoided: tuple[Anchor, ...],
) -> Intent:
    """The theme's `source`-th colour (of those not already the ink or ground), else the lead moved."""
    if fill.source is not None and fill.source < len(own):
        lightness, chroma, hue = own[fill.source]
        # A light theme colour is never shown darker: darkened, lemon turns olive and blush mauve;
        # a mid or deep one stays itself a shade deeper.
        deeper_ok = lift > 0 or lightness < LIGHT_GROUND
        chroma = held_back(chroma, hue, lead[2])
        moved = lightness + shift + (lift if deeper_ok else 0.0)
        return Intent(moved, _shaded(chroma, lightness, moved) * scale, hue)
    lightness, chroma, hue = lead
    chroma *= scale
    hue = (hue + fill.offset) % 360
    if abs(fill.offset) >= HARMONY_TURN:
        # Past the edge of a hue the text avoids, as the theme's colours are (`theme_base`):
        # left inside, fitting keeps clear of it with the nearest colour that has no hue (a
        # white or a grey) and the harmony is lost: purple's complement under "no chartreuse".
        # A neighbouring hue is not moved: past the avoided range it would be no neighbour.
        hue = clear_of(hue, avoided)
        # The harmony hue is an accent of moderate chroma: grey it would be no harmony at all,
        # at a vivid lead's full strength it clashes; a mood mutes it only so far.
        chroma = HARMONY_CHROMA * max(scale, HARMONY_MUTING)
        # At the lightness where its hue is most itself (a light yellow, a deep violet; the
        # natural order of hues), not the lead's: the complement of blue is olive at blue's.
        natural = _cusp_lightness(round(hue))
        lightness = min(max(natural, HARMONY_LIGHTNESS[0]), HARMONY_LIGHTNESS[1])
    moved = min(0.95, max(0.2, lightness + fill.lighter + shift + lift))
    if abs(fill.offset) < HARMONY_TURN:
        chroma = _shaded(chroma, lightness, moved)
    return Intent(moved, chroma, hue, hue_free=not fixed_hue)


def _shaded(chroma: float, lightness: float, moved: float) -> float:
    """A colour made darker as a painter shades it, with black: chroma falls with lightness.

    Kept at its chroma, a darkened colour grows more saturated than the colour
    it stands for (a deep violet turns electric); never below the chroma at which it
    still reads as its hue, so a darker brown stays brown.
    """
    if moved < lightness:
        return max(chroma * moved / max(lightness, 1e-6), min(chroma, HUE_KEPT_CHROMA))
    return chroma
