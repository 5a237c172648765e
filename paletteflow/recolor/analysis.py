"""Everything recolouring needs that does not depend on the palette, computed once per image.

A run maps one image over many palettes; unique colours, key colours, the
background, which keys touch, and where every colour sits among them are the
same for all of them, so the per-palette work is a few small array passes
and one gather back to pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
from PIL import Image, ImageOps

from paletteflow.color import oklab_to_srgb, srgb_to_oklab
from paletteflow.errors import InputError
from paletteflow.images.io import DEFAULT_MAX_PIXELS, to_working_mode
from paletteflow.recolor.gradient_map import Ramp, find_ramp
from paletteflow.recolor.grain import Grain, find_grain, is_grainy
from paletteflow.recolor.keys import (
    CHUNK,
    adjacent_pairs,
    background_key,
    chunked_bincount,
    cluster_keys,
    families,
    flat_keys,
    nearest_key,
    region_count,
)
from paletteflow.recolor.support import (
    Support,
    blend_all,
    locate,
    primitive_pairs,
    through_keys_dropped,
)
from paletteflow.recolor.transfer import LutCells, lut_cells, lut_grid

MAX_EXACT_COLORS = 65536
LUT_STEPS = 17
_LAB_CHUNK = 1 << 15
# Mixtures covering twice a border's pixel pairs (both 1 and 2 apart): several pixels wide.
SOFT_BORDER = 2.0
# From 2**23 pixels (about 2900 px square) the 80 MB colour tables are under 2.5x the decoded image.
TABLES_FROM_PIXELS = 1 << 23


@dataclass(frozen=True)
class Analysis:
    """An image's colour structure. `support` is at the unique colours, or at a LUT's nodes."""

    size: tuple[int, int]
    mode: str
    inverse: np.ndarray
    unique_srgb: np.ndarray
    unique_lab: np.ndarray
    keys_lab: np.ndarray
    key_shares: np.ndarray
    key_unique: np.ndarray
    key_family: np.ndarray
    regions: int
    adjacent: np.ndarray
    border_lengths: np.ndarray
    opaque_borders: np.ndarray
    soft_borders: np.ndarray
    background: int | None
    support: Support
    support_lab: np.ndarray
    lut: LutCells | None
    ramp: Ramp | None
    grain: Grain | None

    @property
    def fill_count(self) -> int:
        """Keys that are exact fills; they come first and are the ones with a unique colour."""
        return int((self.key_unique >= 0).sum())


def prepare(image: Image.Image, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Upright 8-bit RGB or RGBA, refusing images too large to recolour in memory."""
    width, height = image.size
    if width * height > max_pixels:
        raise InputError(
            f"the image has {width}x{height} pixels, more than {max_pixels}; "
            "downscale it or raise max_pixels"
        )
    if width == 0 or height == 0:
        raise InputError("the image is empty (0 pixels); give an image with content")
    return to_working_mode(ImageOps.exif_transpose(image))


def analyze(image: Image.Image, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Analysis:
    """Analyse `image` for recolouring; pass the result to every `recolor_image` call for it."""
    image = prepare(image, max_pixels)
    pixels = np.asarray(image)
    height, width = pixels.shape[:2]
    packed = _packed_rgb(pixels)
    unique, inverse = unique_and_index(packed)
    alpha = pixels[..., 3] if image.mode == "RGBA" else None
    mass = chunked_bincount(inverse.ravel(), len(unique), None if alpha is None else alpha.ravel())
    if alpha is not None:
        mass /= 255.0
    flat_counts = chunked_bincount(inverse[_flat(packed, alpha)], len(unique))
    grainy = is_grainy(packed, alpha)
    del packed
    unique_srgb = np.stack(
        [(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1
    ).astype(np.float32) / np.float32(255.0)
    unique_lab = np.empty(unique_srgb.shape, dtype=np.float32)
    for start in range(0, len(unique), _LAB_CHUNK):
        rows = slice(start, start + _LAB_CHUNK)
        unique_lab[rows] = srgb_to_oklab(unique_srgb[rows])
    fills = flat_keys(unique_lab, flat_counts, background_key(inverse, alpha, len(unique)))
    extra_lab = cluster_keys(unique_srgb, unique_lab, mass, unique_srgb[fills], unique_lab[fills])
    if len(fills) + len(extra_lab) == 0:
        fills = np.array([int(np.argmax(mass))])
    keys_lab = np.vstack([unique_lab[fills], extra_lab])
    keys_srgb = np.vstack([unique_srgb[fills], np.clip(oklab_to_srgb(extra_lab), 0.0, 1.0)])
    key_of_unique = nearest_key(unique_lab, keys_lab)
    key_shares = np.bincount(key_of_unique, weights=mass, minlength=len(keys_lab))
    key_shares = key_shares / max(key_shares.sum(), 1e-12)
    key_of_pixel = key_of_unique[inverse]
    visible = np.ones((height, width), bool) if alpha is None else alpha > 0
    opaque = None if alpha is None else alpha == 255
    background = background_key(key_of_pixel, alpha, len(keys_lab))
    adjacent, border_lengths, opaque_borders = adjacent_pairs(
        key_of_pixel, visible, opaque, len(keys_lab)
    )
    ground = (
        np.zeros(len(unique), dtype=bool) if background is None else key_of_unique == background
    )
    ramp = (
        find_ramp(unique_lab, mass, flat_counts, inverse, visible, ground)
        if len(unique) <= MAX_EXACT_COLORS
        else None
    )
    del key_of_pixel, visible, opaque, flat_counts
    grain = find_grain(inverse, unique_lab, alpha) if grainy else None
    del pixels, alpha
    width = _influence_width(keys_srgb)
    pairs = primitive_pairs(len(keys_lab), through_keys_dropped(keys_srgb, adjacent, 2 * width))
    if len(unique) <= MAX_EXACT_COLORS:
        points_srgb, support_lab, lut = unique_srgb, unique_lab, None
    else:
        points_srgb = lut_grid(LUT_STEPS)
        support_lab, lut = srgb_to_oklab(points_srgb), lut_cells(unique_srgb, LUT_STEPS)
    support = (
        locate(points_srgb, keys_srgb, pairs, width)
        if len(fills)
        else blend_all(support_lab, keys_lab)
    )
    soft = (
        _soft_borders(support, adjacent, border_lengths, mass)
        if lut is None
        else np.zeros(len(adjacent), dtype=bool)
    )
    return Analysis(
        size=image.size,
        mode=image.mode,
        inverse=inverse,
        unique_srgb=unique_srgb,
        unique_lab=unique_lab,
        keys_lab=keys_lab,
        key_shares=key_shares,
        key_family=families(keys_lab, len(fills), adjacent),
        regions=region_count(keys_lab, key_shares, len(fills)),
        adjacent=adjacent,
        border_lengths=border_lengths,
        opaque_borders=opaque_borders,
        soft_borders=soft,
        key_unique=np.concatenate([fills, np.full(len(extra_lab), -1)]).astype(np.int64),
        background=background,
        support=support,
        support_lab=support_lab,
        lut=lut,
        ramp=ramp,
        grain=grain,
    )


def _soft_borders(
    support: Support, adjacent: np.ndarray, border_lengths: np.ndarray, mass: np.ndarray
) -> np.ndarray:
    """Per touching pair of keys: whether they meet in a gradient rather than at an edge.

    An antialiased edge mixes its two colours in a band about a pixel wide;
    the bands of a gradient are joined by mixtures many pixels wide. So a
    border is soft when the colours strictly between its keys (their main
    primitive is its segment) cover SOFT_BORDER times its length or more.
    `support` must be at the unique colours, whose pixel counts `mass` gives.
    """
    soft = np.zeros(len(adjacent), dtype=bool)
    main, position = support.primitive[:, 0], support.position[:, 0]
    between = np.bincount(
        main, weights=mass * ((position > 0.1) & (position < 0.9)), minlength=len(support.pairs)
    )
    row = {(int(i), int(j)): k for k, (i, j) in enumerate(support.pairs)}
    for k, (i, j) in enumerate(adjacent):
        index = row.get((int(i), int(j)))
        soft[k] = index is not None and between[index] >= SOFT_BORDER * border_lengths[k]
    return soft


def _packed_rgb(pixels: np.ndarray) -> np.ndarray:
    """(H, W) uint32 0xRRGGBB, built in place: no full-size temporaries beyond the result."""
    packed = pixels[..., 0].astype(np.uint32)
    packed <<= 8
    packed |= pixels[..., 1]
    packed <<= 8
    packed |= pixels[..., 2]
    return packed


def unique_and_index(
    packed: np.ndarray, tables_from: int = TABLES_FROM_PIXELS
) -> tuple[np.ndarray, np.ndarray]:
    """The sorted unique 0xRRGGBB values and each pixel's row among them (int32).

    Large images go through tables over all 2**24 colours, a flag for each
    colour present and a row for each, instead of sorting and binary-searching
    every pixel, several times faster on large photo-like images at the same
    peak RSS (docs/performance.md). The tables take 80 MB, so smaller images, where
    that would pass the memory budget of 10x the decoded image, keep np.unique
    and np.searchsorted. Pixels go through a slice at a time to bound the index
    temporaries.
    """
    flat = packed.ravel()
    if flat.size < tables_from:
        unique = np.unique(flat)
        row_of = partial(np.searchsorted, unique)
    else:
        unique, rows = _color_tables(flat)
        row_of = rows.take
    inverse = np.empty(flat.shape, dtype=np.int32)
    for start in range(0, len(flat), CHUNK):
        inverse[start : start + CHUNK] = row_of(flat[start : start + CHUNK])
    return unique, inverse.reshape(packed.shape)


def _color_tables(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The colours present, sorted, and a 2**24-entry table of each one's row among them."""
    present = np.zeros(1 << 24, dtype=bool)
    for start in range(0, len(flat), CHUNK):
        present[flat[start : start + CHUNK]] = True
    unique = np.flatnonzero(present).astype(np.uint32)
    del present
    rows = np.empty(1 << 24, dtype=np.int32)
    rows[unique] = np.arange(len(unique), dtype=np.int32)
    return unique, rows


def _flat(packed: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """Opaque pixels equal to their four neighbours: the inside of a fill, not its edge."""
    flat = np.zeros(packed.shape, dtype=bool)
    centre = packed[1:-1, 1:-1]
    flat[1:-1, 1:-1] = (
        (centre == packed[:-2, 1:-1])
        & (centre == packed[2:, 1:-1])
        & (centre == packed[1:-1, :-2])
        & (centre == packed[1:-1, 2:])
    )
    if alpha is not None:
        flat &= alpha == 255
    return flat


def _influence_width(keys_srgb: np.ndarray) -> float:
    """How far a primitive's influence reaches: a quarter of the closest gap between keys.

    Fills are exact colours, so a narrow reach keeps each fill on its own key
    while shades and edge pixels between keys still blend smoothly.
    """
    if len(keys_srgb) < 2:
        return 0.05
    gaps = np.sqrt(((keys_srgb[:, None] - keys_srgb[None]) ** 2).sum(axis=2))
    np.fill_diagonal(gaps, np.inf)
    nearest = gaps.min(axis=1)
    return float(np.clip(0.25 * nearest.min(), 0.01, 0.05))
