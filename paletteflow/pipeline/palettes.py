"""Steps 2 and 3: the palettes the words give, then those seeded from the image's own colours.

The text palettes are the slow part (a provider call can take seconds), so a
run asks for them without waiting for the base image; the few image-seeded
palettes are made after, quickly and locally, from the colours the base image
step read.
"""

from __future__ import annotations

import time

from paletteflow.models import VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.palettes.image_seeded import image_palette_count, with_image_palettes
from paletteflow.palettes.locks import assign_roles
from paletteflow.pipeline.results import GeneratedPalettes


async def text_palettes(request: VariationRequest, api_key: str | None = None) -> GeneratedPalettes:
    """The palettes that come from the text: n less those the image will seed."""
    started = time.perf_counter()
    settings = request.generator_settings
    count = request.n - image_palette_count(settings.image_palettes, request.n)
    generator = get_generator(request.generator, settings, api_key)
    palettes = await generator.generate(request.theme, request.logo_description, count)
    return GeneratedPalettes(palettes=palettes, seconds=time.perf_counter() - started)


def complete_palettes(
    request: VariationRequest, colors: list[str], generated: GeneratedPalettes
) -> GeneratedPalettes:
    """The text palettes completed with ones close to the logo's own colours (none without any)."""
    started = time.perf_counter()
    settings = request.generator_settings
    palettes = with_image_palettes(
        generated.palettes,
        colors,
        requested=settings.image_palettes,
        n=request.n,
        locked=assign_roles(settings.parsed_locks()),
    )
    seconds = generated.seconds + time.perf_counter() - started
    return GeneratedPalettes(palettes=palettes, seconds=seconds)


def image_palettes_missed(request: VariationRequest, colors: list[str]) -> bool:
    """True when the request wanted image-seeded palettes but the image has no visible colour."""
    settings = request.generator_settings
    return not colors and image_palette_count(settings.image_palettes, request.n) > 0
