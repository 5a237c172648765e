"""Colour maths shared by palettes and recolouring.

Everything perceptual happens in OKLab (Ottosson 2020): it is cheap to compute
per pixel with numpy and, unlike CIELAB, keeps hue stable when lightness or
chroma change, which is what recolouring and palette building both lean on.
"""

from __future__ import annotations

import functools
import re

import numpy as np

_HEX6 = re.compile(r"^#?([0-9a-fA-F]{6})$")
_HEX3 = re.compile(r"^#?([0-9a-fA-F]{3})$")

_LMS_FROM_LINEAR = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_OKLAB_FROM_LMS = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)
_LMS_FROM_OKLAB = np.linalg.inv(_OKLAB_FROM_LMS)
_LINEAR_FROM_LMS = np.linalg.inv(_LMS_FROM_LINEAR)


def normalize_hex(value: str) -> str:
    """Accept the spellings people and LLMs use (#abc, ABCDEF, #AbCdEf) and return #rrggbb."""
    text = value.strip() if isinstance(value, str) else ""
    if match := _HEX6.match(text):
        return "#" + match.group(1).lower()
    if match := _HEX3.match(text):
        return "#" + "".join(ch * 2 for ch in match.group(1).lower())
    raise ValueError(f"{value!r} is not a hex colour; use #rrggbb, e.g. #1a73e8")


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    text = normalize_hex(value)
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def rgb_to_hex(rgb: tuple[int, int, int] | np.ndarray) -> str:
    r, g, b = (int(c) for c in np.clip(np.rint(np.asarray(rgb, dtype=float)), 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


def srgb_to_linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] to linear light; the piecewise curve, not a 2.2 gamma, so round trips are exact."""
    srgb = np.asarray(srgb, dtype=np.float64)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def srgb_to_oklab(srgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in [0, 1] to (..., 3) OKLab."""
    lms = srgb_to_linear(srgb) @ _LMS_FROM_LINEAR.T
    return np.cbrt(lms) @ _OKLAB_FROM_LMS.T


def oklab_to_linear(lab: np.ndarray) -> np.ndarray:
    """OKLab to linear sRGB, unclipped, so callers can tell whether a colour is in gamut."""
    lms = (np.asarray(lab, dtype=np.float64) @ _LMS_FROM_OKLAB.T) ** 3
    return lms @ _LINEAR_FROM_LMS.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    return linear_to_srgb(oklab_to_linear(lab))


@functools.cache
def _linear_of_srgb8() -> np.ndarray:
    """srgb_to_linear of every 8-bit level; built on first use, not at import."""
    return srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)


@functools.cache
def _srgb8_of_linear16() -> np.ndarray:
    """linear_to_srgb at 2**16 even steps, rounded to 8 bits: fine enough that no level is skipped."""
    return np.rint(linear_to_srgb(np.linspace(0.0, 1.0, 1 << 16)) * 255).astype(np.uint8)


def srgb8_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) 8-bit sRGB to float32 OKLab, the sRGB curve read from a table: for per-pixel work."""
    lms = np.take(_linear_of_srgb8(), rgb) @ _LMS_FROM_LINEAR.T.astype(np.float32)
    return np.cbrt(lms) @ _OKLAB_FROM_LMS.T.astype(np.float32)


def oklab_planes_to_srgb8(lab: np.ndarray) -> np.ndarray:
    """(3, ...) float32 OKLab, one plane per channel, to (..., 3) 8-bit sRGB, clipped.

    For per-pixel work: the matrices go plane by plane over contiguous
    arrays and the sRGB curve is read from a table, several times quicker
    than `oklab_to_srgb`, and within one level of rounding it.
    """
    lms = _planes_times(_LMS_FROM_OKLAB, lab)
    lms *= lms * lms
    linear = _planes_times(_LINEAR_FROM_LMS, lms)
    np.clip(linear, 0.0, 1.0, out=linear)
    linear *= np.float32((1 << 16) - 1)
    linear += np.float32(0.5)
    table = _srgb8_of_linear16()
    return np.stack([np.take(table, plane.astype(np.uint16)) for plane in linear], -1)


def _planes_times(matrix: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """`matrix` @ a (3, ...) stack of planes, as three sums of scaled planes."""
    result = np.empty_like(planes)
    for row, out in zip(matrix.astype(np.float32), result, strict=True):
        np.multiply(planes[0], row[0], out=out)
        out += planes[1] * row[1]
        out += planes[2] * row[2]
    return result


def hex_to_oklab(values: list[str] | tuple[str, ...]) -> np.ndarray:
    rgb = np.array([hex_to_rgb(v) for v in values], dtype=np.float64) / 255.0
    return srgb_to_oklab(rgb)


def oklab_to_oklch(lab: np.ndarray) -> np.ndarray:
    """(..., 3) OKLab to (..., 3) OkLCh with hue in degrees [0, 360)."""
    lab = np.asarray(lab, dtype=np.float64)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360
    return np.stack([lab[..., 0], chroma, hue], axis=-1)


def oklch_to_linear_in_gamut(lightness, chroma, hue_degrees, steps: int = 16) -> np.ndarray:
    """Linear sRGB of the in-gamut colours nearest in chroma to the requests, keeping lightness and hue.

    Clipping RGB channels would shift hue; reducing chroma until the colour fits
    keeps the designer's intent (hue and lightness) and loses only saturation.
    Bisects every out-of-gamut request at once, so palette search can map
    hundreds of candidates in one pass.
    """
    lightness, chroma, hue = (
        np.ravel(axis).astype(np.float64)
        for axis in np.broadcast_arrays(lightness, chroma, np.deg2rad(hue_degrees))
    )
    lightness, chroma = np.clip(lightness, 0.0, 1.0), np.maximum(chroma, 0.0)
    cos, sin = np.cos(hue), np.sin(hue)

    def linear_at(rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        lab = np.column_stack([lightness[rows], values * cos[rows], values * sin[rows]])
        return ((lab @ _LMS_FROM_OKLAB.T) ** 3) @ _LINEAR_FROM_LMS.T

    every = np.arange(len(lightness))
    linear = linear_at(every, chroma)
    outside = np.flatnonzero(~_fits(linear))
    if len(outside):
        low, high = np.zeros(len(outside)), chroma[outside]
        for _ in range(steps):
            mid = (low + high) / 2
            inside = _fits(linear_at(outside, mid))
            low, high = np.where(inside, mid, low), np.where(inside, high, mid)
        linear[outside] = linear_at(outside, low)
    return np.clip(linear, 0.0, 1.0)


def _fits(linear: np.ndarray, tolerance: float = 1e-6) -> np.ndarray:
    return np.all((linear >= -tolerance) & (linear <= 1 + tolerance), axis=-1)


def linear_to_hex(linear: np.ndarray) -> list[str]:
    """(n, 3) linear sRGB to hex strings, rounding to the nearest 8-bit value."""
    rgb = np.rint(linear_to_srgb(np.atleast_2d(linear)) * 255.0).astype(int)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]


def oklch_to_hex(lightness: float, chroma: float, hue_degrees: float) -> str:
    """The in-gamut colour nearest in chroma to the request, keeping lightness and hue."""
    return linear_to_hex(oklch_to_linear_in_gamut(lightness, chroma, hue_degrees, steps=24))[0]


def hex_to_oklch(values: list[str] | tuple[str, ...]) -> np.ndarray:
    return oklab_to_oklch(hex_to_oklab(values))


def gamut_chroma(lightness: np.ndarray, hue: np.ndarray) -> np.ndarray:
    """The most chroma sRGB holds at each OkLCh lightness and hue."""
    linear = oklch_to_linear_in_gamut(lightness, np.full(np.shape(lightness), 0.5), hue, steps=12)
    return np.maximum(oklab_to_oklch(srgb_to_oklab(linear_to_srgb(linear)))[:, 1], 1e-6)


def relative_luminance(value: str) -> float:
    """WCAG 2.x relative luminance of a hex colour."""
    linear = srgb_to_linear(np.array(hex_to_rgb(value), dtype=np.float64) / 255.0)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio, from 1 (identical) to 21 (black on white)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_ink(background: str) -> str:
    """Black or white, whichever contrasts more with the background.

    One of the two always reaches at least 4.58:1 (WCAG AA for body text is
    4.5:1), so a label on any swatch stays readable.
    """
    return max(("#000000", "#ffffff"), key=lambda ink: contrast_ratio(ink, background))


# sRGB (D65) linear light to CIE XYZ, and the D65 white point, per IEC 61966-2-1.
_XYZ_FROM_LINEAR = np.array(
    [
        [0.4123907993, 0.3575843394, 0.1804807884],
        [0.2126390059, 0.7151686788, 0.0721923054],
        [0.0193308187, 0.1191947798, 0.9505321522],
    ]
)
_D65_WHITE = np.array([0.9504559271, 1.0, 1.0890577508])
_LAB_EPSILON = 216 / 24389
_LAB_KAPPA = 24389 / 27


def linear_to_cielab(linear: np.ndarray) -> np.ndarray:
    """(..., 3) linear sRGB to CIELAB under D65, the space CIEDE2000 is defined in."""
    xyz = (np.asarray(linear, dtype=np.float64) @ _XYZ_FROM_LINEAR.T) / _D65_WHITE
    f = np.where(xyz > _LAB_EPSILON, np.cbrt(xyz), (_LAB_KAPPA * xyz + 16) / 116)
    lab = np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )
    # Greys must come out exactly achromatic: CIEDE2000 treats chroma 0 specially, so float
    # residue of 1e-7 would otherwise change a grey's differences by up to ~0.005.
    lab[..., 1:] = np.where(np.abs(lab[..., 1:]) < 1e-5, 0.0, lab[..., 1:])
    return lab


def oklab_to_cielab(lab: np.ndarray) -> np.ndarray:
    """(..., 3) OKLab to CIELAB as it will be painted: clipped to the sRGB gamut first."""
    return linear_to_cielab(np.clip(oklab_to_linear(lab), 0.0, 1.0))


def hex_to_linear(values: list[str] | tuple[str, ...]) -> np.ndarray:
    return srgb_to_linear(np.array([hex_to_rgb(v) for v in values], dtype=np.float64) / 255.0)


def ciede2000(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between CIELAB arrays, broadcasting; kL = kC = kH = 1.

    Vectorised so a palette's pairs, and many candidate colours at once, cost
    one numpy pass: the generators search candidates with it. The comments
    number the steps and equations as G. Sharma, W. Wu and E. N. Dalal, "The
    CIEDE2000 color-difference formula: implementation notes, supplementary
    test data, and mathematical observations", Color Research & Application
    30(1), 21-30 (2005), whose test pairs tests/test_color_difference.py checks.
    """
    lab1, lab2 = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    # Step 1: stretch a* by how grey the pair is on average (eqs. 2-5), so that near-neutral
    # colours, where CIELAB hue is least uniform, differ more; then chroma C' and hue h' in
    # degrees from the stretched a' (eqs. 6-7).
    chroma_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(chroma_mean**7 / (chroma_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    # Step 2: the differences. The hue angle goes the short way round the circle, and is 0
    # when either colour has no chroma (eq. 10); ΔH' is the hue difference as a distance (eq. 11).
    achromatic = c1p * c2p == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(achromatic, 0.0, dh)
    d_l, d_c = l2 - l1, c2p - c1p  # eqs. 8-9
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    # Step 3: the weights. Means of L' and C' (eqs. 12-13); the mean hue also goes the short
    # way round, and is the plain sum when a colour has no chroma (eq. 14).
    l_mean, c_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(
        achromatic,
        h_sum,
        np.where(
            np.abs(h1p - h2p) <= 180,
            h_sum / 2,
            np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2),
        ),
    )
    # T: how the hue weight varies around the circle (eq. 15).
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    # The rotation term for blues, where chroma and hue differences interact: Δθ peaks at a
    # mean hue of 275° (eq. 16), R_C grows with chroma (eq. 17).
    rotation = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
    # Weights for lightness, chroma and hue (eqs. 18-20), and the rotation R_T (eq. 21).
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_t = -np.sin(np.radians(2 * rotation)) * r_c
    # ΔE00 (eq. 22).
    return np.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def delta_e(first: str, second: str) -> float:
    """CIEDE2000 between two hex colours."""
    lab = linear_to_cielab(hex_to_linear([first, second]))
    return float(ciede2000(lab[0], lab[1]))
