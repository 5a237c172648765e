"""Palette generators behind one protocol, looked up by name.

The flow, the CLI and ConceptService only ever see `get_generator(name)` and
`await generator.generate(theme, logo, n)`, so providers can be added without
touching them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from paletteflow.errors import InputError
from paletteflow.models import MAX_PALETTES, Palette
from paletteflow.palettes.offline import OfflineGenerator


@runtime_checkable
class PaletteGenerator(Protocol):
    async def generate(self, theme: str, logo: str, n: int) -> list[Palette]: ...


GENERATORS: dict[str, Callable[[], PaletteGenerator]] = {"offline": OfflineGenerator}


def get_generator(name: str) -> PaletteGenerator:
    try:
        factory = GENERATORS[name]
    except KeyError:
        known = ", ".join(sorted(GENERATORS))
        raise InputError(f"unknown palette generator {name!r}; known generators: {known}") from None
    return factory()


def check_palette_count(n: int) -> int:
    if not 1 <= n <= MAX_PALETTES:
        raise InputError(
            f"n = {n} is outside 1..{MAX_PALETTES}; ask for 1 to {MAX_PALETTES} palettes"
        )
    return n


__all__ = ["GENERATORS", "PaletteGenerator", "check_palette_count", "get_generator"]
