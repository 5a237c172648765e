"""Palette generators behind one protocol, looked up by name.

The flow, the CLI and ConceptService only ever see `get_generator(name, settings)`
and `await generator.generate(theme, logo, n)`, so providers can be added without
touching them. Generators also take `image_colours` (the base image's dominant
colours, most common first) when the caller has them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from paletteflow.errors import InputError
from paletteflow.models import MAX_PALETTES, GeneratorSettings, Palette
from paletteflow.palettes.offline import OfflineGenerator
from paletteflow.palettes.providers.jigsawstack import JigsawStackGenerator
from paletteflow.palettes.providers.openai import OpenAICompatibleGenerator


@runtime_checkable
class PaletteGenerator(Protocol):
    async def generate(
        self, theme: str, logo: str, n: int, *, image_colors: Sequence[str] = ()
    ) -> list[Palette]: ...


# name -> factory(settings, api_key); the key comes from a Prefect Secret block or stays None.
GENERATORS: dict[str, Callable[[GeneratorSettings, str | None], PaletteGenerator]] = {
    "offline": lambda settings, _key: OfflineGenerator(settings),
    "openai": OpenAICompatibleGenerator,
    "jigsawstack": JigsawStackGenerator,
}


LOCAL_GENERATORS = frozenset({"offline"})


def uses_network(name: str) -> bool:
    """Whether a generator calls a provider, and so takes a slot of the shared LLM limit."""
    return name not in LOCAL_GENERATORS


def get_generator(
    name: str, settings: GeneratorSettings | None = None, api_key: str | None = None
) -> PaletteGenerator:
    try:
        factory = GENERATORS[name]
    except KeyError:
        known = ", ".join(sorted(GENERATORS))
        raise InputError(f"unknown palette generator {name!r}; known generators: {known}") from None
    return factory(settings or GeneratorSettings(), api_key)


def check_palette_count(n: int) -> int:
    if not 1 <= n <= MAX_PALETTES:
        raise InputError(
            f"n = {n} is outside 1..{MAX_PALETTES}; ask for 1 to {MAX_PALETTES} palettes"
        )
    return n


__all__ = [
    "GENERATORS",
    "GeneratorSettings",
    "PaletteGenerator",
    "check_palette_count",
    "get_generator",
    "uses_network",
]
