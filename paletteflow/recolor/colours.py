"""Recolouring a list of colours, not pixels, with the decisions made for an image.

Vector art states its colours once each (a fill, a gradient stop) and is
drawn from them. Recolouring it means mapping those colours through the
analysis of a render of the art, the same way `recolor_image` maps the
render's own colours: each colour is located among the render's key colours
(on a key, between two touching keys, or as a shade near one), the keys go
to the targets the palette assignment gives them, and the colour moves with
them. A colour that is a fill of the render lands exactly where that fill
lands in `recolor_image`; any other colour that is a kept neutral (black
outlines drawn translucent, say, which are no fill of the render) stays as it
is, as a designer asking to keep black expects of every black.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from paletteflow.color import oklab_to_srgb, srgb_to_oklab
from paletteflow.errors import InputError
from paletteflow.models import Palette
from paletteflow.neutrals import parse_keep
from paletteflow.recolor.analysis import Analysis, _influence_width
from paletteflow.recolor.assignment import assign_targets
from paletteflow.recolor.neutrals import kept_keys
from paletteflow.recolor.support import blend_all, locate
from paletteflow.recolor.transfer import move


def recolor_colours(
    analysis: Analysis,
    palette: Palette,
    colours: np.ndarray,
    *,
    strength: float = 1.0,
    keep: str | Iterable[str] | None = None,
) -> np.ndarray:
    """(N, 3) sRGB in [0, 1]: `colours` (sRGB in [0, 1]) as `recolor_image` would recolour them."""
    if not 0.0 <= strength <= 1.0:
        raise InputError(f"strength {strength!r} is outside [0, 1]; use a value from 0 to 1")
    colours = np.asarray(colours, dtype=np.float64).reshape(-1, 3)
    if strength == 0.0 or len(colours) == 0:
        return colours.copy()
    kept = parse_keep(keep)
    targets = assign_targets(analysis, palette, kept)
    fills = analysis.key_unique >= 0
    keys_srgb = np.empty(analysis.keys_lab.shape)
    keys_srgb[fills] = analysis.unique_srgb[analysis.key_unique[fills]]
    keys_srgb[~fills] = np.clip(oklab_to_srgb(analysis.keys_lab[~fills]), 0.0, 1.0)
    lab = srgb_to_oklab(colours)
    support = (
        locate(colours, keys_srgb, analysis.support.pairs, _influence_width(keys_srgb))
        if fills.any()
        else blend_all(lab, analysis.keys_lab)
    )
    moved = move(lab, support, analysis.keys_lab, targets)
    fill_of = _fill_of(colours, keys_srgb[fills])
    on_fill = fill_of >= 0
    fill_keys = np.flatnonzero(fills)[fill_of[on_fill]]
    moved[on_fill] = np.clip(oklab_to_srgb(targets[fill_keys]), 0.0, 1.0)
    unchanged = (targets[fill_keys] == analysis.keys_lab[fill_keys]).all(axis=1)
    moved[np.flatnonzero(on_fill)[unchanged]] = colours[on_fill][unchanged]
    neutral = kept_keys(lab, kept).kept & ~on_fill
    moved[neutral] = colours[neutral]
    if strength < 1.0:
        lab = lab + strength * (srgb_to_oklab(moved) - lab)
        moved = np.clip(oklab_to_srgb(lab), 0.0, 1.0)
    return moved


def _fill_of(colours: np.ndarray, fills_srgb: np.ndarray) -> np.ndarray:
    """For each colour, the row of the fill with its exact 8-bit value, or -1."""
    row_of = {
        tuple(rgb): row for row, rgb in enumerate(np.rint(fills_srgb * 255.0).astype(int).tolist())
    }
    rows = [row_of.get(tuple(rgb), -1) for rgb in np.rint(colours * 255.0).astype(int).tolist()]
    return np.array(rows, dtype=np.int64)
