"""How much a palette looks like palettes many people loved: a stand-in for a rating model.

The published rating model (O'Donovan, Agarwala & Hertzmann 2011) ships data
under a non-commercial licence, so it is not used here. Instead a logistic
regression learns to tell the loved palettes the project ships (top
COLOURlovers palettes from nice-color-palettes, MIT) from random sRGB
palettes, on features of the kind that paper found to matter: the mean,
spread and extremes of lightness and chroma, how many hues there are (the
chroma-weighted resultant length of the hues), and how far apart the colours
sit (CIEDE2000). It is trained on half of the loved palettes; its score on
the other half, on random palettes and on PAT's human palettes says how far
to trust it. A palette's score is the model's probability that it is a loved
one: 0 to 1, higher is more like palettes people loved. It is a proxy, not
the star rating of the paper.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from paletteflow.color import ciede2000, hex_to_linear, linear_to_cielab, srgb_to_linear
from paletteflow.palettes.lexicon import nice_palettes

_PAIRS = np.array(list(combinations(range(5), 2)))
_STEPS = 4000
_RATE = 0.2
_RIDGE = 1e-3


def features(lab: np.ndarray) -> np.ndarray:
    """Order-free features of one 5-colour CIELAB palette."""
    lightness, chroma = lab[:, 0], np.hypot(lab[:, 1], lab[:, 2])
    hue = np.arctan2(lab[:, 2], lab[:, 1])
    weight = chroma / (chroma.sum() + 1e-9)
    one_hue = np.hypot((weight * np.cos(hue)).sum(), (weight * np.sin(hue)).sum())
    apart = ciede2000(lab[_PAIRS[:, 0]], lab[_PAIRS[:, 1]])
    steps = np.diff(np.sort(lightness))
    return np.array([
        lightness.mean(), lightness.std(), lightness.min(), lightness.max(),
        chroma.mean(), chroma.std(), chroma.min(), chroma.max(),
        one_hue, apart.min(), apart.mean(), apart.max(),
        (chroma < 8).mean(), (lightness > 95).mean(), (lightness < 15).mean(), steps.std(),
    ])  # fmt: skip


class LovedLikeness:
    """A logistic regression: loved palettes (every other one) against random sRGB palettes."""

    def __init__(self, seed: int = 0) -> None:
        loved = [linear_to_cielab(hex_to_linear(p)) for p in nice_palettes()]
        self.held_out = loved[1::2]
        rng = np.random.default_rng(seed)
        random = [self.random_palette(rng) for _ in loved[::2]]
        x = np.array([features(lab) for lab in loved[::2] + random])
        y = np.r_[np.ones(len(loved[::2])), np.zeros(len(random))]
        self.mean, self.scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        z = self._design(x)
        self.weights = np.zeros(z.shape[1])
        for _ in range(_STEPS):
            p = 1 / (1 + np.exp(-z @ self.weights))
            self.weights -= _RATE * (z.T @ (p - y) / len(y) + _RIDGE * self.weights)

    @staticmethod
    def random_palette(rng: np.random.Generator) -> np.ndarray:
        return linear_to_cielab(srgb_to_linear(rng.random((5, 3))))

    def _design(self, x: np.ndarray) -> np.ndarray:
        return np.c_[(x - self.mean) / self.scale, np.ones(len(x))]

    def score(self, palettes: list[np.ndarray]) -> float:
        """Mean probability of being a loved palette, over CIELAB palettes of 5 colours."""
        x = np.array([features(lab) for lab in palettes])
        return float(np.mean(1 / (1 + np.exp(-self._design(x) @ self.weights))))
