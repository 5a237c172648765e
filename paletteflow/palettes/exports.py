"""Palettes as files designers open: JSON, CSS custom properties, GIMP .gpl, Adobe .ase.

ASE follows the Adobe Swatch Exchange layout: "ASEF", version 1.0, a block
count, then blocks (type, byte length, data), all big-endian; each palette is
a group (0xC001 ... 0xC002) of colour entries with UTF-16BE names, the "RGB "
model and three float32 channels in 0..1.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence

from paletteflow.color import hex_to_rgb
from paletteflow.models import ROLES, Palette
from paletteflow.slugs import slugify

ASE_GROUP_START, ASE_GROUP_END, ASE_COLOR = 0xC001, 0xC002, 0x0001
ASE_NORMAL_COLOR = 2


def _labelled(palette: Palette) -> list[tuple[str, str]]:
    """(label, hex) per colour: its role when the palette has roles, else its position."""
    if palette.roles:
        return [(role, palette.roles[role]) for role in ROLES if role in palette.roles]
    return [(f"colour-{i}", color) for i, color in enumerate(palette.colors, start=1)]


def to_json(palettes: Sequence[Palette]) -> bytes:
    return (
        json.dumps([p.model_dump(exclude_none=True) for p in palettes], indent=2) + "\n"
    ).encode()


def to_css(palettes: Sequence[Palette]) -> bytes:
    lines = [":root {"]
    for palette in palettes:
        lines.append(f"  /* {palette.name.replace('*/', '')} */")
        prefix = slugify(palette.name)
        lines += [f"  --{prefix}-{label}: {color};" for label, color in _labelled(palette)]
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


def to_gpl(palettes: Sequence[Palette]) -> bytes:
    lines = ["GIMP Palette", "Name: paletteflow", "Columns: 5", "#"]
    for palette in palettes:
        lines.append(f"# {palette.name}")
        for label, color in _labelled(palette):
            red, green, blue = hex_to_rgb(color)
            lines.append(f"{red:3d} {green:3d} {blue:3d}\t{palette.name} {label}")
    return ("\n".join(lines) + "\n").encode()


def _ase_name(text: str) -> bytes:
    encoded = (text + "\0").encode("utf-16-be")
    return struct.pack(">H", len(encoded) // 2) + encoded


def _ase_block(kind: int, data: bytes) -> bytes:
    return struct.pack(">HI", kind, len(data)) + data


def to_ase(palettes: Sequence[Palette]) -> bytes:
    blocks = []
    for palette in palettes:
        blocks.append(_ase_block(ASE_GROUP_START, _ase_name(palette.name)))
        for label, color in _labelled(palette):
            channels = [value / 255.0 for value in hex_to_rgb(color)]
            entry = (
                _ase_name(f"{palette.name} {label}")
                + b"RGB "
                + struct.pack(">fffH", *channels, ASE_NORMAL_COLOR)
            )
            blocks.append(_ase_block(ASE_COLOR, entry))
        blocks.append(_ase_block(ASE_GROUP_END, b""))
    return b"ASEF" + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)


EXPORTERS: dict[str, Callable[[Sequence[Palette]], bytes]] = {
    "json": to_json,
    "css": to_css,
    "gpl": to_gpl,
    "ase": to_ase,
}
