"""The old service's palette-generation stage, with its exact async signatures.

Callers that drove the old service keep working: they pass the same
arguments and get the same dict shapes back, with clearer errors.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import ValidationError

from paletteflow.errors import (
    PaletteflowError,
    PaletteGenerationError,
    VariationError,
    first_problem,
)
from paletteflow.models import Palette

logger = logging.getLogger(__name__)

DEFAULT_BLEND_STRENGTH = 1.0


async def generate_palettes_for_concept(
    task_id: str, theme_desc: str, logo_desc: str, num: int, concept_service: Any
) -> list[dict[str, Any]]:
    """Ask the concept service for palettes and refuse any answer not shaped like palettes."""
    started = time.perf_counter()
    try:
        answer = await concept_service.generate_color_palettes(
            theme_description=theme_desc, logo_description=logo_desc, num_palettes=num
        )
    except PaletteflowError:
        raise
    except Exception as error:
        raise PaletteGenerationError(
            f"task {task_id}: the palette provider failed: {type(error).__name__}: {error}"
        ) from error
    palettes = _validated_palettes(task_id, answer)
    logger.info(
        "task %s: %d palettes in %.3f s", task_id, len(palettes), time.perf_counter() - started
    )
    return palettes


def _validated_palettes(task_id: str, answer: Any) -> list[dict[str, Any]]:
    if not isinstance(answer, list) or not answer:
        raise PaletteGenerationError(
            f"task {task_id}: the palette provider returned {type(answer).__name__} "
            f"{'(empty)' if not answer else ''}; expected a non-empty list of palettes"
        )
    palettes = []
    for position, item in enumerate(answer):
        try:
            palette = Palette.model_validate(item)
        except ValidationError as error:
            where, problem = first_problem(error, "palette")
            raise PaletteGenerationError(
                f"task {task_id}: palette {position} is malformed at {where}: {problem}"
            ) from None
        extra_fields = item if isinstance(item, dict) else {}
        palettes.append({**extra_fields, **palette.model_dump()})
    return palettes


async def create_palette_variations(
    task_id: str,
    image_data: bytes,
    palettes: list[dict[str, Any]],
    user_id: str,
    image_service: Any,
) -> list[dict[str, Any]]:
    """Have the image service recolour the base image once per palette; an empty result is an error."""
    started = time.perf_counter()
    try:
        variations = await image_service.create_palette_variations(
            base_image_data=image_data,
            palettes=palettes,
            user_id=user_id,
            blend_strength=DEFAULT_BLEND_STRENGTH,
        )
    except MemoryError:
        raise VariationError(
            f"task {task_id}: ran out of memory creating variations; "
            "use a smaller image or fewer palettes"
        ) from None
    except TimeoutError as error:
        raise VariationError(
            f"task {task_id}: timed out creating variations ({error or 'no detail'}); "
            "retry, or use a smaller image"
        ) from error
    if not variations:
        raise VariationError(
            f"task {task_id}: no variation was created from {len(palettes)} palettes"
        )
    logger.info(
        "task %s: %d variations in %.3f s", task_id, len(variations), time.perf_counter() - started
    )
    return variations
