"""How a recolour's targets would come out: palette colours in use, area off the palette, contrast missed.

Whether black line art is best kept or recoloured depends on the palette: a
palette with a dark colour that nothing else takes can draw the lines itself,
and then every one of its colours shows; a light palette cannot. The choice is
made by estimating both outcomes on the key colours and their areas, before
any pixel is painted, with the thresholds of the recolour measures
(`benchmarks/recolor_quality.py`): a palette colour is in use when colours
within CIEDE2000 8 of it cover 2% of the image; a colour is on the palette
within 8 of one of its colours, or where black or white stays black or white.
The same estimates choose which families take palette colours when area alone
leaves a small dark detail on a light variant (`assignment`, rule 6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paletteflow.color import ciede2000, oklab_to_cielab
from paletteflow.recolor.neutrals import black_or_white

ON_PALETTE_DE00 = 8.0
IN_USE_SHARE = 0.02
# Recolouring black must not take more of the image off the palette than this, nor miss more of
# the strong edges' needed contrast than this on top of what keeping black misses.
OFF_PALETTE_ALLOWANCE = 0.02
CONTRAST_ALLOWANCE = 0.4
# A share of the image taken off the palette weighs this many times the same share of the strong
# edges' needed contrast missed, and one outcome is more legible than another only past a margin.
OFF_PALETTE_COST = 4.0
LEGIBILITY_MARGIN = 0.05


@dataclass(frozen=True)
class Outcome:
    """Palette colours in use, share of the image off the palette, share of contrast missed,
    and the palette colours (indices) out of use."""

    colors_used: int
    off_palette: float
    contrast_missed: float
    unused: tuple[int, ...]

    @classmethod
    def of(
        cls,
        targets: np.ndarray,
        keys_lab: np.ndarray,
        shares: np.ndarray,
        palette_lab: np.ndarray,
        contrast_missed: float,
    ) -> Outcome:
        """The outcome of giving each key (OKLab, with its share of the image) its target."""
        target, source, palette = (oklab_to_cielab(lab) for lab in (targets, keys_lab, palette_lab))
        distance = ciede2000(target[:, None], palette[None])
        nearest = np.argmin(distance, axis=1)
        on_palette = distance[np.arange(len(target)), nearest] <= ON_PALETTE_DE00
        kept_neutral = (black_or_white(target) & black_or_white(source)).any(axis=1)
        coverage = np.bincount(
            nearest[on_palette], weights=shares[on_palette], minlength=len(palette)
        )
        return cls(
            colors_used=int((coverage >= IN_USE_SHARE).sum()),
            off_palette=float(shares[~(on_palette | kept_neutral)].sum()),
            contrast_missed=contrast_missed,
            unused=tuple(int(c) for c in np.flatnonzero(coverage < IN_USE_SHARE)),
        )

    def better_use(self, other: Outcome, contrast_allowance: float = CONTRAST_ALLOWANCE) -> bool:
        """More of the palette in use, and about as much on it and as legible as `other`."""
        return (
            self.colors_used > other.colors_used
            and self.off_palette <= other.off_palette + OFF_PALETTE_ALLOWANCE
            and self.contrast_missed <= other.contrast_missed + contrast_allowance
        )

    def more_legible(self, other: Outcome) -> bool:
        """Clearly less contrast missed than `other`, any extra area off the palette counted as
        missed contrast, with no fewer palette colours in use; with more in use, area it brings
        back onto the palette counts for it too."""
        if self.colors_used < other.colors_used:
            return False
        gained = other.contrast_missed - self.contrast_missed
        lost = OFF_PALETTE_COST * (self.off_palette - other.off_palette)
        if self.colors_used == other.colors_used:
            lost = max(lost, 0.0)
        return gained - lost > LEGIBILITY_MARGIN
