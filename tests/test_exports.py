"""Export formats, read back the way other tools read them."""

import json
import struct

import pytest

from paletteflow.models import Palette
from paletteflow.palettes.exports import to_ase, to_css, to_gpl, to_json

PALETTES = [
    Palette(name="Harbor Dusk", colors=["#13254f", "#677aa2", "#ff8800", "#f3f7ff", "#c8d5ed"],
            roles={"primary": "#13254f", "secondary": "#677aa2", "accent": "#ff8800",
                   "background": "#f3f7ff", "highlight": "#c8d5ed"}, description="d", source="offline"),
    Palette(name="Café Crème", colors=["#000000", "#808080", "#ffffff"]),
]  # fmt: skip


def read_ase(data: bytes) -> list[tuple[int, str, tuple[float, ...] | None]]:
    """A reader written from the ASE layout: signature, version, block count, typed blocks."""
    assert data[:4] == b"ASEF"
    major, minor, count = struct.unpack(">HHI", data[4:12])
    assert (major, minor) == (1, 0)
    position, blocks = 12, []
    for _ in range(count):
        kind, length = struct.unpack(">HI", data[position : position + 6])
        body = data[position + 6 : position + 6 + length]
        position += 6 + length
        name, rgb = "", None
        if body:
            (chars,) = struct.unpack(">H", body[:2])
            name = body[2 : 2 + 2 * chars].decode("utf-16-be")
            assert name.endswith("\0")
            rest = body[2 + 2 * chars :]
            if kind == 0x0001:
                assert rest[:4] == b"RGB "
                *rgb, color_type = struct.unpack(">fffH", rest[4:])
                assert color_type == 2
        blocks.append((kind, name.rstrip("\0"), tuple(rgb) if rgb else None))
    assert position == len(data)
    return blocks


def test_ase_groups_hold_rgb_float_entries_with_utf16_names():
    blocks = read_ase(to_ase(PALETTES))
    assert blocks[0] == (0xC001, "Harbor Dusk", None)
    assert blocks[3][:2] == (0x0001, "Harbor Dusk accent")
    assert blocks[3][2] == pytest.approx((1.0, 136 / 255, 0.0), abs=1e-6)  # float32
    assert blocks[6] == (0xC002, "", None)
    assert blocks[7] == (0xC001, "Café Crème", None)
    assert [b[1] for b in blocks[8:11]] == [f"Café Crème colour-{i}" for i in (1, 2, 3)]
    assert len(blocks) == 2 + 5 + 2 + 3


def test_gpl_lists_rgb_triples_under_the_gimp_header():
    lines = to_gpl(PALETTES).decode().splitlines()
    assert lines[:3] == ["GIMP Palette", "Name: paletteflow", "Columns: 5"]
    assert " 19  37  79\tHarbor Dusk primary" in lines
    assert "255 255 255\tCafé Crème colour-3" in lines


def test_css_custom_properties_per_role():
    css = to_css(PALETTES).decode()
    assert css.startswith(":root {") and css.rstrip().endswith("}")
    assert "  --harbor-dusk-accent: #ff8800;" in css
    assert "  --caf-cr-me-colour-2: #808080;" in css


def test_json_round_trips_through_the_palette_model():
    loaded = [Palette.model_validate(item) for item in json.loads(to_json(PALETTES))]
    assert loaded == PALETTES
