"""A deterministic palette designer that needs no network and no key.

The theme and logo text are read (`lexicon.read_theme`); each palette takes
the theme's colours for its turn (`theme_colors`) and one harmony scheme
(`schemes`) places them in roles, and `quality.fit_roles` moves colours only as
far as the rules need. The same text, n, locks and image colours always give the
same palettes: every choice comes from a hash of the text, never from a clock
or a random generator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paletteflow.color import oklch_to_hex
from paletteflow.models import GeneratorSettings, Lock, Palette
from paletteflow.palettes.image_seeded import image_palette_count, with_image_palettes
from paletteflow.palettes.lexicon import (
    MAX_TEXT_CHARS,
    Anchor,
    ThemeReading,
    Tone,
    known_word_vectors,
    load_lexicon,
    read_theme,
)
from paletteflow.palettes.locks import assign_roles
from paletteflow.palettes.naming import (
    describe,
    designer_order,
    join_words,
    nearest_color_name,
    palette_name,
    theme_prefix,
)
from paletteflow.palettes.profiles import PROFILES, Profile, profile_intents, profile_shape
from paletteflow.palettes.quality import (
    MIN_CONTRAST,
    NEAR_DUPLICATE,
    VARIETY_TARGET,
    Fit,
    Intent,
    check_roles,
    distance_to_nearest,
    fit_roles,
)
from paletteflow.palettes.schemes import SCHEMES, Base, Scheme, role_intents
from paletteflow.palettes.theme_colors import color_sources, leads, theme_base

SOURCE = "offline"
_ATTEMPTS = 8

Design = Scheme | Profile
# White ground and one hue first, then the lightness and chroma profiles people vary their
# palettes by (pastel, deep, vivid), then the remaining harmonies as N grows.
DESIGNS: tuple[Design, ...] = (*SCHEMES[:2], *PROFILES, *SCHEMES[2:])


class OfflineGenerator:
    """Palettes from text alone: the same inputs always give the same palettes."""

    def __init__(self, settings: GeneratorSettings | None = None) -> None:
        self.settings = settings or GeneratorSettings()

    async def generate(
        self, theme: str, logo: str, n: int, *, image_colors: Sequence[str] = ()
    ) -> list[Palette]:
        return generate_offline(
            theme,
            logo,
            n,
            locks=self.settings.parsed_locks(),
            image_colors=image_colors,
            image_palettes_wanted=self.settings.image_palettes,
        )


def warm_up() -> None:
    """Load the lexicon, colour names, word vectors and profiles now, so first palettes come as fast as later ones."""
    load_lexicon()
    nearest_color_name("#808080")
    known_word_vectors()
    for profile in PROFILES:
        profile_shape(profile)


def generate_offline(
    theme: str,
    logo: str,
    n: int,
    *,
    locks: Sequence[Lock] = (),
    image_colors: Sequence[str] = (),
    image_palettes_wanted: int = 1,
) -> list[Palette]:
    """N palettes for the text; with image colours, the last ones stay close to the logo's own."""
    locked = assign_roles(locks)
    from_image = image_palette_count(image_palettes_wanted, n, bool(image_colors))
    palettes = design_palettes(theme, logo, n - from_image, locked)
    return with_image_palettes(
        palettes, image_colors, requested=image_palettes_wanted, n=n, locked=locked
    )


def design_palettes(theme: str, logo: str, n: int, locked: Mapping[str, str]) -> list[Palette]:
    reading = read_theme(theme, logo)
    seed = hashlib.sha256(f"{theme}\x00{logo}".encode()).digest()
    sources, tone = color_sources(reading, seed)
    palettes: list[Palette] = []
    used: set[str] = set()
    brief = _Brief(reading, tone, locked, seed)
    for index in range(n):
        anchors = sources[index % len(sources)]
        scheme, fit, lead = _design_unlike_previous(index, anchors, brief, palettes)
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


@dataclass(frozen=True)
class _Brief:
    """What every palette of one call is made from: the text as read, its tone, locks, seed."""

    reading: ThemeReading
    tone: Tone
    locked: Mapping[str, str]
    seed: bytes


def _design_unlike_previous(
    index: int, anchors: tuple[Anchor, ...], brief: _Brief, previous: list[Palette]
) -> tuple[Design, Fit, str]:
    """The design this place in the order asks for; should every attempt at it still look like a
    palette already made (crowded themes, many palettes), the next designs in turn, so that no two
    palettes are near-duplicates."""
    start = index % len(DESIGNS)
    best: tuple[float, Design, Fit, str] | None = None
    for scheme in (*DESIGNS[start:], *DESIGNS[:start]):
        fit, lead, distance = _fit_unlike_previous(index, scheme, anchors, brief, previous)
        if distance >= NEAR_DUPLICATE and all(check_roles(fit.roles).values()):
            return scheme, fit, lead
        if best is None or distance > best[0]:
            best = (distance, scheme, fit, lead)
    assert best is not None
    return best[1:]


def _fit_unlike_previous(
    index: int,
    scheme: Design,
    anchors: tuple[Anchor, ...],
    brief: _Brief,
    previous: list[Palette],
) -> tuple[Fit, str, float]:
    """Fit the scheme, varying lead colour, ground and tones while the result looks like an earlier one.

    Attempts stay with the theme's colours: later ones take another lead
    anchor, another point inside each anchor and the other kind of ground, and
    only the last ones turn the lead hue, further each time. If every attempt looks
    like a palette already made, the one least like the others among those
    meeting the rules is kept.
    """
    reading, tone, locked, seed = brief.reading, brief.tone, brief.locked, brief.seed
    best: tuple[bool, float, Fit, str] | None = None
    turns = leads(anchors)
    for attempt in range(_ATTEMPTS):
        turn = (
            index // len(DESIGNS) + attempt
            if scheme.one_hue or isinstance(scheme, Profile)
            else index + attempt
        )
        lead = turns[turn % len(turns)]
        base = theme_base(
            anchors, lead, seed, index, attempt, reading, later_round=index >= len(DESIGNS)
        )
        # The last attempts drop the mood's chroma and lightness shifts: pastel themes
        # otherwise leave too little room between palettes.
        mood = tone if attempt < 5 else Tone(dark_ground=tone.dark_ground)
        dark = tone.dark_ground != (attempt >= 2 and attempt % 2 == 0)
        intents = _intents(scheme, base, mood, dark, reading.avoided)
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
    return best[2], best[3], best[1]


def _intents(
    design: Design, base: Base, tone: Tone, dark: bool, avoided: tuple[Anchor, ...]
) -> dict[str, Intent]:
    """A profile sets its own ground; a harmony scheme takes the attempt's light or dark one.

    A profile shows only the theme's hues, already clear of avoided ones; a scheme's harmony
    hues are turned from the lead, so the scheme keeps them clear itself.
    """
    if isinstance(design, Profile):
        return profile_intents(design, base, tone)
    return role_intents(design, base, tone, dark, avoided)


def _prefixes(index: int, reading: ThemeReading, lead: str) -> list[str]:
    """Name openers in order: a theme phrase on even palettes, the lead colour's name on odd."""
    color_name = nearest_color_name(lead)
    phrases = [theme_prefix(p) for p in reading.understood]
    if not phrases:
        return [color_name]
    rotated = phrases[index // 2 % len(phrases) :] + phrases[: index // 2 % len(phrases)]
    return [*rotated, color_name] if index % 2 == 0 else [color_name, *rotated]


def _nouns(index: int, scheme: Design) -> tuple[str, ...]:
    shift = index // len(DESIGNS) % len(scheme.nouns)
    return scheme.nouns[shift:] + scheme.nouns[:shift]


def _description(
    scheme: Design, lead: str, reading: ThemeReading, locked: Mapping[str, str]
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
    extras += [f"keeping the locked {color} as {role}" for role, color in locked.items()]
    if reading.truncated:
        extras.append(f"reading only the first {MAX_TEXT_CHARS} characters of the text")
    return describe(scheme.name, scheme.clause, lead, relation, extras)
