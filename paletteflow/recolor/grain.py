"""A grainy picture's fine detail, kept at the size it had.

Photos carry sensor noise and exported gradients are dithered against
banding: neighbouring pixels differ by small, random amounts. A colour map
moves each colour on its own, so where it draws the colours closer together
(a palette of five salmons) it draws the grain in too, below one 8-bit
level: the dither is lost and the gradient comes out in bands, the noise is
smoothed to plastic. So the picture is split once into a smooth field and
its detail, in OKLab; per palette the recolour's own smooth field gets the
source's detail back at its own size. Detail is kept only where it is small,
grain rather than an edge (up to MAX_DETAIL), so outlines and fills stay as
the colour map paints them. Pictures with little grain (logos, emoji) are
left to the colour map alone: the split is made only when GRAINY_SHARE of
their visible pixels differ from all four of their neighbours.

The smooth field at a pixel is the mean over a 5 x 5 patch round it, read at
every other row and column (9 of its 25 pixels) and shared by each 2 x 2
block of pixels: a quarter of the gathers and sums of a full mean, and the
field is smooth either way. A pixel's detail is its colour less that field,
so where the recolour is the identity the pixels come back as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from paletteflow.color import oklab_planes_to_srgb8, srgb8_to_oklab

# Detail (OKLab distance from the field) up to this is grain and kept: sensor noise and dither
# are smaller, the step of an antialiased edge is larger.
MAX_DETAIL = 0.045
# A picture is grainy when this share of its visible pixels differ from all four neighbours.
GRAINY_SHARE = 0.5
# Detail is kept in int8 steps of this size (OKLab): MAX_DETAIL is 127 steps.
_STEP = MAX_DETAIL / 127
# Rows handled at a time (even, so each band holds whole 2 x 2 blocks); bounds the temporaries.
_STRIPE_ROWS = 64


@dataclass(frozen=True)
class Grain:
    """Which pixels keep their detail, and that detail as (3, H, W) `_STEP`s (zero elsewhere)."""

    kept: np.ndarray
    detail: np.ndarray


def is_grainy(packed: np.ndarray, alpha: np.ndarray | None) -> bool:
    """Whether GRAINY_SHARE of the visible inner pixels differ from each of their four neighbours.

    `packed` is the (H, W) 0xRRGGBB picture; `alpha` is None for an opaque
    one. Counted a band of rows at a time, so the masks stay small.
    """
    lonely = visible = 0
    for start in range(1, len(packed) - 1, _STRIPE_ROWS):
        rows = slice(start, min(start + _STRIPE_ROWS, len(packed) - 1))
        centre = packed[rows, 1:-1]
        differs = centre != packed[rows.start - 1 : rows.stop - 1, 1:-1]
        differs &= centre != packed[rows.start + 1 : rows.stop + 1, 1:-1]
        differs &= centre != packed[rows, :-2]
        differs &= centre != packed[rows, 2:]
        if alpha is not None:
            seen = alpha[rows, 1:-1] > 0
            differs &= seen
            visible += int(seen.sum())
        else:
            visible += centre.size
        lonely += int(differs.sum())
    return visible > 0 and lonely >= GRAINY_SHARE * visible


def find_grain(inverse: np.ndarray, unique_lab: np.ndarray, alpha: np.ndarray | None) -> Grain:
    """Each pixel's detail, where it is grain.

    `inverse` is each pixel's row among the unique colours, whose OKLab
    `unique_lab` gives; `alpha` is None for an opaque picture. A pixel whose
    detail rounds to nothing (inside a fill) is painted as mapped. Only
    opaque pixels whose field reads opaque pixels alone keep detail, so no
    transparent pixel's colour leaks into one.
    """
    kept = np.zeros(inverse.shape, dtype=bool)
    detail = np.zeros((3, *inverse.shape), dtype=np.int8)
    table = _rows_of_four(unique_lab)
    for rows, samples in _stripes(len(inverse)):
        residual = _gathered(table, inverse[rows]) - _field(
            _gathered(table, inverse[samples, ::2]), rows, inverse.shape[1]
        )
        steps = np.rint(residual / np.float32(_STEP))
        grain = (steps != 0).any(axis=0)
        grain &= np.einsum("kij,kij->ij", residual, residual) <= MAX_DETAIL**2
        if alpha is not None:
            opaque = (alpha[None, samples, ::2] == 255).astype(np.float32)
            grain &= (_field(opaque, rows, inverse.shape[1])[0] == 1) & (alpha[rows] == 255)
        kept[rows] = grain
        detail[:, rows] = np.where(grain, steps, 0)
    return Grain(kept=kept, detail=detail)


def paint_grain(grain: Grain, inverse: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """The recolour as (H, W, 3) uint8 from each unique colour's new 8-bit sRGB `colors`, grain kept.

    A pixel that keeps its detail becomes the recolour's smooth field there
    plus that detail; the others take their new colour as it is.
    """
    table = _rows_of_four(srgb8_to_oklab(colors))
    painted = np.empty((*inverse.shape, 3), dtype=np.uint8)
    for rows, samples in _stripes(len(inverse)):
        lab = _field(_gathered(table, inverse[samples, ::2]), rows, inverse.shape[1])
        lab += grain.detail[:, rows] * np.float32(_STEP)
        stripe = oklab_planes_to_srgb8(lab)
        plain = ~grain.kept[rows]
        if plain.any():
            stripe[plain] = np.take(colors, inverse[rows][plain], axis=0)
        painted[rows] = stripe
    return painted


def _stripes(height: int) -> Iterator[tuple[slice, np.ndarray]]:
    """Bands of rows, each with the rows its field reads: every other row, one more each side."""
    last = (height - 1) // 2
    for start in range(0, height, _STRIPE_ROWS):
        rows = slice(start, min(start + _STRIPE_ROWS, height))
        blocks = np.arange(start // 2 - 1, (rows.stop + 1) // 2 + 1)
        yield rows, 2 * np.clip(blocks, 0, last)


def _field(samples: np.ndarray, rows: slice, width: int) -> np.ndarray:
    """(C, len(rows), width) field from `_stripes`' samples, (C, block rows + 2, blocks across).

    Each 2 x 2 block takes the mean of the 3 x 3 samples round its own
    (edge samples repeated), then its pixels share it.
    """
    down = samples[:, :-2] + samples[:, 1:-1]
    down += samples[:, 2:]
    across = np.concatenate([down[:, :, :1], down, down[:, :, -1:]], axis=2)
    mean = across[:, :, :-2] + across[:, :, 1:-1]
    mean += across[:, :, 2:]
    mean *= np.float32(1 / 9)
    count = rows.stop - rows.start
    return np.repeat(np.repeat(mean, 2, axis=1)[:, :count], 2, axis=2)[:, :, :width]


def _rows_of_four(values: np.ndarray) -> np.ndarray:
    """(N, 3) colours as N 16-byte items (float32 x 3 and a pad): np.take gathers those quickest."""
    padded = np.zeros((len(values), 4), dtype=np.float32)
    padded[:, :3] = values
    return padded.view(np.complex128).ravel()


def _gathered(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The `_rows_of_four` items at a (rows, W) `index`, as (3, rows, W) float32 planes."""
    items = np.take(table, index).view(np.float32).reshape(*index.shape, 4)
    return np.ascontiguousarray(np.moveaxis(items, 2, 0)[:3])
