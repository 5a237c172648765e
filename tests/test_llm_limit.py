"""Simultaneous LLM calls are bounded across runs by one Prefect global concurrency limit."""

import contextlib

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from test_providers import GOOD, chat

from flows.palette_variations import palette_variations
from paletteflow.models import GeneratorSettings, VariationRequest
from tasks.llm_limit import LLM_LIMIT, default_llm_slots
from tasks.palettes import generate_palettes


def _request(theme, scripted_api, storage, logo_path):
    settings = GeneratorSettings(base_url=scripted_api.url, model="test-model", image_palettes=0)
    return VariationRequest(
        image=str(logo_path),
        theme=theme,
        n=3,
        storage=storage,
        generator="openai",
        generator_settings=settings,
    )


def _max_overlap(requests) -> int:
    events = sorted(
        [(r["received_at"], 1) for r in requests] + [(r["answered_at"], -1) for r in requests]
    )
    current = peak = 0
    for _, change in events:
        current += change
        peak = max(peak, current)
    return peak


@flow
def _two_palette_tasks_at_once(first: VariationRequest, second: VariationRequest) -> None:
    """Submitted together so both reach the limit within milliseconds; the limit is server-wide,
    so task runs of separate flow runs contend for its slots in exactly the same way."""
    futures = [generate_palettes.submit(first), generate_palettes.submit(second)]
    for future in futures:
        future.result()


def test_llm_calls_wait_for_a_slot_of_the_shared_limit(
    prefect_api, scripted_api, memory_storage_url, logo_file
):
    scripted_api.script((200, chat(GOOD), {}, 1.0))
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(LLM_LIMIT, 1)
    _two_palette_tasks_at_once(
        _request("alpine lake", scripted_api, memory_storage_url, logo_file),
        _request("desert dusk", scripted_api, memory_storage_url, logo_file),
    )
    assert len(scripted_api.requests) == 2
    assert _max_overlap(scripted_api.requests) == 1


def test_the_limit_is_created_on_first_use(
    prefect_api, scripted_api, memory_storage_url, logo_file
):
    with get_client(sync_client=True) as client:
        with contextlib.suppress(ObjectNotFound):
            client.delete_global_concurrency_limit_by_name(LLM_LIMIT)
        scripted_api.script((200, chat(GOOD)))
        palette_variations(_request("harbor fog", scripted_api, memory_storage_url, logo_file))
        assert client.read_global_concurrency_limit_by_name(LLM_LIMIT).limit == default_llm_slots()
