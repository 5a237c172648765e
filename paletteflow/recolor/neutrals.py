"""Which key colours are black, white or grey, so a recolour can keep them as they are.

A key is neutral when its CIELAB chroma is under NEUTRAL_CHROMA (it reads as
grey, not as a tinted colour: art's "black" is often a blue-black such as
Twemoji's #292f33); black up to BLACK_UP_TO in L*, white from WHITE_FROM,
grey between. A kept black may still deepen and a kept white brighten, when
an edge needs the contrast (a near-black outline against a dark palette): it
stays black, or white; a kept grey stays exactly as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paletteflow.color import linear_to_cielab, oklab_to_linear
from paletteflow.neutrals import Neutral

NEUTRAL_CHROMA = 8.0
BLACK_UP_TO = 25.0
WHITE_FROM = 90.0


@dataclass(frozen=True)
class Kept:
    """Per key: kept or not, and the OKLab lightness range it may move in (0 to 1 if not kept)."""

    kept: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray


def kept_keys(keys_lab: np.ndarray, keep: Sequence[Neutral]) -> Kept:
    """Which keys are kept, by their neutral kind, and how far each may move in lightness."""
    count = len(keys_lab)
    kept, lowest, highest = np.zeros(count, dtype=bool), np.zeros(count), np.ones(count)
    if not keep or not count:
        return Kept(kept, lowest, highest)
    lab = linear_to_cielab(np.clip(oklab_to_linear(keys_lab), 0.0, 1.0))
    neutral = np.hypot(lab[:, 1], lab[:, 2]) < NEUTRAL_CHROMA
    lightness = lab[:, 0]
    black = neutral & (lightness <= BLACK_UP_TO) & ("black" in keep)
    white = neutral & (lightness >= WHITE_FROM) & ("white" in keep)
    grey = neutral & (lightness > BLACK_UP_TO) & (lightness < WHITE_FROM) & ("grey" in keep)
    own = keys_lab[:, 0]
    lowest = np.where(white | grey, own, 0.0)
    highest = np.where(black | grey, own, 1.0)
    return Kept(black | white | grey, lowest, highest)
