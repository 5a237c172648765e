"""Themes and the colour families a person expects in their palettes: our own table, not PAT's.

Each expected family may name alternatives ("blue|teal": either will do). A
palette carries a family when any of its colours falls in it
(`naming.colour_family`); a theme's share is the share of its palettes that
carry every family it expects.
"""

from __future__ import annotations

from collections.abc import Callable

from paletteflow.palettes.naming import color_family

THEME_FAMILIES: dict[str, tuple[str, ...]] = {
    "pine forest cabin": ("green", "brown"),
    "lemonade stand": ("yellow",),
    "fire department emergency service": ("red",),
    "ocean surf school": ("blue|teal",),
    "lavender spa retreat": ("purple",),
    "chocolate bakery": ("brown",),
    "cherry blossom festival": ("pink",),
    "autumn harvest market": ("orange|red", "brown|yellow"),
    "mint ice cream parlour": ("green|teal",),
    "vineyard and winery": ("purple|red",),
    "desert canyon sunset": ("orange|red",),
    "arctic glacier expedition": ("blue|teal",),
    "coffee roastery": ("brown",),
    "tropical jungle tours": ("green",),
    "royal purple velvet": ("purple",),
    "sunflower field farm": ("yellow", "green|brown"),
    "strawberry dessert bar": ("red|pink",),
    "christmas market": ("red", "green"),
    "halloween party": ("orange", "black|purple"),
    "pumpkin spice latte": ("orange", "brown"),
    "denim jeans shop": ("blue",),
    "eco recycling startup": ("green",),
    "rose garden wedding": ("pink|red",),
    "gold jewellery boutique": ("yellow|orange|brown",),
    "blood moon": ("red",),
    "calm meditation app": ("blue|teal|green",),
    "angry punk band": ("red|black",),
    "navy law firm": ("blue",),
    "grape soda": ("purple",),
    "banana smoothie": ("yellow",),
}


def carries(colors: list[str], expected: tuple[str, ...]) -> bool:
    """Whether the colours show every expected family (any alternative of each)."""
    families = {color_family(color) for color in colors}
    return all(families & set(choice.split("|")) for choice in expected)


def family_shares(
    palettes_for: Callable[[str], list[list[str]]],
) -> dict[str, float]:
    """Per theme, the share of its palettes that carry every expected family."""
    shares = {}
    for theme, expected in THEME_FAMILIES.items():
        palettes = palettes_for(theme)
        shares[theme] = sum(carries(colors, expected) for colors in palettes) / len(palettes)
    return shares
