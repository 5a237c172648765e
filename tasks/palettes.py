"""The text palettes task: `text_palettes` with caching, a timeout and the shared LLM limit.

The image-seeded palettes are no task: the flow makes them itself
(`complete_palettes`), quickly and locally, where a task run of their own would
cost more (its events and states written by the API server) than the work.
"""

from __future__ import annotations

from contextlib import nullcontext

from prefect import Task, get_run_logger, task
from prefect.blocks.system import Secret

from paletteflow.models import VariationRequest
from paletteflow.palettes import uses_network
from paletteflow.pipeline.palettes import text_palettes
from paletteflow.pipeline.results import GeneratedPalettes
from tasks.caching import CACHE_EXPIRATION, palettes_cache_key
from tasks.llm_limit import LLM_TAG, llm_slot
from tasks.policy import PALETTES_TIMEOUT_S


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
    """`text_palettes`, holding a slot of the shared LLM limit when it calls a provider."""
    settings = request.generator_settings
    api_key = Secret.load(settings.api_key_secret).get() if settings.api_key_secret else None
    async with llm_slot() if uses_network(request.generator) else nullcontext():
        generated = await text_palettes(request, api_key)
    get_run_logger().info(
        "%d palettes from %s in %.3f s", len(generated.palettes), request.generator,
        generated.seconds,
    )  # fmt: skip
    return generated


def text_palettes_task(request: VariationRequest) -> Task[[VariationRequest], GeneratedPalettes]:
    """`generate_palettes`, tagged `paletteflow-llm` only when it calls a provider.

    The tag is for tag-based limits and filtering in the UI. Prefect takes a
    slot lease for every tag of a task run, limit or not: two more API writes
    per run, which offline palettes do not need.
    """
    if uses_network(request.generator):
        return generate_palettes.with_options(tags=[LLM_TAG])
    return generate_palettes
