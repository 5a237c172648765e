"""Closeness to loved palettes: how far a set of palettes is, as a whole, from palettes people love.

Not the issue's 1-5 rating: the model behind that rating (O'Donovan, Agarwala &
Hertzmann 2011) carries CC BY-NC-SA data and is not used. This compares what can
be read off each palette against the same reading of the loved palettes
(`nice_palettes`: the top COLOURlovers palettes, MIT): mean and spread of OkLCh
lightness, mean and spread of chroma, and how far the colourful swatches spread
in hue, the palette-level features that paper and the harmony literature
(lightness contrast, saturation, hue templates) name as mattering. The distance
is the energy distance (Székely & Rizzo 2013) between the two sets of feature
vectors, each feature scaled by its spread among the loved palettes; 0 means
the same distribution. Two halves of the loved palettes, set against each
other, give the floor a sample this size reaches.

The designer's profiles are learned from the same loved palettes, so a low
distance here partly measures that it learned them; random palettes and
earlier designers measured the same way are the anchors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paletteflow.color import hex_to_oklch, linear_to_hex, srgb_to_linear
from paletteflow.palettes.lexicon import nice_palettes

# Swatches below this OkLCh chroma have no hue worth counting in the hue spread.
HUE_CHROMA = 0.04


def palette_features(colors: Sequence[str]) -> np.ndarray:
    """Lightness mean and range, chroma mean and spread, hue spread of the colourful swatches."""
    lightness, chroma, hue = hex_to_oklch(list(colors)).T
    colorful = np.radians(hue[chroma >= HUE_CHROMA])
    # Circular spread: 0 when the colourful swatches share a hue, near 1 when they face every way.
    spread = (
        1 - np.hypot(np.cos(colorful).mean(), np.sin(colorful).mean()) if len(colorful) > 1 else 0.0
    )
    return np.array([lightness.mean(), np.ptp(lightness), chroma.mean(), chroma.std(), spread])


def feature_table(palettes: Sequence[Sequence[str]]) -> np.ndarray:
    return np.stack([palette_features(colors) for colors in palettes])


def energy_distance(first: np.ndarray, second: np.ndarray) -> float:
    """Energy distance between two samples of feature vectors (rows); 0 for one distribution."""

    def mean_gap(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1).mean())

    return 2 * mean_gap(first, second) - mean_gap(first, first) - mean_gap(second, second)


def random_palettes(count: int, seed: int = 0) -> list[list[str]]:
    """Five uniformly random sRGB colours each: the anchor that knows nothing about palettes."""
    rgb = np.random.default_rng(seed).random((count, 5, 3))
    return [linear_to_hex(srgb_to_linear(palette)) for palette in rgb]


def closeness(palettes: Sequence[Sequence[str]]) -> float:
    """Energy distance of these palettes' features from the loved palettes', features scaled alike."""
    loved = feature_table(nice_palettes())
    scale = loved.std(axis=0)
    return energy_distance(feature_table(palettes) / scale, loved / scale)


def loved_floor() -> float:
    """Half the loved palettes against the other half: what sampling alone leaves."""
    loved = feature_table(nice_palettes())
    scale = loved.std(axis=0)
    return energy_distance(loved[0::2] / scale, loved[1::2] / scale)
