"""An image's key colours: the flat fills a designer would name, plus clusters for what they miss.

Logos are mostly flat fills joined by antialiased edges. The fills are found
exactly (colours that fill whole 4-neighbourhoods), so a fill can later be
painted exactly with a palette colour. Gradients and photos have no fills:
there a weighted k-means on a binned histogram (Chang et al. 2015) adds
centres for the colour mass that fills and mixtures of adjacent fills do not
explain. Everything here is palette-independent and runs once per image.
"""

from __future__ import annotations

import numpy as np

from paletteflow.color import ciede2000, oklab_to_cielab
from paletteflow.recolor.outcome import IN_USE_SHARE

MAX_KEYS = 16
MAX_CLUSTER_KEYS = 6
FLAT_SHARE = 0.0005
MIN_FLAT_PIXELS = 16
KEY_GAP_LAB = 0.03
GROUND_TWIN_SHARE = 0.02
EXPLAINED_SRGB = 0.06
UNEXPLAINED_SHARE = 0.03
LONE_FILL_UNEXPLAINED_SHARE = 0.001
FAMILY_AB = 0.06
FAMILY_FILLS_DE00 = 10.0
_KMEANS_ITERATIONS = 12
CHUNK = 1 << 18


def flat_keys(unique_lab: np.ndarray, flat_counts: np.ndarray, ground: int | None) -> np.ndarray:
    """Indices of unique colours that fill regions, most-filled first, near-twins dropped.

    A near-twin of a key is that key's noise or a gradient's next band, but
    not when it is the ground's twin (`ground`: the unique colour covering the
    border) and fills GROUND_TWIN_SHARE of the flat pixels itself: art drawn
    on white with off-white fills (an open book's pages) has those as regions
    of its own, and without a key they would be painted as mixtures of the
    ground and their neighbours, off the palette.
    """
    total = float(flat_counts.sum())
    threshold = max(MIN_FLAT_PIXELS, FLAT_SHARE * total)
    candidates = np.flatnonzero(flat_counts >= threshold)
    candidates = candidates[np.argsort(-flat_counts[candidates], kind="stable")]
    kept: list[int] = []
    for index in candidates:
        if len(kept) == MAX_KEYS:
            break
        twin = bool(kept) and _distances(unique_lab[index], unique_lab[kept]).min() < KEY_GAP_LAB
        ground_twin = (
            ground in kept
            and flat_counts[index] >= GROUND_TWIN_SHARE * total
            and _distances(unique_lab[index], unique_lab[ground])[0] < KEY_GAP_LAB
        )
        if not twin or ground_twin:
            kept.append(int(index))
    return np.array(kept, dtype=np.int64)


def region_count(keys_lab: np.ndarray, key_shares: np.ndarray, fill_count: int) -> int:
    """How many regions the image shows: fills of IN_USE_SHARE or more of it, each within
    CIEDE2000 FAMILY_FILLS_DE00 of a larger one counted with that one."""
    fills = np.flatnonzero(key_shares[:fill_count] >= IN_USE_SHARE)
    fills = fills[np.argsort(-key_shares[fills], kind="stable")]
    lab = oklab_to_cielab(keys_lab[fills])
    counted: list[int] = []
    for index in range(len(fills)):
        if not counted or ciede2000(lab[index][None], lab[counted]).min() > FAMILY_FILLS_DE00:
            counted.append(index)
    return len(counted)


def cluster_keys(
    unique_srgb: np.ndarray,
    unique_lab: np.ndarray,
    mass: np.ndarray,
    fixed_srgb: np.ndarray,
    fixed_lab: np.ndarray,
) -> np.ndarray:
    """OKLab centres for the colour mass that the fixed keys and their mixtures leave unexplained."""
    room = min(MAX_CLUSTER_KEYS, MAX_KEYS - len(fixed_lab))
    if room <= 0 or mass.sum() <= 0:
        return np.zeros((0, 3))
    unexplained = _unexplained(unique_srgb, fixed_srgb) & (mass > 0)
    # An image with one fill (a logo's ground, say) still has a picture on it, however small.
    share = UNEXPLAINED_SHARE if len(fixed_lab) != 1 else LONE_FILL_UNEXPLAINED_SHARE
    floor = share * mass.sum()
    if mass[unexplained].sum() <= floor:
        return np.zeros((0, 3))
    bins, bin_of = np.unique(
        np.rint(unique_srgb[unexplained] * 31).astype(np.int16), axis=0, return_inverse=True
    )
    weights = np.bincount(bin_of.ravel(), weights=mass[unexplained], minlength=len(bins))
    points = np.zeros((len(bins), 3))
    for axis in range(3):
        points[:, axis] = np.bincount(
            bin_of.ravel(), weights=mass[unexplained] * unique_lab[unexplained, axis]
        ) / np.maximum(weights, 1e-12)
    return _kmeans_with_fixed(points, weights, fixed_lab, room, floor)


def _unexplained(points: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Points farther than EXPLAINED_SRGB from every key and every segment between two keys."""
    if len(keys) == 0:
        return np.ones(len(points), dtype=bool)
    nearest = np.full(len(points), np.inf)
    for i in range(len(keys)):
        nearest = np.minimum(nearest, _distances(keys[i], points))
        for j in range(i + 1, len(keys)):
            nearest = np.minimum(nearest, segment_distances(points, keys[i], keys[j])[1])
    return nearest > EXPLAINED_SRGB


def segment_distances(
    points: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Position along start->end (clamped to [0, 1]) of each point's projection, and its distance."""
    direction = end - start
    length_sq = max(float(direction @ direction), 1e-12)
    position = np.clip(((points - start) @ direction) / length_sq, 0.0, 1.0)
    residual = points - start - position[:, None] * direction
    return position, np.sqrt((residual**2).sum(axis=1))


def _kmeans_with_fixed(
    points: np.ndarray, weights: np.ndarray, fixed: np.ndarray, room: int, floor: float
) -> np.ndarray:
    """Farthest-point seeding around the fixed centres, then Lloyd steps that move only new ones.

    Seeding stops once the mass far from every centre is `floor` or less, so a
    two-tone gradient gets two centres rather than six.
    """
    centres = list(fixed)
    added = 0
    while added < room:
        distance = np.full(len(points), np.inf)
        if centres:
            distance = np.sqrt(_squared(points, np.array(centres)).min(axis=1))
        far = distance > 2 * KEY_GAP_LAB
        if weights[far].sum() <= floor:
            break
        score = np.where(far, np.minimum(distance, 1.0) * np.sqrt(weights), -1.0)
        centres.append(points[int(np.argmax(score))])
        added += 1
    if added == 0:
        return np.zeros((0, 3))
    array = np.array(centres)
    first_new = len(fixed)
    for _ in range(_KMEANS_ITERATIONS):
        labels = np.argmin(_squared(points, array), axis=1)
        moved = array.copy()
        for index in range(first_new, len(array)):
            members = labels == index
            if weights[members].sum() > 0:
                moved[index] = np.average(points[members], axis=0, weights=weights[members])
        if np.allclose(moved, array, atol=1e-5):
            break
        array = moved
    return array[first_new:]


def nearest_key(points: np.ndarray, keys: np.ndarray) -> np.ndarray:
    nearest = np.empty(len(points), dtype=np.int16)
    step = CHUNK // 4
    for start in range(0, len(points), step):
        nearest[start : start + step] = np.argmin(_squared(points[start : start + step], keys), 1)
    return nearest


def chunked_bincount(
    indices: np.ndarray, length: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """np.bincount a slice at a time: it copies indices to int64, which for a whole image is big."""
    totals = np.zeros(length, dtype=np.float64)
    for start in range(0, len(indices), CHUNK):
        part = None if weights is None else weights[start : start + CHUNK]
        totals += np.bincount(indices[start : start + CHUNK], weights=part, minlength=length)
    return totals


def _squared(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(N, K) squared distances without the (N, K, 3) temporary that photos cannot afford."""
    return np.maximum(
        (points**2).sum(axis=1)[:, None]
        - 2.0 * points @ centres.T
        + (centres**2).sum(axis=1)[None],
        0.0,
    )


def _distances(point: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.sqrt(((np.atleast_2d(points) - point) ** 2).sum(axis=1))


def background_key(
    key_of_pixel: np.ndarray, alpha: np.ndarray | None, key_count: int
) -> int | None:
    """The key covering most of an opaque border; None when the border is mostly transparent."""
    border = _border(key_of_pixel)
    if alpha is not None:
        opaque = _border(alpha) >= 250
        if opaque.sum() < 0.5 * border.size:
            return None
        border = border[opaque]
    counts = np.bincount(border, minlength=key_count)
    best = int(np.argmax(counts))
    return best if counts[best] >= 0.5 * border.size else None


def _border(grid: np.ndarray) -> np.ndarray:
    return np.concatenate([grid[0], grid[-1], grid[1:-1, 0], grid[1:-1, -1]])


def adjacent_pairs(
    key_of_pixel: np.ndarray, visible: np.ndarray, opaque: np.ndarray | None, key_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of keys that meet within two pixels, how many pixel pairs meet, and whether opaquely.

    Only touching keys can mix along an antialiased edge, and the length of
    their border says how much their contrast matters to the picture. Keys
    that meet only across translucent pixels (two shapes a transparent
    hairline apart) are seen apart, not one against the other. `opaque` None:
    every visible pixel is opaque (an image without alpha).
    """
    size = key_count * key_count
    counts = np.zeros(size, dtype=np.int64)
    translucent = np.zeros(size, dtype=np.int64)
    for step in (1, 2):
        for first, second in ((np.s_[:, :-step], np.s_[:, step:]), (np.s_[:-step], np.s_[step:])):
            both = visible[first] & visible[second]
            pairs = key_of_pixel[first][both] * np.int16(key_count)
            pairs += key_of_pixel[second][both]
            counts += chunked_bincount(pairs, size).astype(np.int64)
            if opaque is not None:
                seam = ~(opaque[first] & opaque[second])[both]
                translucent += chunked_bincount(pairs[seam], size).astype(np.int64)
    matrix = counts.reshape(key_count, key_count)
    matrix = matrix + matrix.T
    seams = translucent.reshape(key_count, key_count)
    opaque_matrix = matrix - seams - seams.T
    i, j = np.triu_indices(key_count, k=1)
    keep = matrix[i, j] >= 4
    i, j = i[keep], j[keep]
    return np.stack([i, j], axis=1), matrix[i, j].astype(np.float64), opaque_matrix[i, j] >= 4


def families(keys_lab: np.ndarray, fill_count: int, adjacent: np.ndarray) -> np.ndarray:
    """Family index per key: a gradient's clusters or bands, and a fill with its shading, move as one.

    Keys join when they touch and have nearly the same hue and chroma (OKLab
    a, b). Touching fills join when every fill of the joined family is within
    CIEDE2000 10 of every other (the bands of an 8-bit gradient, a light rim
    on a white cup: shades of one colour; no chains drifting further); a
    cluster never bridges two fill groups, so distinct fills keep their own
    palette colours. Keys from `fill_count` on are clusters.
    """
    parent = list(range(len(keys_lab)))
    fill_groups = [1 if k < fill_count else 0 for k in range(len(keys_lab))]

    def root(key: int) -> int:
        while parent[key] != key:
            key = parent[key]
        return key

    def join(first: int, second: int, groups_after: int) -> None:
        keep, drop = sorted((root(first), root(second)), key=lambda r: (-fill_groups[r], r))
        parent[drop] = keep
        fill_groups[keep] = groups_after

    links = sorted(
        (float(np.hypot(*(keys_lab[i, 1:] - keys_lab[j, 1:]))), int(i), int(j)) for i, j in adjacent
    )
    cielab = oklab_to_cielab(keys_lab)
    close = ciede2000(cielab[:, None], cielab[None]) <= FAMILY_FILLS_DE00
    fill_links = [(i, j) for _, i, j in links if i < fill_count and j < fill_count and close[i, j]]
    for first, second in fill_links:
        a, b = root(first), root(second)
        members = [k for k in range(fill_count) if root(k) in (a, b)]
        if a != b and close[np.ix_(members, members)].all():
            join(first, second, 1)
    for gap, first, second in links:
        a, b = root(first), root(second)
        if gap <= FAMILY_AB and a != b and fill_groups[a] + fill_groups[b] <= 1:
            join(first, second, fill_groups[a] + fill_groups[b])
    _, index = np.unique([root(k) for k in range(len(keys_lab))], return_inverse=True)
    return index
