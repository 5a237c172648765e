"""Which key colours are black, white or grey, so a recolour can keep them as they are.

Black and white are the colours within CIEDE2000 NEUTRAL_DE00 of pure black
and pure white: what reads as black ink and white paper, the same tolerance
as "on a palette colour". Grey is the rest of the colours whose CIELAB
chroma is under GREY_CHROMA (they read as grey, not as a tint). A dark
blue-grey such as Twemoji's #292f33 is a grey, not a black. A kept black may
still deepen and a kept white brighten, when an edge needs the contrast: it
stays black, or white; a kept grey stays exactly as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paletteflow.color import ciede2000, oklab_to_cielab
from paletteflow.neutrals import Neutral

NEUTRAL_DE00 = 8.0
GREY_CHROMA = 8.0
_BLACK_AND_WHITE = np.array([[0.0, 0.0, 0.0], [100.0, 0.0, 0.0]])


@dataclass(frozen=True)
class Kept:
    """Per key: kept or not, and the OKLab lightness range it may move in (0 to 1 if not kept)."""

    kept: np.ndarray
    lowest: np.ndarray
    highest: np.ndarray


def black_or_white(cielab: np.ndarray) -> np.ndarray:
    """(N, 2): whether each CIELAB colour reads as black, and whether it reads as white."""
    return ciede2000(cielab[:, None], _BLACK_AND_WHITE[None]) <= NEUTRAL_DE00


def kept_keys(keys_lab: np.ndarray, keep: Sequence[Neutral]) -> Kept:
    """Which keys are kept, by their neutral kind, and how far each may move in lightness."""
    count = len(keys_lab)
    kept, lowest, highest = np.zeros(count, dtype=bool), np.zeros(count), np.ones(count)
    if not keep or not count:
        return Kept(kept, lowest, highest)
    lab = oklab_to_cielab(keys_lab)
    is_black, is_white = black_or_white(lab).T
    is_grey = (np.hypot(lab[:, 1], lab[:, 2]) < GREY_CHROMA) & ~is_black & ~is_white
    black = is_black & ("black" in keep)
    white = is_white & ("white" in keep)
    grey = is_grey & ("grey" in keep)
    own = keys_lab[:, 0]
    lowest = np.where(white | grey, own, 0.0)
    highest = np.where(black | grey, own, 1.0)
    return Kept(black | white | grey, lowest, highest)
