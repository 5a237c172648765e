"""Which key colours are black, white or grey, so a recolour can keep them as they are.

A key is neutral when its CIELAB chroma is under NEUTRAL_CHROMA (it reads as
grey, not as a tinted colour: art's "black" is often a blue-black such as
Twemoji's #292f33); black up to BLACK_UP_TO in L*, white from WHITE_FROM,
grey between.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paletteflow.color import linear_to_cielab, oklab_to_linear
from paletteflow.neutrals import Neutral

NEUTRAL_CHROMA = 8.0
BLACK_UP_TO = 25.0
WHITE_FROM = 90.0


def kept_keys(keys_lab: np.ndarray, keep: Sequence[Neutral]) -> np.ndarray:
    """(K,) bool: the keys whose neutral kind is among `keep`."""
    if not keep or not len(keys_lab):
        return np.zeros(len(keys_lab), dtype=bool)
    lab = linear_to_cielab(np.clip(oklab_to_linear(keys_lab), 0.0, 1.0))
    neutral = np.hypot(lab[:, 1], lab[:, 2]) < NEUTRAL_CHROMA
    lightness = lab[:, 0]
    kinds = {
        "black": lightness <= BLACK_UP_TO,
        "white": lightness >= WHITE_FROM,
        "grey": (lightness > BLACK_UP_TO) & (lightness < WHITE_FROM),
    }
    return neutral & np.logical_or.reduce([kinds[kind] for kind in keep])
