"""What every LLM provider does around its one request: ask, ask once more, fill up, add image palettes.

A provider only has to turn a PaletteRequest into palette items (`ask`); this
module validates and repairs them, asks once more when too few were usable,
and then, if the user allowed it, fills up from the offline designer and marks
those palettes' source, so a run never silently mixes the two.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import httpx

from paletteflow.errors import PaletteGenerationError
from paletteflow.models import GeneratorSettings, Palette
from paletteflow.palettes.image_seeded import image_palette_count, with_image_palettes
from paletteflow.palettes.locks import assign_roles
from paletteflow.palettes.offline import design_palettes
from paletteflow.palettes.providers.answers import UnusableAnswer, accept
from paletteflow.palettes.providers.http import ProviderHTTP, resolve_key, timeouts
from paletteflow.palettes.providers.prompt import PaletteRequest
from paletteflow.palettes.quality import NEAR_DUPLICATE, distance_to_nearest

logger = logging.getLogger(__name__)

FALLBACK_SOURCE = "offline-fallback"
_ASKS = 2


class ProviderGenerator(ABC):
    """Set-up every provider shares: where to call and with which key, then `generate_with`.

    Subclasses name the provider, its URL and key environment variables, how the
    key travels (`auth_headers`), and implement `ask`.
    """

    name: str
    url_variable: str
    default_url: str
    key_variables: tuple[str, ...]

    def __init__(self, settings: GeneratorSettings, api_key: str | None = None) -> None:
        self.settings = settings
        configured = settings.base_url or os.environ.get(self.url_variable) or self.default_url
        self.base_url = configured.rstrip("/")
        key = resolve_key(api_key, self.key_variables)
        self.has_key = key is not None
        self.http = ProviderHTTP(self.name, settings, self.auth_headers(key) if key else {}, key)

    @abstractmethod
    def auth_headers(self, key: str) -> dict[str, str]:
        """The headers that carry the API key, in the provider's own scheme."""

    @abstractmethod
    async def ask(self, client: httpx.AsyncClient, request: PaletteRequest) -> list[Any]:
        """The palette items of one answer; UnusableAnswer when it holds none."""

    async def generate(
        self, theme: str, logo: str, n: int, *, image_colors: Sequence[str] = ()
    ) -> list[Palette]:
        return await generate_with(self, theme, logo, n, image_colors)


async def generate_with(
    provider: ProviderGenerator, theme: str, logo: str, n: int, image_colors: Sequence[str]
) -> list[Palette]:
    settings = provider.settings
    locked = assign_roles(settings.parsed_locks())
    from_image = image_palette_count(settings.image_palettes, n, bool(image_colors))
    wanted = n - from_image
    palettes: list[Palette] = []
    problem = "too few usable palettes"
    async with httpx.AsyncClient(timeout=timeouts(settings)) as client:
        for _ in range(_ASKS):
            needed = wanted - len(palettes)
            if needed <= 0:
                break
            request = PaletteRequest(theme, logo, needed, locked, [p.name for p in palettes])
            try:
                items = await provider.ask(client, request)
            except UnusableAnswer as error:
                problem = str(error)
                logger.warning("%s: %s", provider.name, problem)
                continue
            palettes += accept(items, locked, provider.name, palettes)[:needed]
    if len(palettes) < wanted:
        if not settings.fallback:
            raise PaletteGenerationError(
                f"{provider.name} gave {len(palettes)} usable palettes of {wanted} after {_ASKS} asks "
                f"({problem}); retry, or allow fallback to the offline designer"
            )
        logger.warning(
            "%s gave %d usable palettes of %d (%s); filling up from the offline designer",
            provider.name, len(palettes), wanted, problem,
        )  # fmt: skip
        palettes += _fallback(theme, logo, wanted - len(palettes), locked, palettes)
    return with_image_palettes(
        palettes, image_colors, requested=settings.image_palettes, n=n, locked=locked
    )


def _fallback(
    theme: str, logo: str, count: int, locked: dict[str, str], taken: list[Palette]
) -> list[Palette]:
    """Offline palettes unlike the provider's, marked as fallback."""
    chosen: list[Palette] = []
    names = {palette.name for palette in taken}
    for palette in design_palettes(theme, logo, min(20, len(taken) + count * 2), locked):
        if len(chosen) == count:
            break
        others = [p.roles for p in (*taken, *chosen)]
        if (
            palette.name not in names
            and distance_to_nearest(palette.roles, others) >= NEAR_DUPLICATE
        ):
            chosen.append(palette.model_copy(update={"source": FALLBACK_SOURCE}))
    return chosen
