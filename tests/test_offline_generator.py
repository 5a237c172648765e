import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paletteflow.color import contrast_ratio
from paletteflow.models import ROLES
from paletteflow.palettes import get_generator
from paletteflow.palettes.offline import generate_offline


@settings(max_examples=40, deadline=None)
@given(theme=st.text(max_size=40), logo=st.text(max_size=40), n=st.integers(1, 20))
def test_every_palette_is_well_formed(theme, logo, n):
    palettes = generate_offline(theme, logo, n)
    assert len(palettes) == n
    assert len({p.name for p in palettes}) == n
    for palette in palettes:
        assert set(palette.roles) == set(ROLES)
        assert contrast_ratio(palette.roles["primary"], palette.roles["background"]) >= 4.5
        assert len(set(palette.colors)) == 5


def test_same_text_same_palettes():
    first = generate_offline("ocean breeze", "a wave", 7)
    assert first == generate_offline("ocean breeze", "a wave", 7)
    assert first != generate_offline("forest walk", "a leaf", 7)


@pytest.mark.parametrize(
    ("theme", "family"), [("lavender", "purple"), ("forest", "green"), ("ocean", "blue")]
)
def test_theme_words_steer_the_hue(theme, family):
    assert family in generate_offline(theme, "", 1)[0].description


def test_generator_protocol_is_async():
    palettes = asyncio.run(get_generator("offline").generate("sunset", "", 3))
    assert len(palettes) == 3
