"""The old service's stage API, with the project's services and with stand-ins."""

import asyncio

import pytest

from paletteflow.errors import PaletteGenerationError, VariationError
from paletteflow.stages import create_palette_variations, generate_palettes_for_concept
from paletteflow.stages.services import ConceptService, ImageService
from paletteflow.storage import Storage


def test_project_services_end_to_end(memory_storage_url, sample_logo_png):
    palettes = asyncio.run(
        generate_palettes_for_concept("t1", "autumn orchard", "an apple", 3, ConceptService())
    )
    assert len(palettes) == 3 and all(p["colors"][0].startswith("#") for p in palettes)
    variations = asyncio.run(
        create_palette_variations(
            "t1", sample_logo_png, palettes, "user-1", ImageService(memory_storage_url)
        )
    )
    storage = Storage(memory_storage_url)
    assert [v["name"] for v in variations] == [p["name"] for p in palettes]
    for variation in variations:
        assert variation["image_path"].startswith("user-1/")
        assert storage.read(variation["image_path"]).startswith(b"\x89PNG")


def test_image_service_can_write_webp(memory_storage_url, sample_logo_png):
    palettes = [{"name": "Cool Blue", "colors": ["#123456", "#789ABC", "#DEF012"]}]
    service = ImageService(memory_storage_url, image_format="WEBP")
    variations = asyncio.run(
        create_palette_variations("t2", sample_logo_png, palettes, "user-2", service)
    )
    assert variations[0]["image_path"].endswith(".webp")
    assert Storage(memory_storage_url).read(variations[0]["image_path"])[8:12] == b"WEBP"
    with pytest.raises(ValueError, match="use png, webp or svg"):
        ImageService(memory_storage_url, image_format="gif")


class StandInConcepts:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    async def generate_color_palettes(self, **kwargs):
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return self.answer


class StandInImages:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    async def create_palette_variations(self, **kwargs):
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return self.answer


OLD_STYLE = {
    "name": "Cool Blue",
    "colors": ["#123456", "#789ABC", "#DEF012"],
    "description": "d",
    "id": 9,
}


def test_stand_in_concept_service_is_called_with_the_old_keywords():
    service = StandInConcepts(answer=[OLD_STYLE])
    palettes = asyncio.run(generate_palettes_for_concept("t2", "theme", "logo", 1, service))
    assert service.calls == [
        {"theme_description": "theme", "logo_description": "logo", "num_palettes": 1}
    ]
    assert palettes[0]["colors"] == ["#123456", "#789abc", "#def012"]
    assert palettes[0]["id"] == 9


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (StandInConcepts(answer=[]), "expected a non-empty list"),
        (StandInConcepts(answer={"name": "x"}), "expected a non-empty list"),
        (
            StandInConcepts(answer=[{"name": "x", "colors": ["red", "#000", "#fff"]}]),
            "palette 0 is malformed at colors.0",
        ),
        (
            StandInConcepts(error=RuntimeError("JigsawStack API error: 503")),
            "palette provider failed: RuntimeError: JigsawStack API error: 503",
        ),
    ],
)
def test_bad_palette_answers_are_named(service, message):
    with pytest.raises(PaletteGenerationError, match=message):
        asyncio.run(generate_palettes_for_concept("t3", "theme", "logo", 2, service))


def test_stand_in_image_service_gets_the_old_keywords():
    service = StandInImages(answer=[{**OLD_STYLE, "image_path": "p", "image_url": "u"}])
    result = asyncio.run(create_palette_variations("t4", b"img", [OLD_STYLE], "u1", service))
    assert result[0]["image_url"] == "u"
    assert service.calls == [
        {"base_image_data": b"img", "palettes": [OLD_STYLE], "user_id": "u1", "blend_strength": 1.0}
    ]


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (StandInImages(answer=[]), "no variation was created from 1 palettes"),
        (StandInImages(error=MemoryError()), "ran out of memory"),
        (StandInImages(error=TimeoutError("recolour took too long")), "timed out"),
    ],
)
def test_variation_failures_are_named(service, message):
    with pytest.raises(VariationError, match=message):
        asyncio.run(create_palette_variations("t5", b"img", [OLD_STYLE], "u1", service))
