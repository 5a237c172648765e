"""The contact sheet as pixels: grid, cell sizes, swatch colours, grounds, determinism, storage."""

from __future__ import annotations

import io
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from conftest import library_run, photo_like
from PIL import Image, ImageFont

from paletteflow.color import hex_to_rgb
from paletteflow.images.io import encode_png
from paletteflow.palettes.offline import generate_offline
from paletteflow.showcase.contact_sheet import SheetEntry, render_contact_sheet
from paletteflow.showcase.store import sheet_entries, store_contact_sheet
from paletteflow.storage import Storage

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
THEME = "harbor at sunset, fresh and friendly"


def palettes(n: int):
    return generate_offline(THEME, "a round badge", n)


def entries(logo: Image.Image, n: int) -> list[SheetEntry]:
    return [
        SheetEntry(name="Original", image=logo, caption="256 x 256 PNG"),
        *(SheetEntry(name=p.name, colors=tuple(p.colors), image=logo) for p in palettes(n)),
    ]


def region(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """Pixels of an inclusive box, as (h, w, 3)."""
    left, top, right, bottom = box
    return np.asarray(image)[top : bottom + 1, left : right + 1]


@pytest.mark.parametrize(("n", "columns", "rows"), [(1, 2, 1), (7, 4, 2), (20, 5, 5)])
def test_grid_and_cells_for_1_7_and_20_variations(sample_logo, n, columns, rows):
    sheet = render_contact_sheet(THEME, f"{n} colourways", entries(sample_logo, n))
    image = sheet.image
    assert (sheet.columns, sheet.rows, len(sheet.cells)) == (columns, rows, n + 1)

    sizes = {(c.box[2] - c.box[0], c.box[3] - c.box[1]) for c in sheet.cells}
    assert len(sizes) == 1, "every cell has the same size"
    (cell_width, cell_height), first, last = sizes.pop(), sheet.cells[0].box, sheet.cells[-1].box
    assert cell_width >= 320 and cell_height > cell_width
    lefts = sorted({c.box[0] for c in sheet.cells})
    tops = sorted({c.box[1] for c in sheet.cells})
    assert (len(lefts), len(tops)) == (columns, rows)
    for a, b in pairwise(lefts):
        assert b - a > cell_width, "columns do not overlap"
    for a, b in pairwise(tops):
        assert b - a > cell_height, "rows do not overlap"
    assert [c.box[:2] for c in sheet.cells] == sorted(
        (c.box[:2] for c in sheet.cells), key=lambda xy: (xy[1], xy[0])
    ), "cells in reading order"
    margin = first[0]
    right_edge = max(c.box[2] for c in sheet.cells)
    assert image.width - 1 - right_edge == margin, "the same margin left and right"
    assert image.height - 1 - max(c.box[3] for c in sheet.cells) == margin
    assert last[1] == tops[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / f"contact-sheet-{n}.png")


@pytest.mark.parametrize("n", [1, 7, 20])
def test_every_swatch_is_exactly_its_palette_color_with_room_for_its_hex_code(sample_logo, n):
    made = palettes(n)
    sheet = render_contact_sheet(THEME, "", entries(sample_logo, n))
    hex_width = ImageFont.load_default(size=13).getlength("#000000")
    for cell, palette in zip(sheet.cells[1:], made, strict=True):
        assert [color for color, _ in cell.swatches] == palette.colors
        for color, box in cell.swatches:
            pixels = region(sheet.image, box)
            assert pixels.size and (pixels == hex_to_rgb(color)).all(), color
            assert box[2] - box[0] + 1 >= hex_width, "the hex code fits under its swatch"
            assert cell.box[0] < box[0] and box[2] < cell.box[2] and box[3] < cell.box[3]
            assert box[1] > cell.tile[3], "swatches sit under the image"


def test_transparent_images_sit_on_a_checkerboard_and_opaque_ones_on_plain_ground(sample_logo):
    wide = photo_like(96).resize((192, 96))
    sheet = render_contact_sheet(
        "t", "", [SheetEntry("logo", image=sample_logo), SheetEntry("photo", image=wide)]
    )
    corner = region(
        sheet.image,
        (*sheet.cells[0].tile[:2], sheet.cells[0].tile[0] + 30, sheet.cells[0].tile[1] + 30),
    )
    greys = {tuple(p) for p in corner.reshape(-1, 3)}
    assert len(greys) == 2 and all(len(set(g)) == 1 for g in greys), greys
    tile = sheet.cells[1].tile
    letterbox = region(sheet.image, (tile[0], tile[1], tile[2] - 1, tile[1] + 40))
    assert len({tuple(p) for p in letterbox.reshape(-1, 3)}) == 1, "plain ground above a wide photo"


def test_a_failed_palette_keeps_its_cell_and_swatches(sample_logo):
    palette = palettes(2)[1]
    sheet = render_contact_sheet(
        "t",
        "",
        [
            SheetEntry("Original", image=sample_logo),
            SheetEntry(palette.name, tuple(palette.colors), None, "StorageError: refused"),
        ],
    )
    failed = sheet.cells[1]
    assert [color for color, _ in failed.swatches] == palette.colors
    tile = region(sheet.image, failed.tile)
    assert len({tuple(p) for p in tile.reshape(-1, 3)}) > 2, "the tile carries the error text"


def test_long_names_stay_inside_their_cell(sample_logo):
    name = "An Extraordinarily Long Palette Name From A Chatty Language Model " * 2
    sheet = render_contact_sheet(
        name * 3, name, [SheetEntry(name[:80], ("#102030",) * 8, sample_logo)]
    )
    cell = sheet.cells[0]
    right_of_cell = region(
        sheet.image, (cell.box[2] + 1, cell.box[1], sheet.image.width - 1, cell.box[3])
    )
    assert right_of_cell.size == 0 or (right_of_cell == right_of_cell[0, 0]).all()
    assert len(cell.swatches) == 8 and len({box[1] for _, box in cell.swatches}) == 2, "two rows"


def test_the_stored_sheet_is_deterministic_and_not_rewritten(tmp_path, sample_logo_png):
    manifest = library_run(tmp_path, 3, logo_png=sample_logo_png)
    storage = Storage(str(tmp_path))
    path = tmp_path / manifest.contact_sheet.path
    first = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino)
    assert manifest.contact_sheet.url == path.resolve().as_uri()

    assert store_contact_sheet(storage, manifest) == manifest.contact_sheet
    assert (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino) == first
    rendered = render_contact_sheet(
        manifest.title(), manifest.count_line(), sheet_entries(storage, manifest)
    )
    assert encode_png(rendered.image) == first[0]
    sheet = Image.open(io.BytesIO(first[0]))
    assert (sheet.format, sheet.mode, sheet.size) == ("PNG", "RGB", rendered.image.size)


def test_tiles_kept_by_the_run_give_the_sheet_another_process_makes_from_storage(
    tmp_path, sample_logo_png
):
    manifest = library_run(tmp_path, 3, logo_png=sample_logo_png)
    stored = (tmp_path / manifest.contact_sheet.path).read_bytes()
    (tmp_path / "manifest-copy.json").write_text(manifest.model_dump_json())
    script = (
        "import sys; from pathlib import Path\n"
        "from paletteflow.showcase.contact_sheet import render_contact_sheet\n"
        "from paletteflow.images.io import encode_png\n"
        "from paletteflow.models import Manifest\n"
        "from paletteflow.showcase.store import sheet_entries\n"
        "from paletteflow.storage import Storage\n"
        "root = Path(sys.argv[1])\n"
        "m = Manifest.model_validate_json((root / 'manifest-copy.json').read_text())\n"
        "sheet = render_contact_sheet(m.title(), m.count_line(), sheet_entries(Storage(str(root)), m))\n"
        "sys.stdout.buffer.write(encode_png(sheet.image))\n"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, check=True, timeout=60
    )
    assert fresh.stdout == stored
