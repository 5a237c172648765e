"""Colour-vision-deficiency simulation, so palettes can be checked for colour-blind readers.

Protanopia and deuteranopia use Machado, Oliveira and Fernandes (2009) at full
severity, tritanopia Brettel, Viénot and Mollon (1997), the model that holds
for tritans. All three act on linear sRGB. The Brettel half-plane matrices
(Smith-Pokorny cone fundamentals) are the precomputed ones ColorAide (MIT)
publishes; the tests compare these functions against ColorAide itself.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Deficiency = Literal["protanopia", "deuteranopia", "tritanopia"]
DEFICIENCIES: tuple[Deficiency, ...] = ("protanopia", "deuteranopia", "tritanopia")

_MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}

_LMS_FROM_LINEAR = np.array(
    [
        [0.178824041258, 0.4351609057000001, 0.04119349692],
        [0.034556423182, 0.27155382458, 0.038671308360000003],
        [0.000299565576, 0.0018430896, 0.01467086136],
    ]
)
# Each wing projects LMS onto one half-plane of the tritan's colour space and back to linear sRGB.
_TRITAN_WINGS = (
    np.array(
        [
            [7.392856536180033, -11.148044821248138, 0.0],
            [-0.34194012421930653, 3.5501661175064, 0.0],
            [-4.2050692716448586, 10.89115898202731, 0.0],
        ]
    ),
    np.array(
        [
            [8.0643934576311, -12.42414705871019, 0.0],
            [-0.9956078228581946, 4.7923119863996835, 0.0],
            [-0.2150297288038942, 3.3090019545637928, 0.0],
        ]
    ),
)
_TRITAN_SEPARATION = np.array([0.344781556122, -0.6551784438780001, 0.0])


def simulate(linear: np.ndarray, deficiency: Deficiency) -> np.ndarray:
    """(..., 3) linear sRGB as a dichromat of this kind would see it, in linear sRGB (unclipped)."""
    linear = np.asarray(linear, dtype=np.float64)
    if deficiency in _MACHADO:
        return linear @ _MACHADO[deficiency].T
    if deficiency != "tritanopia":
        raise ValueError(f"unknown deficiency {deficiency!r}; known: {', '.join(DEFICIENCIES)}")
    lms = linear @ _LMS_FROM_LINEAR.T
    first, second = (lms @ wing.T for wing in _TRITAN_WINGS)
    on_second_wing = (lms @ _TRITAN_SEPARATION) > 0
    return np.where(on_second_wing[..., None], second, first)
