"""The retry policy applies to async tasks too: the palette task retries a provider's passing failure."""

from __future__ import annotations

from test_providers import GOOD, chat

from flows.palette_variations import palette_variations
from paletteflow.models import GeneratorSettings, VariationRequest


def test_the_async_palette_task_is_retried_after_a_transient_failure(
    prefect_api, scripted_api, memory_storage_url, tmp_path, sample_logo_png
):
    """One 503 with the provider's own retries off: only a Prefect retry of the task can recover."""
    scripted_api.script((503, {"error": {"message": "overloaded"}}), (200, chat(GOOD)))
    image = tmp_path / "logo.png"
    image.write_bytes(sample_logo_png)
    settings = GeneratorSettings(
        base_url=scripted_api.url,
        model="test-model",
        image_palettes=0,
        max_retries=0,
        fallback=False,
    )
    request = VariationRequest(
        image=str(image),
        theme="retry policy check",
        n=3,
        storage=memory_storage_url,
        generator="openai",
        generator_settings=settings,
    )
    variations = palette_variations(request)
    assert len(scripted_api.requests) == 2
    assert [v["name"] for v in variations] == [palette["name"] for palette in GOOD[:3]]
