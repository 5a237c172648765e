"""Where each colour sits among the key colours, as a few weighted primitives; once per image.

A primitive is a key colour (a vertex) or the segment between two keys that
meet in the image (an antialiased edge mixes them in sRGB). Each colour keeps
the few primitives nearest to it, with smooth compactly supported weights:
a fill sits on its own vertex with weight 1, an edge pixel on its segment
with its mixing position, a shade near its vertex. Recolouring then moves the
primitives (Tan et al. 2016: swap the vertices and every mixture follows)
without repeating any of this geometry per palette.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paletteflow.recolor.keys import segment_distances

PRIMITIVES_PER_COLOR = 4
# Points a pass: the (points x primitives) tables are the largest thing `analyze` allocates.
_CHUNK = 2048


@dataclass(frozen=True)
class Support:
    """Per evaluation point: its primitives (rows of `pairs`), weights, segment positions, residuals."""

    pairs: np.ndarray
    primitive: np.ndarray
    weight: np.ndarray
    position: np.ndarray
    residual: np.ndarray


def primitive_pairs(key_count: int, adjacent: np.ndarray) -> np.ndarray:
    """(P, 2) key pairs: (k, k) for each vertex, then each pair of keys that touch in the image."""
    vertices = np.repeat(np.arange(key_count)[:, None], 2, axis=1)
    return np.concatenate([vertices, adjacent.reshape(-1, 2)]).astype(np.int64)


def through_keys_dropped(keys: np.ndarray, adjacent: np.ndarray, width: float) -> np.ndarray:
    """The touching pairs less those whose segment runs through a third key that touches both.

    The bands of a gradient are keys on one line in sRGB, and each touches
    several others: a colour between two bands would lie on every segment
    spanning it and take whichever mixture rounding favours, band by band,
    which paints stripes. Where key k sits on segment i-j (within `width`,
    strictly inside) and i-k and k-j are segments themselves, i-j goes: the
    colour is explained by its nearest bands, so the gradient is interpolated
    piece by piece along its own path.
    """
    touching = {(int(i), int(j)) for i, j in adjacent} | {(int(j), int(i)) for i, j in adjacent}
    kept = []
    for i, j in adjacent:
        others = [k for k in range(len(keys)) if (i, k) in touching and (k, j) in touching]
        if others:
            along, gap = segment_distances(keys[others], keys[i], keys[j])
            if ((gap < width) & (along > 0.02) & (along < 0.98)).any():
                continue
        kept.append((i, j))
    return np.array(kept, dtype=np.int64).reshape(-1, 2)


def locate(points: np.ndarray, keys: np.ndarray, pairs: np.ndarray, width: float) -> Support:
    """Support of each sRGB point; `width` is how far (in sRGB) a primitive's influence reaches.

    Segments start `width` behind vertices, so a fill that happens to lie on the
    line between two other keys stays itself, and a pixel only counts as an
    edge mixture when it is clearly between its two keys.
    """
    count = min(PRIMITIVES_PER_COLOR, len(pairs))
    primitive = np.zeros((len(points), count), dtype=np.int16)
    weight = np.zeros((len(points), count), dtype=np.float32)
    position = np.zeros((len(points), count), dtype=np.float32)
    for start in range(0, len(points), _CHUNK):
        rows = slice(start, start + _CHUNK)
        distance, along = _distances(points[rows], keys, pairs, width)
        nearest = distance.min(axis=1, keepdims=True)
        influence = _bump((distance - nearest) / width)
        order = np.argsort(-influence, axis=1, kind="stable")[:, :count]
        primitive[rows] = order
        weight[rows] = np.take_along_axis(influence, order, axis=1)
        position[rows] = np.take_along_axis(along, order, axis=1)
    weight /= weight.sum(axis=1, keepdims=True)
    first, second = keys[pairs[primitive, 0]], keys[pairs[primitive, 1]]
    projection = first + position[..., None] * (second - first)
    residual = (points[:, None, :] - projection).astype(np.float32)
    return Support(pairs, primitive, weight, position, residual)


def blend_all(points_lab: np.ndarray, keys_lab: np.ndarray) -> Support:
    """Support for images without fills (photos, soft gradients): every key, Gaussian weights.

    With no crisp colours to keep, smoothness wins: overlapping kernels as wide
    as the typical gap between keys (Chang et al. 2015's radial basis transfer),
    so neighbouring colours always move together and nothing bands.
    """
    count = len(keys_lab)
    pairs = primitive_pairs(count, np.zeros((0, 2), dtype=np.int64))
    if count == 1:
        width = 1.0
    else:
        gaps = np.sqrt(((keys_lab[:, None] - keys_lab[None]) ** 2).sum(axis=2))
        np.fill_diagonal(gaps, np.inf)
        width = max(float(np.median(gaps.min(axis=1))), 1e-3)
    weight = np.empty((len(points_lab), count), dtype=np.float32)
    for start in range(0, len(points_lab), _CHUNK):
        rows = slice(start, start + _CHUNK)
        squared = ((points_lab[rows, None, :] - keys_lab[None]) ** 2).sum(axis=2)
        logits = -(squared - squared.min(axis=1, keepdims=True)) / (2 * width * width)
        weight[rows] = np.exp(logits)
    weight /= weight.sum(axis=1, keepdims=True)
    primitive = np.broadcast_to(np.arange(count, dtype=np.int16), weight.shape).copy()
    position = np.zeros(weight.shape, dtype=np.float32)
    residual = np.zeros((*weight.shape, 3), dtype=np.float32)
    return Support(pairs, primitive, weight, position, residual)


def _distances(
    points: np.ndarray, keys: np.ndarray, pairs: np.ndarray, width: float
) -> tuple[np.ndarray, np.ndarray]:
    distance = np.empty((len(points), len(pairs)), dtype=np.float32)
    along = np.zeros((len(points), len(pairs)), dtype=np.float32)
    for index, (first, second) in enumerate(pairs):
        if first == second:
            distance[:, index] = np.sqrt(((points - keys[first]) ** 2).sum(axis=1))
        else:
            along[:, index], gap = segment_distances(points, keys[first], keys[second])
            distance[:, index] = gap + width
    return distance, along


def _bump(x: np.ndarray) -> np.ndarray:
    """1 at 0, falling smoothly to exactly 0 at 1: far primitives get no weight at all."""
    inside = np.clip(1.0 - x * x, 0.0, 1.0)
    return inside * inside * inside
