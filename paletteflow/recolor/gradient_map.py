"""A picture that is one colour ramp, recoloured as a gradient map along palette colours.

Keys and kernels move a ramp band by band: each band lands on or near a
palette colour and the colours between follow whichever keys are nearest, so
a smooth ramp (Kotlin's logo) comes out in ripples and stripes. A designer
maps such a ramp onto a path between two palette colours instead (Photoshop's
Gradient Map): each colour's place along the source ramp becomes a place on
the path, so neighbours stay neighbours and the ramp stays a ramp.

The ramp is found once per image (`find_ramp`): the visible colours, less
the ground, lie along one curve in OKLab (a principal curve through
mass-weighted quantile bins of the first principal axis) and their mass is
spread along it, not piled on a few fills joined by antialiasing. Per palette
(`map_ramp`), every pair of palette colours, either way round, is a
candidate path, running a little past each end; the path is walked slowly
inside the room round each palette colour (CIEDE2000 ROOM_DE00, within the
measure of being on the palette) and RATIOS times faster between, so most of
the picture's flat area sits on palette colours. The path and ratio kept are
those that keep neighbouring colours' differences most in proportion (the
Pearson correlation of before and after over the image's neighbour pairs,
as painted in 8 bits) among those that leave at least ON_PALETTE_GOAL of the
flat area on the palette and keep the strong edges; and only when that beats
the keys' own result by the same correlation. Ramps beside flat fills, and
ramps the keys keep smoother, stay with the keys (`assignment` rule 7).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from paletteflow.color import ciede2000, oklab_to_cielab, oklab_to_srgb, srgb_to_oklab

# Curve fit: this many mass quantiles along the first principal axis, one polyline vertex each.
CURVE_BINS = 24
# A colour this far (OKLab) from the curve is not on the ramp (an edge against the ground).
ON_CURVE_LAB = 0.03
# The picture is one ramp when this share of its mass, less the ground, lies on the curve ...
RAMP_MASS_SHARE = 0.95
# ... the curve is at least this long (OKLab): a ramp between colours, not one fill's shading ...
MIN_RAMP_LENGTH = 0.12
# ... and its mass is spread along it: this share of SPREAD_BINS equal stretches hold
# SPREAD_MASS of it each. Fills joined by antialiasing pile their mass at a few places.
SPREAD_BINS = 16
SPREAD_MASS = 0.01
SPREAD_SHARE = 0.6
# Below this mean OKLab chroma the ramp is grey (shadows, a neutral ramp): the keys keep it.
MIN_RAMP_CHROMA = 0.04
# A palette colour's room: a little inside the CIEDE2000 8 that counts as on the palette.
ROOM_DE00 = 7.0
# Strong edges as the edge-contrast measure takes them: CIELAB L* this far apart.
STRONG_EDGE_L = 25.0
# A path keeps as much of the strong edges' needed contrast as the keys' result, less
# EDGE_ALLOWANCE, or EDGE_GOAL of it: the keys step a ramp darker against a light ground,
# in stripes, and a smooth ramp that keeps most of the contrast reads better.
EDGE_ALLOWANCE = 0.02
EDGE_GOAL = 0.85
# Regions as the distinct measure counts them: flat colours of REGION_SHARE of the flat pixels or
# more, each REGION_APART (CIEDE2000) from larger ones; apart in a result at DISTINCT_APART. The
# ramp's result may keep DISTINCT_ALLOWANCE fewer pairs of them apart than the keys' result.
REGION_SHARE = 0.001
REGION_APART = 10.0
DISTINCT_APART = 5.0
DISTINCT_ALLOWANCE = 0.1
# Share of the ramp's flat pixels a path must put in rooms, and the speeds tried between rooms
# (slowest first: the evenest walk that puts enough on the palette is taken).
ON_PALETTE_GOAL = 0.85
RATIOS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
# Points along a path at which its rooms are found.
PATH_SAMPLES = 256
# Neighbour pairs kept for the correlation: at most this many distinct pairs of colours.
MAX_PAIRS = 20000
# Rows of pixels whose touching pairs are counted at a time.
_BAND_ROWS = 128


@dataclass(frozen=True)
class Pairs:
    """Distinct touching pairs of colours (`first`, `second`: indices into `colors`, rows of
    the unique colours), how often each touches, and how many touching pairs of pixels share
    a colour: what the smoothness and edge-contrast measures read."""

    colors: np.ndarray
    first: np.ndarray
    second: np.ndarray
    touching: np.ndarray
    still: int

    @classmethod
    def of(cls, first: np.ndarray, second: np.ndarray, touching: np.ndarray, still: int) -> Pairs:
        colors, local = np.unique(np.concatenate([first, second]), return_inverse=True)
        return cls(colors, local[: len(first)], local[len(first) :], touching, still)

    def judged(self, source_lab: np.ndarray, result_lab: np.ndarray) -> tuple[float, float]:
        """Smoothness (the correlation of before and after) and the share of the strong
        edges' needed contrast kept, for `result_lab` (every unique colour) as painted."""
        source_lab = source_lab[self.colors]
        result_lab = _as_painted(result_lab[self.colors])
        before = _distances(source_lab, self.first, self.second)
        after = _distances(result_lab, self.first, self.second)
        smooth = _correlation(before, after, self.touching, self.still)
        lightness = oklab_to_cielab(source_lab)[:, 0]
        needed = np.abs(lightness[self.first] - lightness[self.second])
        strong = needed >= STRONG_EDGE_L
        if not strong.any():
            return smooth, 1.0
        result = oklab_to_cielab(result_lab)[:, 0]
        kept = np.abs(result[self.first[strong]] - result[self.second[strong]])
        return smooth, _kept_share(kept, 0.5 * needed[strong], self.touching[strong])


def ramp_is_better(
    ramp: Ramp, source_lab: np.ndarray, by_keys: np.ndarray, by_ramp: np.ndarray
) -> bool:
    """Whether the whole picture recoloured along the ramp (`by_ramp`, every unique colour in
    OKLab) is smoother than by its keys (`by_keys`) and keeps the strong edges about as well.

    The path was chosen on the ramp's own colours; the colours off it (a
    second shape, the rim against a ground) follow the ramp's keys, and only
    the whole picture shows whether they followed well.
    """
    keys_smooth, keys_edges = ramp.picture.judged(source_lab, by_keys)
    smooth, edges = ramp.picture.judged(source_lab, by_ramp)
    return (
        smooth > keys_smooth
        and edges >= min(keys_edges - EDGE_ALLOWANCE, EDGE_GOAL)
        and _distinct(ramp.regions, source_lab, by_ramp)
        >= _distinct(ramp.regions, source_lab, by_keys) - DISTINCT_ALLOWANCE
    )


def _distinct(regions: np.ndarray, source_lab: np.ndarray, result_lab: np.ndarray) -> float:
    """Share of pairs of `regions` (unique rows) far apart in the source (CIEDE2000
    REGION_APART) that stay apart in the result (DISTINCT_APART), as the distinct measure asks."""
    if len(regions) < 2:
        return 1.0
    upper = np.triu_indices(len(regions), k=1)
    source = oklab_to_cielab(source_lab[regions])
    apart = ciede2000(source[upper[0]], source[upper[1]]) > REGION_APART
    if not apart.any():
        return 1.0
    result = oklab_to_cielab(_as_painted(result_lab[regions]))
    return float((ciede2000(result[upper[0]], result[upper[1]])[apart] > DISTINCT_APART).mean())


@dataclass(frozen=True)
class Ramp:
    """The colours on the ramp (rows of the analysis's unique colours) and where they sit.

    `position` is the arc length along the curve from the ramp's first colour, `offset`
    each colour's OKLab offset from its foot on the curve; `flat` its flat
    pixels; `first` and `second` are distinct touching pairs of ramp colours
    (indices into `members`), `touching` how often each pair touches, `still`
    how many touching pairs of ramp pixels share a colour, and `rim` how often
    each ramp colour touches a visible colour off the ramp (the ground's edge).
    `picture` holds the same for every visible colour (rows of the unique
    colours), to judge whole results by, and `regions` the picture's regions
    (rows of the unique colours).
    """

    members: np.ndarray
    position: np.ndarray
    offset: np.ndarray
    flat: np.ndarray
    first: np.ndarray
    second: np.ndarray
    touching: np.ndarray
    still: int
    rim: np.ndarray
    length: float
    picture: Pairs
    regions: np.ndarray

    def index_of(self, rows: np.ndarray) -> np.ndarray:
        """Each unique colour row's index among `members` (sorted), -1 off the ramp."""
        index = np.minimum(np.searchsorted(self.members, rows), len(self.members) - 1)
        return np.where(self.members[index] == rows, index, -1)


def find_ramp(
    unique_lab: np.ndarray,
    mass: np.ndarray,
    flat_counts: np.ndarray,
    inverse: np.ndarray,
    visible: np.ndarray,
    ground: np.ndarray,
) -> Ramp | None:
    """The picture's ramp, or None when the picture is not one ramp.

    `ground` marks the unique colours of an opaque ground (left to the keys).
    """
    weight = np.where(ground, 0.0, mass)
    total = weight.sum()
    if total <= 0:
        return None
    seen = np.flatnonzero(weight > 0)
    curve = _principal_curve(unique_lab[seen], weight[seen])
    if curve is None:
        return None
    position, offset = _project(unique_lab[seen], curve)
    on_curve = np.linalg.norm(offset, axis=1) <= ON_CURVE_LAB
    if not on_curve.any():
        return None
    position -= position[on_curve].min()
    length = float(position[on_curve].max())
    on_mass = weight[seen][on_curve]
    if on_mass.sum() < RAMP_MASS_SHARE * total or length < MIN_RAMP_LENGTH:
        return None
    chroma = np.hypot(unique_lab[seen][on_curve, 1], unique_lab[seen][on_curve, 2])
    if np.average(chroma, weights=on_mass) < MIN_RAMP_CHROMA:
        return None
    stretches = np.bincount(
        np.minimum((position[on_curve] / length * SPREAD_BINS).astype(int), SPREAD_BINS - 1),
        weights=on_mass,
        minlength=SPREAD_BINS,
    )
    if (stretches >= SPREAD_MASS * on_mass.sum()).mean() < SPREAD_SHARE:
        return None
    members = seen[on_curve]
    row = np.full(len(unique_lab), -1, dtype=np.int32)
    row[members] = np.arange(len(members), dtype=np.int32)
    touching_pairs = _Touching.of(inverse, visible, len(unique_lab))
    first, second, touching, still = touching_pairs.among(row)
    picture = Pairs.of(*touching_pairs.among(np.arange(len(unique_lab), dtype=np.int32)))
    regions = _regions(unique_lab, flat_counts)
    return Ramp(
        members=members,
        position=position[on_curve],
        offset=offset[on_curve],
        flat=flat_counts[members].astype(np.float64),
        first=first,
        second=second,
        touching=touching,
        still=still,
        rim=touching_pairs.rim(row),
        length=length,
        picture=picture,
        regions=regions,
    )


def map_ramp(
    ramp: Ramp,
    source_lab: np.ndarray,
    result_lab: np.ndarray,
    palette_lab: np.ndarray,
    ground: Ground | None = None,
) -> np.ndarray | None:
    """The ramp's colours (OKLab, in `members` order, as `source_lab` and the keys' result
    `result_lab`) on the best path through the palette, or None when the keys' result keeps
    the ramp smoother.

    A path counts only if it keeps the strong edges inside the ramp, and
    against an opaque ground, about as well as the keys' result does (or
    EDGE_GOAL of their needed contrast), and it avoids the ground's palette
    colours, so the ramp stands out from what lies round it.
    """
    edges = _Edges.of(ramp, source_lab, ground)
    before = _distances(source_lab, ramp.first, ramp.second)

    def smoothness(colors: np.ndarray) -> float:
        after = _distances(colors, ramp.first, ramp.second)
        return _correlation(before, after, ramp.touching, ramp.still)

    painted = _as_painted(result_lab)
    best, best_smooth = None, smoothness(painted)
    edges_needed = min(edges.kept(painted) - EDGE_ALLOWANCE, EDGE_GOAL)
    palette_cielab = oklab_to_cielab(palette_lab)
    usable = [c for c in range(len(palette_lab)) if ground is None or c not in ground.colors]
    colors = usable if len(usable) > 1 else list(range(len(palette_lab)))
    share = ramp.position / ramp.length
    for start, end in itertools.combinations(colors, 2):
        path = _Path.between(palette_lab[start], palette_lab[end], palette_cielab)
        if path is None:
            continue
        for forward in (share, 1.0 - share):
            for ratio in RATIOS:
                along = path.walk(forward, ratio)
                if np.average(path.in_room(along), weights=ramp.flat + 1e-9) < ON_PALETTE_GOAL:
                    continue
                candidate = _as_painted(path.at(along) + ramp.offset)
                smooth = smoothness(candidate)
                if smooth > best_smooth and edges.kept(candidate) >= edges_needed:
                    best, best_smooth = candidate, smooth
                break
    return best


@dataclass(frozen=True)
class Ground:
    """What lies round the ramp: an opaque ground's colour before and after (None on a
    transparent ground), and the palette colours the ramp leaves to the ground."""

    source_lab: np.ndarray | None
    result_lab: np.ndarray | None
    colors: tuple[int, ...]


@dataclass(frozen=True)
class _Edges:
    """The ramp's strong edges (CIELAB L* apart by STRONG_EDGE_L or more), as the edge-contrast
    measure takes them: between ramp colours, and between the ramp's rim and the ground."""

    first: np.ndarray
    second: np.ndarray
    weight: np.ndarray
    needed: np.ndarray
    ground: float | None

    @classmethod
    def of(cls, ramp: Ramp, source_lab: np.ndarray, ground: Ground | None) -> _Edges:
        lightness = oklab_to_cielab(source_lab)[:, 0]
        inside = np.abs(lightness[ramp.first] - lightness[ramp.second]) >= STRONG_EDGE_L
        first = [ramp.first[inside]]
        second = [ramp.second[inside]]
        weight = [ramp.touching[inside]]
        ground_lightness = None
        if ground is not None and ground.source_lab is not None and ground.result_lab is not None:
            ground_lightness = float(oklab_to_cielab(ground.result_lab[None])[0, 0])
            source_ground = float(oklab_to_cielab(ground.source_lab[None])[0, 0])
            rim = (ramp.rim > 0) & (np.abs(lightness - source_ground) >= STRONG_EDGE_L)
            first.append(np.flatnonzero(rim))
            second.append(np.full(int(rim.sum()), -1))
            weight.append(ramp.rim[rim])
            lightness = np.append(lightness, source_ground)
        first_all, second_all = np.concatenate(first), np.concatenate(second)
        needed = 0.5 * np.abs(lightness[first_all] - lightness[second_all])
        return cls(first_all, second_all, np.concatenate(weight), needed, ground_lightness)

    def kept(self, colors: np.ndarray) -> float:
        """The share of the needed contrast these edges keep with the ramp in `colors`."""
        if self.weight.sum() == 0:
            return 1.0
        lightness = oklab_to_cielab(colors)[:, 0]
        if self.ground is not None:
            lightness = np.append(lightness, self.ground)
        kept = np.abs(lightness[self.first] - lightness[self.second])
        return _kept_share(kept, self.needed, self.weight)


@dataclass(frozen=True)
class _Path:
    """A polyline from a little before one palette colour to a little past another."""

    vertices: np.ndarray
    lengths: np.ndarray
    room: np.ndarray

    @classmethod
    def between(
        cls, start: np.ndarray, end: np.ndarray, palette_cielab: np.ndarray
    ) -> _Path | None:
        span = float(np.linalg.norm(end - start))
        if span < 1e-6:
            return None
        direction = (end - start) / span
        reach = _room_reach(start, -direction), _room_reach(end, direction)
        vertices = np.stack([start - reach[0] * direction, start, end, end + reach[1] * direction])
        lengths = np.concatenate(
            [[0.0], np.cumsum(np.linalg.norm(np.diff(vertices, axis=0), axis=1))]
        )
        samples = cls._points(vertices, lengths, np.linspace(0.0, lengths[-1], PATH_SAMPLES))
        near = ciede2000(oklab_to_cielab(samples)[:, None], palette_cielab[None]).min(axis=1)
        return cls(vertices, lengths, near <= ROOM_DE00)

    def walk(self, share: np.ndarray, ratio: float) -> np.ndarray:
        """Arc length on the path for each share of the ramp: slow in rooms, `ratio` times faster between."""
        steps = np.diff(np.linspace(0.0, self.lengths[-1], PATH_SAMPLES))
        cost = np.where(self.room[:-1] & self.room[1:], steps, steps / ratio)
        spent = np.concatenate([[0.0], np.cumsum(cost)])
        return np.interp(share * spent[-1], spent, np.linspace(0.0, self.lengths[-1], PATH_SAMPLES))

    def in_room(self, along: np.ndarray) -> np.ndarray:
        index = np.rint(along / self.lengths[-1] * (PATH_SAMPLES - 1)).astype(int)
        return self.room[index]

    def at(self, along: np.ndarray) -> np.ndarray:
        return self._points(self.vertices, self.lengths, along)

    @staticmethod
    def _points(vertices: np.ndarray, lengths: np.ndarray, along: np.ndarray) -> np.ndarray:
        segment = np.clip(np.searchsorted(lengths, along, side="right") - 1, 0, len(lengths) - 2)
        share = (along - lengths[segment]) / np.maximum(np.diff(lengths)[segment], 1e-12)
        return vertices[segment] + share[:, None] * (vertices[segment + 1] - vertices[segment])


def _as_painted(lab: np.ndarray) -> np.ndarray:
    """OKLab colours as they come out of an 8-bit image: the rounding is what a slow walk loses."""
    return srgb_to_oklab(np.rint(np.clip(oklab_to_srgb(lab), 0.0, 1.0) * 255.0) / 255.0)


def _room_reach(color: np.ndarray, direction: np.ndarray) -> float:
    """How far (OKLab) from `color` along `direction` stays within ROOM_DE00 of it."""
    steps = np.linspace(0.0, 0.2, 41)
    points = color[None] + steps[:, None] * direction[None]
    near = ciede2000(oklab_to_cielab(points), oklab_to_cielab(color[None])) <= ROOM_DE00
    return float(steps[np.argmin(near)] if not near.all() else steps[-1])


def _regions(unique_lab: np.ndarray, flat_counts: np.ndarray) -> np.ndarray:
    """The flat colours of REGION_SHARE or more, largest first, each kept only when it is
    REGION_APART from every larger one kept."""
    large = np.flatnonzero(flat_counts >= REGION_SHARE * max(flat_counts.sum(), 1))
    large = large[np.argsort(-flat_counts[large], kind="stable")]
    cielab = oklab_to_cielab(unique_lab[large])
    kept: list[int] = []
    for index in range(len(large)):
        if not kept or ciede2000(cielab[kept], cielab[index][None]).min() > REGION_APART:
            kept.append(index)
    return large[kept]


def _principal_curve(lab: np.ndarray, weight: np.ndarray) -> np.ndarray | None:
    """Polyline through the weighted means of CURVE_BINS mass quantiles along the main axis."""
    mean = np.average(lab, axis=0, weights=weight)
    centred = lab - mean
    _, _, axes = np.linalg.svd(centred * np.sqrt(weight)[:, None], full_matrices=False)
    projection = centred @ axes[0]
    order = np.argsort(projection, kind="stable")
    cumulative = np.cumsum(weight[order])
    bins = np.minimum((cumulative / cumulative[-1] * CURVE_BINS).astype(int), CURVE_BINS - 1)
    sums = np.zeros((CURVE_BINS, 3))
    np.add.at(sums, bins, lab[order] * weight[order][:, None])
    masses = np.bincount(bins, weights=weight[order], minlength=CURVE_BINS)
    filled = masses > 0
    if filled.sum() < 2:
        return None
    return sums[filled] / masses[filled][:, None]


def _project(lab: np.ndarray, curve: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each colour's arc length at its nearest point on the curve, and its offset from it.

    The curve runs on past its end vertices (they are means of the end bins,
    so a ramp's last few colours lie beyond them): arc lengths may fall below
    0 or past the curve's length.
    """
    segments = np.diff(curve, axis=0)
    squared = np.maximum((segments**2).sum(axis=1), 1e-12)
    starts = np.concatenate([[0.0], np.cumsum(np.sqrt(squared))])[:-1]
    best = np.full(len(lab), np.inf)
    position = np.zeros(len(lab))
    offset = np.zeros_like(lab, dtype=np.float64)
    for index, segment in enumerate(segments):
        share = np.clip(
            ((lab - curve[index]) @ segment) / squared[index],
            -np.inf if index == 0 else 0.0,
            np.inf if index == len(segments) - 1 else 1.0,
        )
        foot = curve[index] + share[:, None] * segment
        distance = np.linalg.norm(lab - foot, axis=1)
        closer = distance < best
        best[closer] = distance[closer]
        position[closer] = starts[index] + share[closer] * np.sqrt(squared[index])
        offset[closer] = (lab - foot)[closer]
    return position, offset


@dataclass(frozen=True)
class _Touching:
    """Every distinct pair of visible colours that touch (`low` < `high`, rows of the unique
    colours) with how often, and per colour how often it touches itself."""

    low: np.ndarray
    high: np.ndarray
    counts: np.ndarray
    still: np.ndarray

    @classmethod
    def of(cls, inverse: np.ndarray, visible: np.ndarray, colors: int) -> _Touching:
        """Counted a band of rows at a time (with the next band's first row, for the pairs
        that cross into it), so the pixel-pair arrays stay a small part of the image."""
        band_pairs, band_counts = [], []
        still = np.zeros(colors, dtype=np.int64)
        for start in range(0, len(inverse), _BAND_ROWS):
            band = slice(start, min(start + _BAND_ROWS + 1, len(inverse)))
            index = inverse[band].astype(np.int32)
            index[~visible[band]] = -1
            across = index[:_BAND_ROWS]
            codes = []
            for first, second in ((across[:, :-1], across[:, 1:]), (index[:-1], index[1:])):
                both = (first >= 0) & (second >= 0)
                same = both & (first == second)
                still += np.bincount(first[same], minlength=colors)
                differ = both & ~same
                low = np.minimum(first[differ], second[differ])
                high = np.maximum(first[differ], second[differ])
                codes.append(low.astype(np.int64) * colors + high)
            pairs, counts = np.unique(np.concatenate(codes), return_counts=True)
            band_pairs.append(pairs)
            band_counts.append(counts)
        pairs, where = np.unique(np.concatenate(band_pairs), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate(band_counts)).astype(np.int64)
        return cls(pairs // colors, pairs % colors, counts, still)

    def among(self, row: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The pairs of the colours `row` numbers (-1 for none), in their numbering (sorted, as
        `row` keeps the colours' order), at most MAX_PAIRS, and how often they touch themselves."""
        low, high = row[self.low], row[self.high]
        inside = (low >= 0) & (high >= 0)
        first, second, counts = low[inside], high[inside], self.counts[inside]
        if len(counts) > MAX_PAIRS:
            keep = np.sort(np.argsort(-counts, kind="stable")[:MAX_PAIRS])
            first, second, counts = first[keep], second[keep], counts[keep]
        return first, second, counts.astype(np.float64), int(self.still[row >= 0].sum())

    def rim(self, row: np.ndarray) -> np.ndarray:
        """How often each colour `row` numbers touches a visible colour it does not number."""
        low, high = row[self.low], row[self.high]
        members = int(row.max()) + 1
        first_only, second_only = (low >= 0) & (high < 0), (high >= 0) & (low < 0)
        rim = np.bincount(low[first_only], weights=self.counts[first_only], minlength=members)
        rim += np.bincount(high[second_only], weights=self.counts[second_only], minlength=members)
        return rim


def _kept_share(kept: np.ndarray, needed: np.ndarray, weight: np.ndarray) -> float:
    """The weighted mean share of its needed contrast each strong edge keeps, capped at 1."""
    return float(np.average(np.minimum(kept / needed, 1.0), weights=weight))


def _distances(lab: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Euclidean OKLab distance between each pair of colours."""
    difference = lab[first] - lab[second]
    return np.sqrt(np.einsum("ij,ij->i", difference, difference))


def _correlation(before: np.ndarray, after: np.ndarray, weight: np.ndarray, zeros: int) -> float:
    """Weighted Pearson correlation, with `zeros` more pairs at (0, 0)."""
    total = weight.sum() + zeros
    mean_before = (weight * before).sum() / total
    mean_after = (weight * after).sum() / total
    covariance = (weight * before * after).sum() / total - mean_before * mean_after
    spread_before = (weight * before**2).sum() / total - mean_before**2
    spread_after = (weight * after**2).sum() / total - mean_after**2
    return float(covariance / max(np.sqrt(spread_before * spread_after), 1e-12))
