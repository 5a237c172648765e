"""Palette tasks: text palettes concurrently with the upload, then those seeded from the stored image.

The text palettes are the slow part (an LLM call can take seconds), so they
never wait for the base image. The image's dominant colours are read by the
upload task, alongside them; the few image-seeded palettes are then made
locally from those colours, and the recolour tasks reuse the decode and
analysis from the per-process cache.
"""

from __future__ import annotations

import time
from contextlib import nullcontext

from prefect import Task, get_run_logger, task
from prefect.blocks.system import Secret

from paletteflow.models import VariationRequest
from paletteflow.palettes import get_generator, uses_network
from paletteflow.palettes.image_seeded import image_palette_count, image_palettes
from paletteflow.palettes.locks import assign_roles
from tasks.caching import CACHE_EXPIRATION, palettes_cache_key
from tasks.llm_limit import LLM_TAG, llm_slot
from tasks.policy import PALETTES_TIMEOUT_S
from tasks.results import GeneratedPalettes


# No task retries: ProviderHTTP alone retries provider calls, as it reads Retry-After and tells 429/5xx from 4xx.
@task(
    name="generate-palettes",
    timeout_seconds=PALETTES_TIMEOUT_S,
    cache_key_fn=palettes_cache_key,
    cache_expiration=CACHE_EXPIRATION,
    persist_result=True,
    result_serializer="json",
)
async def generate_palettes(request: VariationRequest) -> GeneratedPalettes:
    """The palettes that come from the text: n less those the image will seed."""
    started = time.perf_counter()
    settings = request.generator_settings
    api_key = Secret.load(settings.api_key_secret).get() if settings.api_key_secret else None
    count = request.n - image_palette_count(settings.image_palettes, request.n)
    generator = get_generator(request.generator, settings, api_key)
    async with llm_slot() if uses_network(request.generator) else nullcontext():
        palettes = await generator.generate(request.theme, request.logo_description, count)
    seconds = time.perf_counter() - started
    get_run_logger().info(
        "%d palettes from %s in %.3f s", len(palettes), request.generator, seconds
    )
    return GeneratedPalettes(palettes=palettes, seconds=seconds)


def text_palettes_task(request: VariationRequest) -> Task[[VariationRequest], GeneratedPalettes]:
    """`generate_palettes`, tagged `paletteflow-llm` only when it calls a provider.

    The tag is for tag-based limits and filtering in the UI. Prefect takes a
    slot lease for every tag of a task run, limit or not: two more API writes
    per run, which offline palettes do not need.
    """
    if uses_network(request.generator):
        return generate_palettes.with_options(tags=[LLM_TAG])
    return generate_palettes


def add_image_palettes(
    request: VariationRequest, colours: list[str], generated: GeneratedPalettes
) -> GeneratedPalettes:
    """Complete the text palettes with ones close to the logo's own colours.

    Called in the flow, not as a task: it is quick, local and deterministic,
    so it needs no retries or cache, and a task run of its own would cost more
    (its events and states written by the API server) than the work.
    """
    started = time.perf_counter()
    settings = request.generator_settings
    count = image_palette_count(settings.image_palettes, request.n)
    if count and not colours:
        get_run_logger().warning("the base image has no visible colours; no palette seeded from it")
    used = {palette.name for palette in generated.palettes}
    seeded = image_palettes(
        colours, count if colours else 0, assign_roles(settings.parsed_locks()), used
    )
    seconds = generated.seconds + time.perf_counter() - started
    return GeneratedPalettes(palettes=[*generated.palettes, *seeded], seconds=seconds)
