"""Palettes that start from the logo's own dominant colours, so a run keeps a close-to-original one.

The image's colours become the roles' intents (the most common chromatic
colour the primary, the most colourful of the rest the accent, a light or dark
one the background) and `fit_roles` moves them only as far as the rules need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from paletteflow.color import hex_to_oklch
from paletteflow.models import Palette
from paletteflow.palettes.naming import designer_order, nearest_color_name, palette_name
from paletteflow.palettes.quality import Intent, check_roles, fit_roles

SOURCE = "image"
_NOUNS = ("Heritage", "Signature", "Original")
_CHROMATIC = 0.03


def image_palette_count(requested: int, n: int, have_colors: bool = True) -> int:
    """How many of n palettes start from the logo: at most n - 1, so the text always leads."""
    return max(0, min(requested, n - 1)) if have_colors else 0


def with_image_palettes(
    palettes: list[Palette],
    colors: Sequence[str],
    *,
    requested: int,
    n: int,
    locked: Mapping[str, str],
) -> list[Palette]:
    """`palettes` (from the text), then as many seeded from the image as requested of n."""
    count = image_palette_count(requested, n, bool(colors))
    used = {palette.name for palette in palettes}
    return [*palettes, *image_palettes(colors, count, locked, used)]


def image_palettes(
    colors: Sequence[str], count: int, locked: Mapping[str, str], used: set[str]
) -> list[Palette]:
    """`count` palettes from the image's colours (most common first): light ground, then dark."""
    palettes = []
    for index in range(count):
        dark = index % 2 == 1
        fit = fit_roles(image_intents(colors, dark=dark), locked)
        name = palette_name([nearest_color_name(fit.roles["primary"])], _NOUNS, used)
        used.add(name)
        shown = ", ".join(colors[:4])
        ground = " on a dark ground" if dark else ""
        palettes.append(
            Palette(
                name=name,
                colors=designer_order(list(fit.roles.values())),
                roles=fit.roles,
                description=(
                    f"Close to the logo's own colours ({shown}){ground}, "
                    "harmonised and adjusted for contrast."
                ),
                source=SOURCE,
                checks=check_roles(fit.roles),
            )
        )
    return palettes


def image_intents(colors: Sequence[str], *, dark: bool) -> dict[str, Intent]:
    """Which image colour each role starts from; roles the image cannot fill get harmonised ones."""
    lch = {
        color: tuple(values)
        for color, values in zip(colors, hex_to_oklch(list(colors)), strict=True)
    }
    extreme = min(colors, key=lambda c: lch[c][0]) if dark else max(colors, key=lambda c: lch[c][0])
    ground_ok = lch[extreme][0] <= 0.3 if dark else lch[extreme][0] >= 0.85
    rest = [color for color in colors if not (ground_ok and color == extreme)]
    chromatic = [color for color in rest if lch[color][1] >= _CHROMATIC] or rest
    primary = chromatic[0]
    hue = lch[primary][2]
    others = [color for color in rest if color != primary]
    accent = max(others, key=lambda c: lch[c][1], default=None)
    remaining = [color for color in others if color != accent]
    intents = {
        "primary": Intent.of_hex(primary),
        "background": Intent.of_hex(extreme, hue_free=False)
        if ground_ok
        else Intent(0.19 if dark else 0.975, 0.025 if dark else 0.012, hue, hue_free=False),
        "accent": Intent.of_hex(accent) if accent else Intent(0.7, 0.12, (hue + 180) % 360),
        "secondary": Intent.of_hex(remaining[0])
        if remaining
        else Intent(0.62, 0.1, (hue + 30) % 360),
        "highlight": Intent.of_hex(remaining[1])
        if len(remaining) > 1
        else Intent(0.45 if dark else 0.9, 0.05, hue),
    }
    return intents
