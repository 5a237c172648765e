"""A deterministic palette designer that needs no network and no key.

The theme and logo text are read against the lexicon (`lexicon.read_theme`);
each palette takes one harmony scheme (`schemes`) around a colour picked inside
one of the theme's anchors, and `quality.fit_roles` moves colours only as far
as the rules need. The same text, n, locks and image colours always give the
same palettes: every choice comes from a hash of the text, never from a clock
or a random generator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from paletteflow.color import hex_to_oklch, oklch_to_hex
from paletteflow.models import GeneratorSettings, Lock, Palette
from paletteflow.palettes.image_seeded import image_palette_count, image_palettes
from paletteflow.palettes.lexicon import (
    MAX_TEXT_CHARS,
    Anchor,
    ThemeReading,
    Tone,
    known_word_vectors,
    load_lexicon,
    nice_palettes,
    read_theme,
)
from paletteflow.palettes.locks import assign_roles
from paletteflow.palettes.naming import (
    colour_family,
    describe,
    designer_order,
    join_words,
    nearest_colour_name,
    palette_name,
    theme_prefix,
)
from paletteflow.palettes.quality import (
    AVOID_MARGIN,
    AVOID_MIN_CHROMA,
    MIN_CONTRAST,
    VARIETY_TARGET,
    Fit,
    check_roles,
    distance_to_nearest,
    fit_roles,
)
from paletteflow.palettes.schemes import SCHEMES, Base, Scheme, pick, role_intents

SOURCE = "offline"
_NEUTRAL_ANCHORS = ("navy", "taupe", "slate", "sage", "charcoal")
_NEUTRAL_TONE = Tone(chroma=0.8)
_CENTRAL_PALETTES = 12
_ATTEMPTS = 8
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


class OfflineGenerator:
    """Palettes from text alone: the same inputs always give the same palettes."""

    def __init__(self, settings: GeneratorSettings | None = None) -> None:
        self.settings = settings or GeneratorSettings()

    async def generate(
        self, theme: str, logo: str, n: int, *, image_colours: Sequence[str] = ()
    ) -> list[Palette]:
        return generate_offline(
            theme,
            logo,
            n,
            locks=self.settings.parsed_locks(),
            image_colours=image_colours,
            image_palettes_wanted=self.settings.image_palettes,
        )


def warm_up() -> None:
    """Load the lexicon, colour names and word vectors now, so first palettes come as fast as later ones."""
    load_lexicon()
    nearest_colour_name("#808080")
    known_word_vectors()


def generate_offline(
    theme: str,
    logo: str,
    n: int,
    *,
    locks: Sequence[Lock] = (),
    image_colours: Sequence[str] = (),
    image_palettes_wanted: int = 1,
) -> list[Palette]:
    """N palettes for the text; with image colours, the last ones stay close to the logo's own."""
    locked = assign_roles(locks)
    from_image = image_palette_count(image_palettes_wanted, n, bool(image_colours))
    palettes = design_palettes(theme, logo, n - from_image, locked)
    used = {palette.name for palette in palettes}
    return palettes + image_palettes(image_colours, from_image, locked, used)


def design_palettes(theme: str, logo: str, n: int, locked: Mapping[str, str]) -> list[Palette]:
    reading = read_theme(theme, logo)
    seed = hashlib.sha256(f"{theme}\x00{logo}".encode()).digest()
    sources, tone = _anchors_and_tone(reading, seed)
    palettes: list[Palette] = []
    used: set[str] = set()
    for index in range(n):
        scheme = SCHEMES[index % len(SCHEMES)]
        anchors = sources[index % len(sources)]
        fit, lead = _fit_unlike_previous(
            index, scheme, anchors, tone, reading, locked, seed, palettes
        )
        name = palette_name(_prefixes(index, reading, lead), _nouns(index, scheme), used)
        used.add(name)
        palettes.append(
            Palette(
                name=name,
                colors=designer_order(list(fit.roles.values())),
                roles=fit.roles,
                description=_description(scheme, lead, reading, locked),
                source=SOURCE,
                checks=check_roles(fit.roles),
            )
        )
    return palettes


def _anchors_and_tone(reading: ThemeReading, seed: bytes) -> tuple[list[tuple[Anchor, ...]], Tone]:
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
        return [tuple(by_name[name] for name in _NEUTRAL_ANCHORS)], _NEUTRAL_TONE
    loved = nice_palettes()[:_CENTRAL_PALETTES]
    start = int.from_bytes(seed[:4], "big")
    return [
        tuple(_around(colour) for colour in loved[(start + step) % len(loved)])
        for step in range(len(loved))
    ], reading.tone


def _around(colour: str) -> Anchor:
    """A small anchor around one colour of a loved palette, named by its hex."""
    lightness, chroma, hue = (float(v) for v in hex_to_oklch([colour])[0])
    return Anchor(
        colour,
        ((hue - 3) % 360, (hue + 3) % 360),
        (max(0.0, lightness - 0.02), min(1.0, lightness + 0.02)),
        (chroma * 0.95, chroma * 1.05),
    )


def _avoided(anchor: Anchor, avoided: tuple[Anchor, ...]) -> bool:
    """Whether a colourful anchor's central hue lies in a hue the text said to avoid."""
    _, chroma, hue = pick(anchor, (0.5, 0.5, 0.5))
    return chroma > AVOID_MIN_CHROMA and any(a.covers_hue(hue, AVOID_MARGIN) for a in avoided)


def _clear_of(hue: float, avoided: tuple[Anchor, ...]) -> float:
    """The hue moved just past the nearer edge of any avoided hue range it falls in."""
    for _ in range(len(avoided)):
        zone = next((a for a in avoided if a.covers_hue(hue, AVOID_MARGIN)), None)
        if zone is None:
            break
        start, end = zone.hue
        before, after = (start - AVOID_MARGIN - 5) % 360, (end + AVOID_MARGIN + 5) % 360
        hue = before if (hue - before) % 360 < (after - hue) % 360 else after
    return hue


def _fractions(seed: bytes, index: int, draw: int) -> tuple[float, float, float]:
    digest = hashlib.sha256(seed + index.to_bytes(2, "big") + draw.to_bytes(2, "big")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in (0, 4, 8))


def _fit_unlike_previous(
    index: int,
    scheme: Scheme,
    anchors: tuple[Anchor, ...],
    tone: Tone,
    reading: ThemeReading,
    locked: Mapping[str, str],
    seed: bytes,
    previous: list[Palette],
) -> tuple[Fit, str]:
    """Fit the scheme, varying lead colour, ground and tones while the result looks like an earlier one.

    Attempts stay with the theme's colours: later ones take another lead
    anchor, another point inside each anchor and the other kind of ground, and
    only the last ones turn the lead hue, further each time. If every attempt looks
    like a palette already made, the one least like the others among those
    meeting the rules is kept.
    """
    best: tuple[bool, float, Fit, str] | None = None
    leads = _leads(anchors)
    for attempt in range(_ATTEMPTS):
        turn = index // len(SCHEMES) + attempt if scheme.one_hue else index + attempt
        lead = leads[turn % len(leads)]
        base = _base(anchors, lead, seed, index, attempt, reading)
        # The last attempts drop the mood's chroma and lightness shifts: pastel themes
        # otherwise leave too little room between palettes.
        mood = tone if attempt < 5 else Tone(dark_ground=tone.dark_ground)
        dark = tone.dark_ground != (attempt >= 2 and attempt % 2 == 0)
        intents = role_intents(scheme, base, mood, dark)
        fit = fit_roles(intents, locked, min_contrast=scheme.min_contrast, avoid=reading.avoided)
        if scheme.min_contrast > MIN_CONTRAST and not all(check_roles(fit.roles).values()):
            fit = fit_roles(intents, locked, avoid=reading.avoided)
        passes = all(check_roles(fit.roles).values())
        distance = distance_to_nearest(fit.roles, [p.roles for p in previous])
        if best is None or (passes, distance) > best[:2]:
            best = (passes, distance, fit, oklch_to_hex(*base.lead))
        if passes and distance >= VARIETY_TARGET:
            break
    assert best is not None
    return best[2], best[3]


def _base(
    anchors: tuple[Anchor, ...],
    lead: Anchor,
    seed: bytes,
    index: int,
    attempt: int,
    reading: ThemeReading,
) -> Base:
    """The theme's colours for one attempt, each a point inside its anchor, lead anchor first."""
    ordered = _unlike_first(lead, anchors)
    colours = []
    for rank, anchor in enumerate(ordered):
        lightness, chroma, hue = pick(anchor, _fractions(seed, index, attempt * 8 + rank))
        side = 1 if index % 2 else -1
        if rank == 0 and attempt >= _HUE_TURN_FROM:
            hue += _HUE_TURN * (attempt - _HUE_TURN_FROM + 1) ** 2 * side
            chroma = max(chroma, _TURNED_CHROMA)  # a grey lead has no hue to turn
        if rank == 0 and index >= len(SCHEMES):  # a second round of schemes: lighter or darker
            lightness = min(0.92, max(0.3, lightness + _ROUND_LIGHTNESS * side))
        colours.append((lightness, chroma, _clear_of(hue % 360, reading.avoided)))
    return Base(tuple(colours))


def _leads(anchors: tuple[Anchor, ...]) -> list[Anchor]:
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
    family = {anchor: colour_family(oklch_to_hex(*pick(anchor, _CENTRE))) for anchor in anchors}
    ordered, seen = [lead], {family[lead]}
    for anchor in anchors:
        if family[anchor] not in seen:
            ordered.append(anchor)
            seen.add(family[anchor])
    return ordered + [anchor for anchor in anchors if anchor not in ordered]


def _prefixes(index: int, reading: ThemeReading, lead: str) -> list[str]:
    """Name openers in order: a theme phrase on even palettes, the lead colour's name on odd."""
    colour_name = nearest_colour_name(lead)
    phrases = [theme_prefix(p) for p in reading.understood]
    if not phrases:
        return [colour_name]
    rotated = phrases[index // 2 % len(phrases) :] + phrases[: index // 2 % len(phrases)]
    return [*rotated, colour_name] if index % 2 == 0 else [colour_name, *rotated]


def _nouns(index: int, scheme: Scheme) -> tuple[str, ...]:
    shift = index // len(SCHEMES) % len(scheme.nouns)
    return scheme.nouns[shift:] + scheme.nouns[:shift]


def _description(
    scheme: Scheme, lead: str, reading: ThemeReading, locked: Mapping[str, str]
) -> str:
    if reading.understood:
        relation = f"drawn from {join_words(reading.understood[:4])}"
        notes = [f"{word} read as {phrase}" for word, phrase in reading.read_as[:3]]
        if reading.unknown:
            count = len(reading.unknown)
            notes.append(f"{count} other word{'s' if count > 1 else ''} not recognised")
        relation += f" ({'; '.join(notes)})" if notes else ""
    elif reading.empty:
        relation = "as a neutral brand set, since no theme or logo text was given"
    else:
        relation = "with colours from a well-liked palette, as none of its words matched the colour lexicon"
    extras = [f"avoiding {join_words(reading.negated)}"] if reading.negated else []
    extras += [f"keeping the locked {colour} as {role}" for role, colour in locked.items()]
    if reading.truncated:
        extras.append(f"reading only the first {MAX_TEXT_CHARS} characters of the text")
    return describe(scheme.name, scheme.clause, lead, relation, extras)
