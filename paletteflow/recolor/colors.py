"""Recolouring a list of colours, not pixels, with the decisions made for an image.

Vector art states its colours once each (a fill, a gradient stop) and is
drawn from them. Recolouring it means mapping those colours through the
analysis of a render of the art: the keys go to the targets the palette
assignment gives them (`assign_targets`, as in `recolor_image`), and each
stated colour moves with the key it belongs to, as a shade of it (the OKLab
offset `transfer.shade` carries).

Unlike a pixel, a stated colour is never an antialiased mix of two touching
keys, so it is placed on or near one key, never along the segment between
two. A colour that is a fill of the render lands exactly where that fill
lands in `recolor_image`; any other colour that is a kept neutral (black
drawn translucent, which is no fill of the render) stays as it is, as a
designer asking to keep black expects of every black.

A gradient's stops are placed together: they belong to the keys that lie
along the gradient's own path in colour (the bands and fills it rendered
into), else all to the one key nearest that path, so a gradient stays a
gradient of the palette colours its region was given instead of borrowing
the colour of whichever other region happens to be near one stop. As the
engine does for a family of fills, the stops' offsets shrink until each is
within FAMILY_FILL_SPREAD_DE00 of its key's colour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from paletteflow.color import (
    ciede2000,
    oklab_to_cielab,
    oklab_to_srgb,
    srgb_to_oklab,
)
from paletteflow.models import Palette
from paletteflow.neutrals import Neutral, parse_keep
from paletteflow.recolor.analysis import Analysis
from paletteflow.recolor.assignment import FAMILY_FILL_SPREAD_DE00, assign_targets
from paletteflow.recolor.keys import segment_distances
from paletteflow.recolor.neutrals import kept_keys
from paletteflow.recolor.transfer import shade

# How close (OKLab) a key must lie to a gradient's path to count as rendered from it.
ON_PATH = 0.02
# Samples between two stops where the key a gradient belongs to may change hands.
SAMPLES = 64
_SHRINK_STEPS = np.linspace(1.0, 0.0, 21)


@dataclass(frozen=True)
class GradientPlan:
    """Where a gradient's colours belong among an image's keys; the same for every palette.

    Each added stop is (segment, share): between stop `segment` and the next,
    `share` of the way; `added_original` is the colour the gradient has there.
    """

    keys: np.ndarray
    added: list[tuple[int, float]]
    added_original: np.ndarray
    added_keys: np.ndarray


@dataclass(frozen=True)
class GradientColors:
    """A gradient's stops recoloured, and the stops to add (as planned) in their new colours."""

    stops: np.ndarray
    added_moved: np.ndarray


@dataclass(frozen=True)
class ColorMapping:
    """One palette's decisions for one analysed image, applicable to any colours."""

    analysis: Analysis
    targets: np.ndarray
    keep: tuple[Neutral, ...]

    @classmethod
    def decide(
        cls, analysis: Analysis, palette: Palette, keep: str | Iterable[str] | None = None
    ) -> ColorMapping:
        assignment = assign_targets(analysis, palette, parse_keep(keep))
        return cls(analysis, assignment.targets, assignment.kept)

    def colors(self, srgb: np.ndarray) -> np.ndarray:
        """(N, 3) sRGB in [0, 1]: flat colours, each as a shade of its nearest key."""
        srgb = np.asarray(srgb, dtype=np.float64).reshape(-1, 3)
        lab = srgb_to_oklab(srgb)
        keys = _nearest(lab, self.analysis.keys_lab)
        moved = self._shaded(lab, keys)
        fill_keys = _fill_keys(self.analysis, srgb)
        on_fill = fill_keys >= 0
        moved[on_fill] = np.clip(oklab_to_srgb(self.targets[fill_keys[on_fill]]), 0.0, 1.0)
        unchanged = on_fill.copy()
        unchanged[on_fill] = (
            self.targets[fill_keys[on_fill]] == self.analysis.keys_lab[fill_keys[on_fill]]
        ).all(axis=1)
        unchanged |= kept_keys(lab, self.keep).kept & ~on_fill
        moved[unchanged] = srgb[unchanged]
        return moved

    def gradients(self, stops: list[np.ndarray], plans: list[GradientPlan]) -> list[GradientColors]:
        """Each gradient's stops (sRGB, in order) and added stops, recoloured in one pass."""
        if not plans:
            return []
        originals = [*stops, *(plan.added_original for plan in plans)]
        keys = [*(plan.keys for plan in plans), *(plan.added_keys for plan in plans)]
        srgb = np.concatenate([np.reshape(colors, (-1, 3)) for colors in originals])
        moved = self._in_family(srgb_to_oklab(srgb), np.concatenate(keys), srgb)
        parts = np.split(moved, np.cumsum([len(k) for k in keys])[:-1])
        count = len(plans)
        return [GradientColors(parts[n], parts[count + n]) for n, plan in enumerate(plans)]

    def _in_family(self, lab: np.ndarray, keys: np.ndarray, srgb: np.ndarray) -> np.ndarray:
        """Shades of their keys' colours, within the spread of a family; kept neutrals as they are."""
        if len(lab) == 0:
            return srgb.copy()
        moved = _within_spread(srgb_to_oklab(self._shaded(lab, keys)), self.targets[keys])
        result = np.clip(oklab_to_srgb(moved), 0.0, 1.0)
        kept = kept_keys(lab, self.keep).kept
        result[kept] = srgb[kept]
        return result

    def _shaded(self, lab: np.ndarray, keys: np.ndarray) -> np.ndarray:
        moved = shade(lab, self.analysis.keys_lab[keys], self.targets[keys])
        return np.clip(oklab_to_srgb(moved), 0.0, 1.0)


def plan_gradient(analysis: Analysis, stops_srgb: np.ndarray) -> GradientPlan:
    """Which key each stop belongs to, and where the gradient passes from one key to the next."""
    stops_srgb = np.asarray(stops_srgb, dtype=np.float64).reshape(-1, 3)
    lab = srgb_to_oklab(stops_srgb)
    keys_lab = analysis.keys_lab
    distance = _path_distances(keys_lab, lab)
    candidates = np.flatnonzero(distance <= ON_PATH)
    if len(candidates) == 0:
        candidates = np.array([int(np.argmin(distance))])
    position = np.linspace(0.0, 1.0, SAMPLES + 1)
    path = (
        stops_srgb[:-1, None]
        + position[None, :, None] * (stops_srgb[1:] - stops_srgb[:-1])[:, None]
    )
    path_lab = srgb_to_oklab(path.reshape(-1, 3))
    path_keys = candidates[_nearest(path_lab, keys_lab[candidates])].reshape(len(path), -1)
    distance_to_key = np.sqrt(
        ((path_lab.reshape(*path_keys.shape, 3) - keys_lab[path_keys]) ** 2).sum(axis=2)
    )
    added, added_original, added_keys = [], [], []
    for segment in range(len(path)):
        runs = _runs(path_keys[segment])
        for start, end in runs if len(runs) > 1 else []:
            # Each run's stop sits where the path comes nearest its key, as the engine's bands do.
            side = start + int(np.argmin(distance_to_key[segment, start:end]))
            if 0 < side < SAMPLES:
                added.append((segment, float(position[side])))
                added_original.append(path[segment, side])
                added_keys.append(int(path_keys[segment, side]))
    return GradientPlan(
        keys=candidates[_nearest(lab, keys_lab[candidates])],
        added=added,
        added_original=np.array(added_original).reshape(-1, 3),
        added_keys=np.array(added_keys, dtype=np.int64),
    )


def with_strength(original: np.ndarray, moved: np.ndarray, strength: float) -> np.ndarray:
    """Blend in OKLab between the original colours (0) and the full recolour (1), as pixels are."""
    if strength >= 1.0:
        return moved
    lab = srgb_to_oklab(original)
    return np.clip(oklab_to_srgb(lab + strength * (srgb_to_oklab(moved) - lab)), 0.0, 1.0)


def _runs(labels: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal labels."""
    edges = [0, *(np.flatnonzero(labels[1:] != labels[:-1]) + 1).tolist(), len(labels)]
    return list(pairwise(edges))


def _nearest(points: np.ndarray, keys: np.ndarray) -> np.ndarray:
    return ((points[:, None, :] - keys[None]) ** 2).sum(axis=2).argmin(axis=1)


def _path_distances(keys: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Each key's distance to the polyline through the stops (a point for a single stop)."""
    if len(stops) == 1:
        return np.sqrt(((keys - stops[0]) ** 2).sum(axis=1))
    gaps = [segment_distances(keys, start, end)[1] for start, end in pairwise(stops)]
    return np.min(gaps, axis=0)


def _fill_keys(analysis: Analysis, srgb: np.ndarray) -> np.ndarray:
    """For each colour, the fill key with its exact 8-bit value, or -1."""
    fills = np.flatnonzero(analysis.key_unique >= 0)
    fill_rgb = np.rint(analysis.unique_srgb[analysis.key_unique[fills]] * 255.0).astype(int)
    key_of = {tuple(rgb): int(key) for rgb, key in zip(fill_rgb.tolist(), fills, strict=True)}
    rows = np.rint(srgb * 255.0).astype(int).tolist()
    return np.array([key_of.get(tuple(rgb), -1) for rgb in rows], dtype=np.int64)


def _within_spread(lab: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Each colour pulled towards its target until within FAMILY_FILL_SPREAD_DE00 of it."""
    candidates = targets[:, None] + _SHRINK_STEPS[None, :, None] * (lab - targets)[:, None]
    distance = ciede2000(oklab_to_cielab(candidates), oklab_to_cielab(targets)[:, None])
    first = np.argmax(distance <= FAMILY_FILL_SPREAD_DE00, axis=1)
    return candidates[np.arange(len(lab)), first]
