"""Six measures of a recolour's quality, the ones issues 3 and 15 judge the engine by.

Inputs: the source S (taken as the engine takes it: RGBA if it has alpha, else
RGB), the result R and the palette P (hex colours). Colour difference is
CIEDE2000 on CIELAB (dE00). "Opaque" means source alpha == 255 (every pixel of
an RGB source). A result without alpha counts as alpha 255 everywhere.

1. alpha_kept: share of pixels whose alpha in R equals their alpha in S.
2. palette_true: F = the flat interior of S: opaque pixels whose whole 3x3
   neighbourhood has their RGB and alpha 255 (the image's border row and
   column are never in F). The share of F whose colour in R is within dE00 8
   of some palette colour, or within dE00 8 of pure black (or white) where the
   source pixel was itself within dE00 8 of that same neutral: pure black and
   white may stay as neutrals where that serves the design. None when F is
   empty (photos, gradients).
3. palette_used: the regions of S are the distinct colours of F that cover at
   least 2% of the opaque pixels with flat pixels, merged greedily (largest
   first) into an already kept one within dE00 10. A case is applicable when
   there are at least len(P) regions. A palette colour's coverage is the share
   of opaque pixels whose colour in R has it as nearest palette colour and lies
   within dE00 8 of it. all_used: every palette colour covers at least 2% (None
   when not applicable); colors_used_share: the share of palette colours that
   do (always).
4. smoothness: over every horizontal and vertical pair of neighbours that are
   both visible in S (alpha > 0), the Euclidean OKLab distance between their
   colours in S and the same in R; the Pearson correlation of the two over all
   pairs. Edges that were soft stay soft and flat stays flat when it is near 1;
   posterising or banding pulls it down. None when either side does not vary.
5. distinct: regions as in 3 with a 0.1% threshold; a region's output colour is
   the most common colour of R over its flat pixels. Over the pairs of regions
   whose source colours differ by more than dE00 10, the share whose output
   colours differ by more than dE00 5. None when there are no such pairs.
6. edge_contrast: over every horizontal and vertical pair of neighbours that
   are both opaque in S and whose CIELAB lightness L* differs by at least 25
   in S (outlines, strokes, one fill against another), the mean of
   min(1, |dL* in R| / (0.5 |dL* in S|)): 1 when every such edge kept at
   least half its lightness contrast, 0 when every one went flat. None when
   there are no such pairs.

Everything is vectorised, and colour differences are taken between unique
colours rather than pixels, so one 1024x1024 case measures in a small fraction
of a second. `prepare_source` does the source's half once per image; `measure`
takes that and one result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from paletteflow.color import (
    ciede2000,
    hex_to_linear,
    linear_to_cielab,
    srgb_to_linear,
    srgb_to_oklab,
)
from paletteflow.images.io import to_working_mode

PALETTE_TOLERANCE = 8.0
REGION_MERGE = 10.0
USED_SHARE = 0.02
DISTINCT_SHARE = 0.001
DISTINCT_OUTPUT = 5.0
STRONG_EDGE_L = 25.0
EDGE_KEPT_SHARE = 0.5
NEUTRALS = ("#000000", "#ffffff")
_COLORS = 1 << 24


@dataclass(frozen=True)
class Regions:
    """Source colours big enough to be regions: the kept ones and which kept one each merged into."""

    lab: np.ndarray
    member_codes: np.ndarray
    member_region: np.ndarray


@dataclass(frozen=True)
class Edges:
    """The source's strong lightness edges: flat indices of each pair's pixels and its |dL*|."""

    first: np.ndarray
    second: np.ndarray
    contrast: np.ndarray


@dataclass(frozen=True)
class Source:
    """What the measures need from the source image alone: compute once, reuse for every result."""

    size: tuple[int, int]
    alpha: np.ndarray
    opaque: np.ndarray
    flat: np.ndarray
    flat_codes: np.ndarray
    horizontal: np.ndarray
    vertical: np.ndarray
    before: np.ndarray
    used_regions: Regions
    distinct_regions: Regions
    edges: Edges


@dataclass(frozen=True)
class Quality:
    """One case's five measures; None where a measure does not apply to the image."""

    alpha_kept: float
    palette_true: float | None
    all_used: bool | None
    colors_used_share: float
    smoothness: float | None
    distinct: float | None
    edge_contrast: float | None


def prepare_source(image: Image.Image) -> Source:
    """Flat pixels, regions and neighbour distances of the source, as the definitions above say."""
    image = to_working_mode(image)
    pixels = np.asarray(image)
    height, width = pixels.shape[:2]
    alpha = pixels[..., 3] if image.mode == "RGBA" else np.full((height, width), 255, np.uint8)
    codes = pack(pixels[..., :3])
    opaque = alpha == 255
    flat = np.flatnonzero(_flat_interior(codes, opaque))
    flat_codes = codes.ravel()[flat]
    visible = alpha > 0
    horizontal = visible[:, 1:] & visible[:, :-1]
    vertical = visible[1:] & visible[:-1]
    opaque_count = int(opaque.sum())
    unique, inverse = unique_colors(codes.ravel())
    return Source(
        size=image.size,
        alpha=alpha.ravel(),
        opaque=opaque.ravel(),
        flat=flat,
        flat_codes=flat_codes,
        horizontal=horizontal,
        vertical=vertical,
        before=_neighbour_distances(
            _oklab_colors(unique)[inverse].reshape((*codes.shape, 3)), horizontal, vertical
        ),
        used_regions=_regions(flat_codes, opaque_count, USED_SHARE),
        distinct_regions=_regions(flat_codes, opaque_count, DISTINCT_SHARE),
        edges=_strong_edges(_cielab(unique)[inverse, 0].reshape(codes.shape), opaque),
    )


def measure(source: Source, result: Image.Image, palette: Sequence[str]) -> Quality:
    """The six measures of one result against its prepared source and palette."""
    result = to_working_mode(result)
    if result.size != source.size:
        raise ValueError(f"result is {result.size}, source is {source.size}")
    pixels = np.asarray(result)
    codes = pack(pixels[..., :3])
    alpha = pixels[..., 3].ravel() if result.mode == "RGBA" else np.uint8(255)
    unique, inverse = unique_colors(codes.ravel())
    palette_lab = linear_to_cielab(hex_to_linear(list(palette)))
    flat_pairs, flat_counts = np.unique(
        (source.flat_codes.astype(np.uint64) << 24) | codes.ravel()[source.flat],
        return_counts=True,
    )
    all_used, used_share = _palette_used(source, unique, inverse, palette_lab)
    return Quality(
        alpha_kept=float(np.mean(alpha == source.alpha)),
        palette_true=_palette_true(flat_pairs, flat_counts, palette_lab),
        all_used=all_used,
        colors_used_share=used_share,
        smoothness=_smoothness(source, _oklab_colors(unique)[inverse].reshape((*codes.shape, 3))),
        distinct=_distinct(source.distinct_regions, flat_pairs, flat_counts),
        edge_contrast=_edge_contrast(source.edges, _cielab(unique)[:, 0][inverse]),
    )


def pack(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 RGB to (...) uint32 codes 0xRRGGBB: one integer a colour for unique and sort."""
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def unique_colors(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(codes, return_inverse=True) through a 2^24 lookup table: ~8x faster for images."""
    present = np.zeros(_COLORS, dtype=bool)
    present[codes] = True
    unique = np.flatnonzero(present).astype(np.uint32)
    lookup = np.empty(_COLORS, dtype=np.int32)
    lookup[unique] = np.arange(len(unique), dtype=np.int32)
    return unique, lookup[codes]


def _srgb(codes: np.ndarray) -> np.ndarray:
    codes = np.asarray(codes, dtype=np.uint32)
    return np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255], axis=-1) / 255.0


def _cielab(codes: np.ndarray) -> np.ndarray:
    return linear_to_cielab(srgb_to_linear(_srgb(codes)))


def _oklab_colors(codes: np.ndarray) -> np.ndarray:
    return srgb_to_oklab(_srgb(codes)).astype(np.float32)


def _flat_interior(codes: np.ndarray, opaque: np.ndarray) -> np.ndarray:
    """Opaque pixels whose 3x3 neighbourhood is opaque and of their colour; border never flat."""
    height, width = codes.shape
    flat = np.zeros((height, width), dtype=bool)
    if height < 3 or width < 3:
        return flat
    centre = codes[1:-1, 1:-1]
    inner = opaque[1:-1, 1:-1].copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            window = (slice(1 + dy, height - 1 + dy), slice(1 + dx, width - 1 + dx))
            inner &= (codes[window] == centre) & opaque[window]
    flat[1:-1, 1:-1] = inner
    return flat


def _regions(flat_codes: np.ndarray, opaque_count: int, threshold: float) -> Regions:
    """Flat colours covering >= threshold of the opaque pixels, largest first, near-twins merged."""
    colors, counts = np.unique(flat_codes, return_counts=True)
    big = counts >= threshold * max(opaque_count, 1)
    order = np.argsort(-counts[big], kind="stable")
    colors = colors[big][order]
    lab = _cielab(colors)
    kept: list[int] = []
    owner = np.empty(len(colors), dtype=np.int64)
    for index in range(len(colors)):
        if kept:
            differences = ciede2000(lab[kept], lab[index])
            nearest = int(np.argmin(differences))
            if differences[nearest] <= REGION_MERGE:
                owner[index] = nearest
                continue
        owner[index] = len(kept)
        kept.append(index)
    by_code = np.argsort(colors)
    return Regions(lab=lab[kept], member_codes=colors[by_code], member_region=owner[by_code])


def _neighbour_distances(
    lab: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray
) -> np.ndarray:
    """OKLab distance across every counted horizontal pair, then every counted vertical pair."""
    across = lab[:, 1:] - lab[:, :-1]
    down = lab[1:] - lab[:-1]
    return np.concatenate(
        [
            np.sqrt(np.einsum("ijk,ijk->ij", across, across))[horizontal],
            np.sqrt(np.einsum("ijk,ijk->ij", down, down))[vertical],
        ]
    )


def _palette_true(
    flat_pairs: np.ndarray, flat_counts: np.ndarray, palette_lab: np.ndarray
) -> float | None:
    if flat_counts.size == 0:
        return None
    source = _cielab(flat_pairs >> np.uint64(24))
    output = _cielab(flat_pairs & np.uint64(_COLORS - 1))
    on_palette = ciede2000(output[:, None], palette_lab[None]).min(axis=1) <= PALETTE_TOLERANCE
    neutrals = linear_to_cielab(hex_to_linear(list(NEUTRALS)))
    kept_neutral = (
        (ciede2000(output[:, None], neutrals[None]) <= PALETTE_TOLERANCE)
        & (ciede2000(source[:, None], neutrals[None]) <= PALETTE_TOLERANCE)
    ).any(axis=1)
    return float(flat_counts[on_palette | kept_neutral].sum() / flat_counts.sum())


def _palette_used(
    source: Source, unique: np.ndarray, inverse: np.ndarray, palette_lab: np.ndarray
) -> tuple[bool | None, float]:
    opaque_count = int(source.opaque.sum())
    counts = np.bincount(inverse[source.opaque], minlength=len(unique))
    seen = counts > 0
    differences = ciede2000(_cielab(unique[seen])[:, None], palette_lab[None])
    nearest = np.argmin(differences, axis=1)
    close = differences[np.arange(len(nearest)), nearest] <= PALETTE_TOLERANCE
    coverage = np.bincount(
        nearest[close], weights=counts[seen][close], minlength=len(palette_lab)
    ) / max(opaque_count, 1)
    used = coverage >= USED_SHARE
    applicable = len(source.used_regions.lab) >= len(palette_lab)
    return (bool(used.all()) if applicable else None), float(used.mean())


def _smoothness(source: Source, result_lab: np.ndarray) -> float | None:
    after = _neighbour_distances(result_lab, source.horizontal, source.vertical)
    before = source.before
    if before.size < 2 or np.ptp(before) == 0 or np.ptp(after) == 0:
        return None
    return float(np.corrcoef(before, after)[0, 1])


def _distinct(regions: Regions, flat_pairs: np.ndarray, flat_counts: np.ndarray) -> float | None:
    """Share of well-separated source region pairs whose most common output colours stay apart."""
    count = len(regions.lab)
    if count < 2:
        return None
    source_codes = (flat_pairs >> np.uint64(24)).astype(np.uint32)
    slot = np.minimum(
        np.searchsorted(regions.member_codes, source_codes), len(regions.member_codes) - 1
    )
    member = regions.member_codes[slot] == source_codes
    region = regions.member_region[slot[member]]
    output_codes = (flat_pairs[member] & np.uint64(_COLORS - 1)).astype(np.int64)
    keys, key_index = np.unique(region * _COLORS + output_codes, return_inverse=True)
    totals = np.bincount(key_index, weights=flat_counts[member])
    best = np.lexsort((-totals, keys // _COLORS))
    first = np.searchsorted((keys // _COLORS)[best], np.arange(count))
    output_lab = _cielab(keys[best][first] % _COLORS)
    upper = np.triu_indices(count, k=1)
    apart = ciede2000(regions.lab[upper[0]], regions.lab[upper[1]]) > REGION_MERGE
    if not apart.any():
        return None
    changed = ciede2000(output_lab[upper[0]], output_lab[upper[1]]) > DISTINCT_OUTPUT
    return float(changed[apart].mean())


def _strong_edges(lightness: np.ndarray, opaque: np.ndarray) -> Edges:
    """Neighbour pairs, both opaque, whose L* differs by at least STRONG_EDGE_L."""
    index = np.arange(lightness.size, dtype=np.int64).reshape(lightness.shape)
    firsts, seconds, contrasts = [], [], []
    for first, second in ((np.s_[:, :-1], np.s_[:, 1:]), (np.s_[:-1], np.s_[1:])):
        difference = np.abs(lightness[first] - lightness[second])
        strong = opaque[first] & opaque[second] & (difference >= STRONG_EDGE_L)
        firsts.append(index[first][strong])
        seconds.append(index[second][strong])
        contrasts.append(difference[strong])
    return Edges(np.concatenate(firsts), np.concatenate(seconds), np.concatenate(contrasts))


def _edge_contrast(edges: Edges, result_lightness: np.ndarray) -> float | None:
    """Mean share of half its source contrast that each strong edge keeps, capped at 1."""
    if edges.contrast.size == 0:
        return None
    kept = np.abs(result_lightness[edges.first] - result_lightness[edges.second])
    return float(np.minimum(1.0, kept / (EDGE_KEPT_SHARE * edges.contrast)).mean())
