"""One retry layer per failure: a provider call is retried by the provider's own loop, not the task.

Requests are counted at a real HTTP server through real flow runs. The tasks' retry condition,
which storage faults still go through, is checked on an async task: Prefect evaluates it inside
its event loop there, where a failure is easily missed.
"""

from __future__ import annotations

import asyncio

import pytest
from prefect import flow, task
from test_providers import GOOD, chat

from flows.palette_variations import palette_variations
from paletteflow.errors import InputError, PaletteGenerationError, StorageError
from paletteflow.models import GeneratorSettings, VariationRequest
from tasks.policy import TRANSIENT_RETRIES

OVERLOADED = (503, {"error": {"message": "overloaded"}})


def openai_request(api_url: str, logo_file, storage: str, max_retries: int) -> VariationRequest:
    settings = GeneratorSettings(
        base_url=api_url,
        model="test-model",
        image_palettes=0,
        max_retries=max_retries,
        retry_base_delay_s=0.001,
        fallback=False,
    )
    return VariationRequest(
        image=str(logo_file),
        theme="retry policy check",
        n=3,
        storage=storage,
        generator="openai",
        generator_settings=settings,
    )


def test_a_failing_provider_is_asked_once_per_attempt_of_its_own_loop(
    prefect_api, scripted_api, memory_storage_url, logo_file
):
    """Always 503, three retries, no fallback: 4 requests. Task retries on top would make 12."""
    scripted_api.script(OVERLOADED)
    request = openai_request(scripted_api.url, logo_file, memory_storage_url, max_retries=3)
    with pytest.raises(PaletteGenerationError, match="failed 4 times"):
        palette_variations(request)
    assert len(scripted_api.requests) == 4


def test_a_passing_provider_failure_is_recovered_by_the_providers_loop(
    prefect_api, scripted_api, memory_storage_url, logo_file
):
    scripted_api.script(OVERLOADED, (200, chat(GOOD)))
    request = openai_request(scripted_api.url, logo_file, memory_storage_url, max_retries=1)
    variations = palette_variations(request)
    assert len(scripted_api.requests) == 2
    assert [v["name"] for v in variations] == [palette["name"] for palette in GOOD[:3]]


@pytest.mark.parametrize(
    ("error", "runs"), [(StorageError("the store timed out"), 2), (InputError("no such file"), 1)]
)
def test_an_async_task_is_retried_only_after_a_failure_that_may_pass(prefect_api, error, runs):
    attempts: list[int] = []

    @task(retries=1, **TRANSIENT_RETRIES)
    async def fails_once() -> int:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            raise error
        return len(attempts)

    @flow
    async def one_task() -> None:
        await fails_once(return_state=True)

    asyncio.run(one_task())
    assert len(attempts) == runs
