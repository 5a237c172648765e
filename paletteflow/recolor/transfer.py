"""Per palette: move the primitives to their targets and carry every colour along.

Segments mix their two targets in sRGB at the colour's own position, so an
antialiased edge becomes the edge the renderer would have drawn with the new
colours. Vertices carry shading in OKLab: the lightness offset from the key
is kept where the target leaves room and compressed where it does not (so
the order of lightness never flips), and the chroma offset turns with the hue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paletteflow.color import oklab_to_srgb
from paletteflow.recolor.support import Support

_HUE_TURN_CHROMA = 0.04
_CHROMA_SCALE_RANGE = (0.3, 1.0)
_LUT_CHUNK = 131072


def move(
    points_lab: np.ndarray,
    support: Support,
    keys_lab: np.ndarray,
    targets_lab: np.ndarray,
) -> np.ndarray:
    """(N, 3) sRGB in [0, 1] for the support's points once each key goes to its target."""
    targets_srgb = np.clip(oklab_to_srgb(targets_lab), 0.0, 1.0)
    moved = np.zeros((len(points_lab), 3))
    for column in range(support.primitive.shape[1]):
        weight = support.weight[:, column]
        rows = np.flatnonzero(weight > 0)
        pairs = support.pairs[support.primitive[rows, column]]
        first, second = pairs[:, 0], pairs[:, 1]
        position = support.position[rows, column, None].astype(np.float64)
        value = (
            (1.0 - position) * targets_srgb[first]
            + position * targets_srgb[second]
            + support.residual[rows, column]
        )
        vertex = first == second
        value[vertex] = oklab_to_srgb(
            shade(points_lab[rows[vertex]], keys_lab[first[vertex]], targets_lab[first[vertex]])
        )
        moved[rows] += weight[rows, None] * value
    return np.clip(moved, 0.0, 1.0)


def shade(points: np.ndarray, keys: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """OKLab colours near `keys` moved next to `targets`, keeping their offset as shading."""
    offset_l = points[:, 0] - keys[:, 0]
    room_up = (1.0 - targets[:, 0]) / np.maximum(1.0 - keys[:, 0], 1e-6)
    room_down = targets[:, 0] / np.maximum(keys[:, 0], 1e-6)
    lightness = targets[:, 0] + offset_l * np.minimum(
        1.0, np.where(offset_l > 0, room_up, room_down)
    )
    key_chroma = np.hypot(keys[:, 1], keys[:, 2])
    target_chroma = np.hypot(targets[:, 1], targets[:, 2])
    turn = (
        np.arctan2(targets[:, 2], targets[:, 1]) - np.arctan2(keys[:, 2], keys[:, 1])
    ) * np.clip(np.minimum(key_chroma, target_chroma) / _HUE_TURN_CHROMA, 0.0, 1.0)
    scale = np.where(
        key_chroma > _HUE_TURN_CHROMA / 2,
        np.clip(target_chroma / np.maximum(key_chroma, 1e-6), *_CHROMA_SCALE_RANGE),
        1.0,
    )
    offset_a, offset_b = points[:, 1] - keys[:, 1], points[:, 2] - keys[:, 2]
    cos, sin = np.cos(turn), np.sin(turn)
    a = targets[:, 1] + scale * (cos * offset_a - sin * offset_b)
    b = targets[:, 2] + scale * (sin * offset_a + cos * offset_b)
    return np.stack([lightness, a, b], axis=1)


def lut_grid(steps: int) -> np.ndarray:
    """(steps**3, 3) sRGB nodes of a regular grid, red slowest, as `interpolate` expects."""
    axis = np.linspace(0.0, 1.0, steps)
    red, green, blue = np.meshgrid(axis, axis, axis, indexing="ij")
    return np.stack([red.ravel(), green.ravel(), blue.ravel()], axis=1)


@dataclass(frozen=True)
class LutCells:
    """Where each point sits in a `lut_grid`: its cell's lowest node, and its place inside it.

    The same for every palette, so it is found once per image and each
    palette's lookup is only the eight gathers and their weights.
    """

    steps: int
    base: np.ndarray
    fraction: np.ndarray


def lut_cells(points: np.ndarray, steps: int) -> LutCells:
    """The cells of sRGB `points` in a (steps**3, 3) grid, in chunks to bound memory."""
    base = np.empty(len(points), dtype=np.int32)
    fraction = np.empty((len(points), 3), dtype=np.float32)
    for start in range(0, len(points), _LUT_CHUNK):
        rows = slice(start, start + _LUT_CHUNK)
        scaled = points[rows].astype(np.float32) * np.float32(steps - 1)
        low = np.minimum(scaled.astype(np.int32), steps - 2)
        fraction[rows] = scaled - low
        base[rows] = (low[:, 0] * steps + low[:, 1]) * steps + low[:, 2]
    return LutCells(steps, base, fraction)


def interpolate(lut: np.ndarray, cells: LutCells) -> np.ndarray:
    """Trilinear lookup of the points of `cells` in a (steps**3, 3) table, in chunks."""
    table = lut.astype(np.float32)
    steps = cells.steps
    corners = [
        (dr * steps * steps + dg * steps + db, dr, dg, db)
        for dr in (0, 1)
        for dg in (0, 1)
        for db in (0, 1)
    ]
    result = np.empty((len(cells.base), 3))
    for start in range(0, len(cells.base), _LUT_CHUNK):
        rows = slice(start, start + _LUT_CHUNK)
        base, high = cells.base[rows], cells.fraction[rows]
        low = 1 - high
        total = np.zeros((len(base), 3), dtype=np.float32)
        for offset, dr, dg, db in corners:
            weight = (
                (high[:, 0] if dr else low[:, 0])
                * (high[:, 1] if dg else low[:, 1])
                * (high[:, 2] if db else low[:, 2])
            )
            # np.take gathers rows several times faster than fancy indexing does.
            total += weight[:, None] * np.take(table, base + offset, axis=0)
        result[rows] = total
    return result
