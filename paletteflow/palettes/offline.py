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

from paletteflow.models import GeneratorSettings, Lock, Palette
from paletteflow.palettes.image_seeded import image_palette_count, image_palettes
from paletteflow.palettes.lexicon import Anchor, ThemeReading, Tone, load_lexicon, read_theme
from paletteflow.palettes.locks import assign_roles
from paletteflow.palettes.naming import (
    describe,
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
_NEUTRAL_ANCHORS = ("navy", "slate", "denim", "charcoal", "steel")
_NEUTRAL_TONE = Tone(chroma=0.8)
_ATTEMPTS = 8


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
    """Load the lexicon and colour names now, so the first palettes come as fast as later ones."""
    load_lexicon()
    nearest_colour_name("#808080")


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
    anchors, tone = _anchors_and_tone(reading, seed)
    palettes: list[Palette] = []
    used: set[str] = set()
    for index in range(n):
        scheme = SCHEMES[index % len(SCHEMES)]
        fit = _fit_unlike_previous(index, scheme, anchors, tone, reading, locked, seed, palettes)
        name = palette_name(
            _prefixes(index, reading, fit.roles["primary"]), _nouns(index, scheme), used
        )
        used.add(name)
        palettes.append(
            Palette(
                name=name,
                colors=list(fit.roles.values()),
                roles=fit.roles,
                description=_description(scheme, fit.roles["primary"], reading, locked),
                source=SOURCE,
                checks=check_roles(fit.roles),
            )
        )
    return palettes


def _anchors_and_tone(reading: ThemeReading, seed: bytes) -> tuple[tuple[Anchor, ...], Tone]:
    """The theme's anchors; a neutral brand set for empty text; hues from the words when none matched."""
    if reading.anchors:
        allowed = tuple(
            anchor for anchor in reading.anchors if not _avoided(anchor, reading.avoided)
        )
        return allowed or reading.anchors, reading.tone
    if reading.empty:
        known = load_lexicon().themes
        by_name = {anchor.name: anchor for entry in known.values() for anchor in entry.anchors}
        return tuple(by_name[name] for name in _NEUTRAL_ANCHORS), _NEUTRAL_TONE
    hue = int.from_bytes(seed[:2], "big") % 360
    return (
        Anchor("text", (hue, hue + 25), (0.42, 0.55), (0.10, 0.15)),
        Anchor("text", (hue + 137, hue + 162), (0.45, 0.6), (0.08, 0.13)),
    ), reading.tone


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


def _fractions(seed: bytes, index: int, attempt: int) -> tuple[float, float, float]:
    digest = hashlib.sha256(seed + bytes([index, attempt])).digest()
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
) -> Fit:
    """Fit the scheme, varying anchor, ground, hue and chroma while the result looks like an earlier one.

    Later attempts stray further from the theme, so they only run when the
    closer ones came out too like a palette already made; if every attempt
    does, the one least like the others among those meeting the rules is kept.
    """
    best: tuple[bool, float, Fit] | None = None
    for attempt in range(_ATTEMPTS):
        anchor = anchors[(index + attempt) % len(anchors)]
        lightness, chroma, hue = pick(anchor, _fractions(seed, index, attempt))
        cycle = index // len(SCHEMES) + attempt
        if cycle >= 1:
            hue = (hue + 47.0 * cycle) % 360
        if attempt >= 3:
            chroma = max(chroma, 0.1)
        if attempt >= 4:
            hue = (hue + 137.5 * (attempt - 3)) % 360
        hue = _clear_of(hue, reading.avoided)
        # The last attempts drop the mood's chroma and lightness shifts: pastel themes
        # otherwise leave too little room between palettes.
        mood = tone if attempt < 5 else Tone(dark_ground=tone.dark_ground)
        partner = anchors[(index + attempt + 1) % len(anchors)] if len(anchors) > 1 else None
        dark = tone.dark_ground != (attempt >= 2 and attempt % 2 == 0)
        intents = role_intents(scheme, Base(lightness, chroma, hue, partner), mood, dark)
        fit = fit_roles(intents, locked, min_contrast=scheme.min_contrast, avoid=reading.avoided)
        if scheme.min_contrast > MIN_CONTRAST and not all(check_roles(fit.roles).values()):
            fit = fit_roles(intents, locked, avoid=reading.avoided)
        passes = all(check_roles(fit.roles).values())
        distance = distance_to_nearest(fit.roles, [p.roles for p in previous])
        if best is None or (passes, distance) > best[:2]:
            best = (passes, distance, fit)
        if passes and distance >= VARIETY_TARGET:
            break
    assert best is not None
    return best[2]


def _prefixes(index: int, reading: ThemeReading, primary: str) -> list[str]:
    """Name openers in order: a theme phrase on even palettes, the primary's colour name on odd."""
    colour_name = nearest_colour_name(primary)
    phrases = [theme_prefix(p) for p in reading.understood]
    if not phrases:
        return [colour_name]
    rotated = phrases[index // 2 % len(phrases) :] + phrases[: index // 2 % len(phrases)]
    return [*rotated, colour_name] if index % 2 == 0 else [colour_name, *rotated]


def _nouns(index: int, scheme: Scheme) -> tuple[str, ...]:
    shift = index // len(SCHEMES) % len(scheme.nouns)
    return scheme.nouns[shift:] + scheme.nouns[:shift]


def _description(
    scheme: Scheme, primary: str, reading: ThemeReading, locked: Mapping[str, str]
) -> str:
    if reading.understood:
        relation = f"drawn from {join_words(reading.understood[:4])}"
        if reading.unknown:
            count = len(reading.unknown)
            relation += f" ({count} other word{'s' if count > 1 else ''} not recognised)"
    elif reading.empty:
        relation = "as a neutral brand set, since no theme or logo text was given"
    else:
        relation = (
            "with hues taken from the text itself, as none of its words matched the colour lexicon"
        )
    extras = [f"avoiding {join_words(reading.negated)}"] if reading.negated else []
    extras += [f"keeping the locked {colour} as {role}" for role, colour in locked.items()]
    return describe(scheme.name, scheme.clause, primary, relation, extras)
