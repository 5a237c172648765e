"""The old service's two collaborators, rebuilt on paletteflow's own parts.

The stage functions accept any object with these methods; these are the ones
the project ships: palettes from a registered generator, variations from the
recolour engine written through Storage.
"""

from __future__ import annotations

import asyncio
from typing import Any

from paletteflow.images.io import DEFAULT_MAX_PIXELS, check_image_format
from paletteflow.models import DEFAULT_STORAGE, Palette
from paletteflow.palettes import PaletteGenerator, check_palette_count, get_generator
from paletteflow.pipeline.base_image import output_format_for, store_base_image
from paletteflow.pipeline.variations import openable, render_variation
from paletteflow.storage import Storage


class ConceptService:
    def __init__(self, generator: PaletteGenerator | str = "offline") -> None:
        self.generator = get_generator(generator) if isinstance(generator, str) else generator

    async def generate_color_palettes(
        self, theme_description: str, logo_description: str, num_palettes: int
    ) -> list[dict[str, Any]]:
        count = check_palette_count(num_palettes)
        palettes = await self.generator.generate(theme_description, logo_description, count)
        return [palette.model_dump() for palette in palettes]


class ImageService:
    """Stores the base image, then one recoloured image per palette, and returns their dicts.

    The old service wrote PNG; `image_format="webp"` writes lossless WebP instead, and an SVG
    image gets SVG colourways (with a PNG render of each) unless "png" or "webp" is asked for.
    """

    def __init__(
        self,
        storage: Storage | str = DEFAULT_STORAGE,
        *,
        storage_options: dict[str, Any] | None = None,
        concept_id: str | None = None,
        image_format: str = "auto",
    ) -> None:
        self.storage = (
            storage if isinstance(storage, Storage) else Storage(storage, storage_options)
        )
        self.concept_id = concept_id
        self.image_format = "auto" if image_format == "auto" else check_image_format(image_format)

    async def create_palette_variations(
        self,
        base_image_data: bytes,
        palettes: list[dict[str, Any]],
        user_id: str,
        blend_strength: float = 1.0,
    ) -> list[dict[str, Any]]:
        return await asyncio.to_thread(
            self._create, base_image_data, palettes, user_id, blend_strength
        )

    def _create(
        self, data: bytes, palettes: list[dict[str, Any]], user_id: str, strength: float
    ) -> list[dict[str, Any]]:
        image_format = output_format_for(data, self.image_format, DEFAULT_MAX_PIXELS)
        base = store_base_image(self.storage, data, user_id=user_id, concept_id=self.concept_id)
        variations = []
        for raw in palettes:
            palette = Palette.model_validate(raw)
            variation = render_variation(
                self.storage, base, palette, strength=strength, image_format=image_format
            )
            variations.append(openable(variation, self.storage).model_dump())
        return variations
