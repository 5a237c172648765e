"""The contact sheet: one picture of the base image and every variation, each with its swatches.

People judge colourways side by side, not from a list of paths. Every cell has
the same size whatever the number of variations, so names and hex codes stay
readable from 1 to 20: the sheet grows by columns (up to five), then rows.
Transparent images sit on a checkerboard, so their edges and holes show.
Text uses Pillow's built-in scalable font (nothing to download), and nothing
varies between calls, so the same entries always give the same pixels.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TILE = 320
PADDING = 14
GUTTER = 20
MAX_COLUMNS = 5
SWATCHES_PER_ROW = 5
SWATCH_GAP = 6
SWATCH_HEIGHT = 36
CHECKER = 10
NAME_SIZE = 17
TEXT_SIZE = 13
TITLE_SIZE = 24
SUBTITLE_SIZE = 14

CELL_WIDTH = TILE + 2 * PADDING
_NAME_GAP = 10
_NAME_LINE = NAME_SIZE + 7
_LABEL_GAP = 4
_LABEL_LINE = TEXT_SIZE + 5
_SWATCH_ROW = SWATCH_HEIGHT + _LABEL_GAP + _LABEL_LINE + 8
_HEADER = TITLE_SIZE + 10 + SUBTITLE_SIZE + 6

SHEET_GROUND = "#f3f1ec"
CELL_GROUND = "#ffffff"
CELL_EDGE = "#d9d5cc"
SWATCH_EDGE = "#c9c5bc"
FAILED_GROUND = "#ece8e1"
INK = "#1f1f1f"
MUTED_INK = "#4d4d4d"
CHECKER_LIGHT = (255, 255, 255)
CHECKER_DARK = (226, 226, 226)

# Inclusive pixel boxes (left, top, right, bottom), as ImageDraw.rectangle takes them.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SheetEntry:
    """One cell: an image (None when its palette failed), a name, colours and a line of caption."""

    name: str
    colors: tuple[str, ...] = ()
    image: Image.Image | None = None
    caption: str = ""


@dataclass(frozen=True)
class Cell:
    """Where one entry was drawn: the cell, its image tile, and each swatch's exact box."""

    box: Box
    tile: Box
    swatches: tuple[tuple[str, Box], ...]


@dataclass(frozen=True)
class ContactSheet:
    image: Image.Image
    columns: int
    rows: int
    cells: tuple[Cell, ...]


def grid_shape(count: int) -> tuple[int, int]:
    """Columns and rows for `count` cells: near square, at most five across, fewest empty slots.

    Eight cells (a base and seven variations) make two full rows of four rather
    than three rows of three with a hole.
    """
    smallest = min(MAX_COLUMNS, math.ceil(math.sqrt(count)))
    columns = min(
        range(smallest, max(smallest, min(MAX_COLUMNS, count)) + 1),
        key=lambda c: (math.ceil(count / c) * c - count, c),
    )
    return columns, math.ceil(count / columns)


def swatch_rows(color_count: int) -> int:
    return max(1, math.ceil(color_count / SWATCHES_PER_ROW))


def fit_tile(image: Image.Image) -> Image.Image:
    """The image scaled to fill the tile's longer side, keeping its shape; call early to save memory."""
    scale = TILE / max(image.size)
    if image.size != (
        size := (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    ):
        return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.5)
    return image


def render_contact_sheet(title: str, subtitle: str, entries: list[SheetEntry]) -> ContactSheet:
    """Draw the entries in reading order under a title; returns the picture and where things are."""
    columns, rows = grid_shape(len(entries))
    cell_height = _cell_height(max((swatch_rows(len(e.colors)) for e in entries), default=1))
    width = GUTTER + columns * (CELL_WIDTH + GUTTER)
    top = GUTTER + _HEADER + GUTTER
    height = top + rows * (cell_height + GUTTER)
    sheet = Image.new("RGB", (width, height), SHEET_GROUND)
    draw = ImageDraw.Draw(sheet)
    inner = width - 2 * GUTTER
    draw.text(
        (GUTTER, GUTTER), _fit(title, _font(TITLE_SIZE), inner), fill=INK, font=_font(TITLE_SIZE)
    )
    draw.text(
        (GUTTER, GUTTER + TITLE_SIZE + 10),
        _fit(subtitle, _font(SUBTITLE_SIZE), inner),
        fill=MUTED_INK,
        font=_font(SUBTITLE_SIZE),
    )
    cells = []
    for index, entry in enumerate(entries):
        row, column = divmod(index, columns)
        left = GUTTER + column * (CELL_WIDTH + GUTTER)
        cells.append(
            _draw_cell(sheet, draw, entry, left, top + row * (cell_height + GUTTER), cell_height)
        )
    return ContactSheet(image=sheet, columns=columns, rows=rows, cells=tuple(cells))


def _cell_height(rows_of_swatches: int) -> int:
    return PADDING + TILE + _NAME_GAP + _NAME_LINE + rows_of_swatches * _SWATCH_ROW + PADDING


def _draw_cell(
    sheet: Image.Image,
    draw: ImageDraw.ImageDraw,
    entry: SheetEntry,
    left: int,
    top: int,
    height: int,
) -> Cell:
    box = (left, top, left + CELL_WIDTH - 1, top + height - 1)
    draw.rectangle(box, fill=CELL_GROUND, outline=CELL_EDGE)
    tile = (left + PADDING, top + PADDING, left + PADDING + TILE - 1, top + PADDING + TILE - 1)
    if entry.image is None:
        _draw_failure(draw, tile, entry.caption)
    else:
        _paste_on_ground(sheet, fit_tile(entry.image), tile)
    name_top = tile[3] + 1 + _NAME_GAP
    draw.text(
        (tile[0], name_top),
        _fit(entry.name, _font(NAME_SIZE), TILE),
        fill=INK,
        font=_font(NAME_SIZE),
    )
    swatch_top = name_top + _NAME_LINE
    if entry.image is not None and entry.caption:
        caption = _fit(entry.caption, _font(TEXT_SIZE), TILE)
        draw.text((tile[0], swatch_top), caption, fill=MUTED_INK, font=_font(TEXT_SIZE))
    swatches = _draw_swatches(draw, entry.colors, tile[0], swatch_top)
    return Cell(box=box, tile=tile, swatches=swatches)


def _paste_on_ground(sheet: Image.Image, image: Image.Image, tile: Box) -> None:
    """Centre the image in its tile; a checkerboard under it wherever it is not fully opaque."""
    x = tile[0] + (TILE - image.width) // 2
    y = tile[1] + (TILE - image.height) // 2
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        image = Image.alpha_composite(_checkerboard(image.size), image)
    sheet.paste(image.convert("RGB"), (x, y))


@lru_cache(maxsize=4)
def _checkerboard(size: tuple[int, int]) -> Image.Image:
    """Cached: every tile of a sheet usually has the same size; callers never change it."""
    ys, xs = np.indices((size[1], size[0]))
    dark = ((xs // CHECKER + ys // CHECKER) % 2).astype(bool)
    pixels = np.where(dark[..., None], CHECKER_DARK, CHECKER_LIGHT).astype(np.uint8)
    return Image.fromarray(pixels, "RGB").convert("RGBA")


def _draw_failure(draw: ImageDraw.ImageDraw, tile: Box, error: str) -> None:
    """A failed palette keeps its place and swatches; its tile says what went wrong."""
    draw.rectangle(tile, fill=FAILED_GROUND)
    x, y = tile[0] + 16, tile[1] + 16
    draw.text((x, y), "Not made", fill=INK, font=_font(NAME_SIZE))
    font = _font(TEXT_SIZE)
    lines = textwrap.wrap(error, width=40)[:10]
    for number, line in enumerate(lines):
        draw.text(
            (x, y + _NAME_LINE + 6 + number * _LABEL_LINE),
            _fit(line, font, TILE - 32),
            fill=MUTED_INK,
            font=font,
        )


def _draw_swatches(
    draw: ImageDraw.ImageDraw, colors: tuple[str, ...], left: int, top: int
) -> tuple[tuple[str, Box], ...]:
    """Solid swatches (exactly the palette's colours) with each hex code centred underneath."""
    if not colors:
        return ()
    per_row = math.ceil(len(colors) / swatch_rows(len(colors)))
    width = (TILE - (per_row - 1) * SWATCH_GAP) // per_row
    font = _font(TEXT_SIZE)
    placed = []
    for index, color in enumerate(colors):
        row, column = divmod(index, per_row)
        x = left + column * (width + SWATCH_GAP)
        y = top + row * _SWATCH_ROW
        box = (x, y, x + width - 1, y + SWATCH_HEIGHT - 1)
        draw.rectangle((x - 1, y - 1, box[2] + 1, box[3] + 1), outline=SWATCH_EDGE)
        draw.rectangle(box, fill=color)
        label_x = x + (width - font.getlength(color)) / 2
        draw.text((label_x, box[3] + 1 + _LABEL_GAP), color, fill=INK, font=font)
        placed.append((color, box))
    return tuple(placed)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The text, cut with an ellipsis where it would run past `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)
