"""Recolouring: move an image's own colour clusters onto a palette, in OKLab, per unique colour.

The old service painted k-means clusters flat and blended 0.75 with the
original, which posterised edges and ignored most of the palette. Here the
image's colours are clustered once (`analyze`), each cluster is given a palette
colour by role, share and lightness order, and every unique colour moves with
soft weights that keep its offset from its cluster centre, so antialiasing and
shading follow the new colours instead of snapping to them. Alpha is never
touched. Work is done per unique colour, then gathered back to pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from paletteflow.color import hex_to_oklab, oklab_to_srgb, srgb_to_oklab
from paletteflow.errors import InputError
from paletteflow.imageio import to_working_mode
from paletteflow.models import Palette

RECOLOR_VERSION = "1"
MAX_SOURCE_COLOURS = 8
_KMEANS_ITERATIONS = 25
_MIN_CLUSTER_SHARE = 0.004
_MERGE_DISTANCE = 0.04


@dataclass(frozen=True)
class Analysis:
    """What recolouring needs from an image regardless of palette; compute once per run."""

    size: tuple[int, int]
    mode: str
    unique_lab: np.ndarray
    inverse: np.ndarray
    centres: np.ndarray
    shares: np.ndarray
    background: int | None


def analyze(image: Image.Image) -> Analysis:
    """Cluster the image's visible colours and find an opaque background, if it has one."""
    image = to_working_mode(image)
    pixels = np.asarray(image)
    rgb = pixels[..., :3].reshape(-1, 3)
    alpha = (
        pixels[..., 3].reshape(-1).astype(np.float64) / 255.0
        if image.mode == "RGBA"
        else np.ones(rgb.shape[0])
    )
    packed = (rgb[:, 0].astype(np.uint32) << 16) | (rgb[:, 1].astype(np.uint32) << 8) | rgb[:, 2]
    unique, inverse = np.unique(packed, return_inverse=True)
    unique_rgb = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    unique_lab = srgb_to_oklab(unique_rgb / 255.0)
    weights = np.bincount(inverse, weights=alpha, minlength=len(unique))
    bins, bin_of_unique = np.unique(unique_rgb // 8, axis=0, return_inverse=True)
    bin_weights = np.bincount(bin_of_unique, weights=weights, minlength=len(bins))
    bin_lab = srgb_to_oklab((bins * 8 + 3.5) / 255.0)
    clusters = _weighted_kmeans(bin_lab, bin_weights, MAX_SOURCE_COLOURS)
    labels = _nearest(unique_lab, clusters)
    occupied = np.bincount(labels, minlength=len(clusters)) > 0
    if not occupied.all():
        clusters = clusters[occupied]
        labels = _nearest(unique_lab, clusters)
    centres = _modes(unique_lab, weights, labels, len(clusters))
    shares = np.bincount(labels, weights=weights, minlength=len(centres))
    shares = shares / max(shares.sum(), 1e-12)
    background = _find_background(pixels, unique_lab, inverse, centres, image.mode == "RGBA")
    return Analysis(
        size=image.size,
        mode=image.mode,
        unique_lab=unique_lab,
        inverse=inverse,
        centres=centres,
        shares=shares,
        background=background,
    )


def _weighted_kmeans(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Deterministic k-means: greedy farthest-point seeding weighted by pixel count, then Lloyd.

    Clusters too small to matter are dropped and near-twins merged, so a
    three-colour logo yields three centres rather than eight.
    """
    visible = weights > 0
    if not np.any(visible):
        return points[:1].copy()
    candidates, candidate_weights = points[visible], weights[visible]
    centres = [candidates[np.argmax(candidate_weights)]]
    while len(centres) < min(k, len(candidates)):
        distance = np.sqrt(_squared_distances(candidates, np.array(centres)).min(axis=1))
        score = distance * np.sqrt(candidate_weights)
        if score.max() <= 1e-9:
            break
        centres.append(candidates[np.argmax(score)])
    centre_array = np.array(centres)
    for _ in range(_KMEANS_ITERATIONS):
        labels = _nearest(candidates, centre_array)
        totals = np.bincount(labels, weights=candidate_weights, minlength=len(centre_array))
        keep = totals > _MIN_CLUSTER_SHARE * candidate_weights.sum()
        sums = np.stack(
            [
                np.bincount(
                    labels,
                    weights=candidate_weights * candidates[:, axis],
                    minlength=len(centre_array),
                )
                for axis in range(3)
            ],
            axis=1,
        )
        updated = sums[keep] / totals[keep, None]
        if updated.shape == centre_array.shape and np.allclose(updated, centre_array, atol=1e-6):
            break
        centre_array = _merge_close(updated)
    return centre_array


def _modes(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Each cluster's most common exact colour: a flat region then maps exactly onto its target."""
    order = np.lexsort((-weights, labels))
    first = np.searchsorted(labels[order], np.arange(count))
    return points[order[np.minimum(first, len(order) - 1)]]


def _merge_close(centres: np.ndarray) -> np.ndarray:
    kept: list[np.ndarray] = []
    for centre in centres:
        if all(np.linalg.norm(centre - other) >= _MERGE_DISTANCE for other in kept):
            kept.append(centre)
    return np.array(kept)


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(N, K) squared distances without the (N, K, 3) temporary that photos cannot afford."""
    return np.maximum(
        (points**2).sum(axis=1)[:, None]
        - 2.0 * points @ centres.T
        + (centres**2).sum(axis=1)[None],
        0.0,
    )


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return np.argmin(_squared_distances(points, centres), axis=1)


def _find_background(
    pixels: np.ndarray,
    unique_lab: np.ndarray,
    inverse: np.ndarray,
    centres: np.ndarray,
    has_alpha: bool,
) -> int | None:
    """The cluster covering most of an opaque border; None when the border is transparent."""
    height, width = pixels.shape[:2]
    index = inverse.reshape(height, width)
    border = np.concatenate([index[0], index[-1], index[1:-1, 0], index[1:-1, -1]])
    if has_alpha:
        alpha = pixels[..., 3]
        border_alpha = np.concatenate([alpha[0], alpha[-1], alpha[1:-1, 0], alpha[1:-1, -1]])
        border = border[border_alpha >= 250]
        if border.size < 0.5 * (2 * (width + height) - 4):
            return None
    counts = np.bincount(_nearest(unique_lab[border], centres), minlength=len(centres))
    best = int(np.argmax(counts))
    return best if counts[best] >= 0.5 * border.size else None


def recolor_image(
    image: Image.Image,
    palette: Palette | Sequence[str],
    *,
    strength: float = 1.0,
    analysis: Analysis | None = None,
) -> Image.Image:
    """The image in the palette's colours; alpha and size unchanged, RGB stays RGB, RGBA stays RGBA."""
    if not 0.0 <= strength <= 1.0:
        raise InputError(f"strength {strength} is outside [0, 1]; use a value from 0 to 1")
    palette = _as_palette(palette)
    image = to_working_mode(image)
    if strength == 0.0:
        return image.copy()
    analysis = analysis or analyze(image)
    if analysis.size != image.size:
        raise InputError("the analysis belongs to another image; analyse this image first")
    targets = _assign_targets(analysis, palette)
    moved = _transfer(analysis.unique_lab, analysis.centres, targets)
    blended = analysis.unique_lab + strength * (moved - analysis.unique_lab)
    unique_rgb = np.rint(oklab_to_srgb(blended) * 255.0).astype(np.uint8)
    pixels = np.asarray(image).copy()
    pixels[..., :3] = unique_rgb[analysis.inverse].reshape((*pixels.shape[:2], 3))
    return Image.fromarray(pixels, image.mode)


def _as_palette(palette: Palette | Sequence[str]) -> Palette:
    if isinstance(palette, Palette):
        return palette
    colours = list(palette)
    if not colours:
        raise InputError("the palette is empty; give 3 to 8 hex colours such as #1a73e8")
    try:
        return Palette(name="custom", colors=colours)
    except ValueError as error:
        detail = error.errors()[0]["msg"] if hasattr(error, "errors") else str(error)
        raise InputError(f"invalid palette {colours}: {detail}") from None


def _assign_targets(analysis: Analysis, palette: Palette) -> np.ndarray:
    """One OKLab target per source cluster.

    The background cluster takes the palette's background role, else the
    palette colour closest to it in lightness (a light ground stays light).
    Foreground clusters, largest first, take the remaining colours in role
    order; within that set lightness order is kept so contrast survives. Any
    cluster left over becomes a tint or shade of its lightness-nearest target.
    """
    colours = list(palette.colors)
    palette_lab = hex_to_oklab(colours)
    centres = analysis.centres
    targets = np.zeros_like(centres)
    assigned: dict[int, int] = {}
    available = list(range(len(colours)))
    if analysis.background is not None:
        role_colour = palette.role_colour("background")
        if role_colour is not None:
            chosen = colours.index(role_colour)
        else:
            background_l = centres[analysis.background, 0]
            chosen = min(available, key=lambda i: abs(palette_lab[i, 0] - background_l))
        assigned[analysis.background] = chosen
        available.remove(chosen)
    available = _role_order(palette, available)
    foreground = [
        int(i) for i in np.argsort(-analysis.shares, kind="stable") if int(i) not in assigned
    ]
    main = foreground[: len(available)]
    chosen_colours = available[: len(main)]
    by_lightness = sorted(main, key=lambda i: centres[i, 0])
    colours_by_lightness = sorted(chosen_colours, key=lambda i: palette_lab[i, 0])
    assigned.update(zip(by_lightness, colours_by_lightness, strict=True))
    for cluster, colour in assigned.items():
        targets[cluster] = palette_lab[colour]
    for cluster in foreground[len(available) :]:
        anchor = min(assigned, key=lambda i: abs(centres[i, 0] - centres[cluster, 0]))
        shift = centres[cluster, 0] - centres[anchor, 0]
        targets[cluster] = targets[anchor] + np.array([shift, 0.0, 0.0])
    return targets


def _role_order(palette: Palette, indices: list[int]) -> list[int]:
    if not palette.roles:
        return indices
    rank = {
        colour: position
        for position, colour in enumerate(
            palette.roles.get(role) for role in ("primary", "secondary", "accent", "highlight")
        )
        if colour
    }
    return sorted(indices, key=lambda i: rank.get(palette.colors[i], len(rank) + i))


def _transfer(points: np.ndarray, centres: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Soft-assign each colour to the source clusters and carry its offset to the targets.

    Weights fall off with distance on a scale set by how far apart the clusters
    are, so a pixel halfway across an antialiased edge lands halfway between
    the two new colours; the offset from its own centre keeps shading.
    """
    shifts = targets - centres
    if len(centres) == 1:
        return points + shifts[0]
    gaps = np.sqrt(_squared_distances(centres, centres))
    np.fill_diagonal(gaps, np.inf)
    scale = max(0.35 * float(np.median(gaps.min(axis=1))), 1e-3)
    logits = -_squared_distances(points, centres) / scale**2
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return points + weights @ shifts
