"""The rules every palette must meet, checked and, where safely possible, met by moving colours.

Rules: primary on background reaches WCAG 4.5:1; every pair of colours is at
least CIEDE2000 8 apart; primary, accent and background stay 8 apart for
protanopes, deuteranopes and tritanopes too. The offline designer and the
repair of LLM palettes share `fit_roles`: each role has an intended colour,
roles are placed one at a time, and each takes the candidate nearest its
intent (same hue first, then less chroma, then a hue step) that keeps every
rule against the colours already placed. Locked colours are placed first and
never move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from paletteflow.color import (
    ciede2000,
    hex_to_linear,
    hex_to_oklch,
    linear_to_cielab,
    linear_to_hex,
    linear_to_srgb,
    oklab_to_oklch,
    oklch_to_linear_in_gamut,
    srgb_to_linear,
    srgb_to_oklab,
)
from paletteflow.cvd import DEFICIENCIES, Deficiency, simulate
from paletteflow.models import ROLES
from paletteflow.palettes.lexicon import COLORFUL_CHROMA, Anchor

MIN_CONTRAST = 4.5
MIN_DISTANCE = 8.0
# Two palettes whose same-role colours are on average closer than the distinctness rule are
# near-duplicates; the offline designer aims well above this (VARIETY_TARGET).
NEAR_DUPLICATE = MIN_DISTANCE
VARIETY_TARGET = 12.0
AVOID_MARGIN = 20.0
AVOID_MIN_CHROMA = COLORFUL_CHROMA
CVD_ROLES = ("primary", "accent", "background")
# What every palette reports, by name, in the order check_roles computes them.
CHECKS = ("contrast", "distinct", *DEFICIENCIES)
PLACEMENT_ORDER = ("background", "primary", "accent", "secondary", "highlight")

_RULE_WEIGHT = 100
_LUMINANCE = np.array([0.2126, 0.7152, 0.0722])
_NEAR_OFFSETS = np.array(
    [0.0, 0.04, -0.04, 0.08, -0.08, 0.12, -0.12, 0.16, -0.16, 0.2, -0.2, 0.25, -0.25, 0.3, -0.3]
)
_WIDE_OFFSETS = np.round(np.arange(-0.9, 0.91, 0.05), 2)


@dataclass(frozen=True)
class Intent:
    """The colour a role should have if the rules allow; `exact` keeps a given hex when it fits."""

    lightness: float
    chroma: float
    hue: float
    exact: str | None = None
    hue_free: bool = True

    @classmethod
    def of_hex(cls, color: str, hue_free: bool = True) -> Intent:
        lightness, chroma, hue = hex_to_oklch([color])[0]
        return cls(float(lightness), float(chroma), float(hue), exact=color, hue_free=hue_free)


@dataclass(frozen=True)
class Fit:
    roles: dict[str, str]
    moved: tuple[str, ...]


def contrast_of(linear_a: np.ndarray, linear_b: np.ndarray) -> np.ndarray:
    """WCAG 2 contrast ratio of linear sRGB colours, broadcasting."""
    first, second = linear_a @ _LUMINANCE, linear_b @ _LUMINANCE
    return (np.maximum(first, second) + 0.05) / (np.minimum(first, second) + 0.05)


def _views(linear: np.ndarray) -> np.ndarray:
    """(4, ..., 3) CIELAB: normal vision, then as each kind of dichromat sees the colours."""
    seen = [linear] + [np.clip(simulate(linear, kind), 0.0, 1.0) for kind in DEFICIENCIES]
    return linear_to_cielab(np.stack(seen))


_PAIRS = np.array(list(combinations(range(len(ROLES)), 2)))
_CVD_PAIRS = np.array([
    k for k, (i, j) in enumerate(_PAIRS) if ROLES[i] in CVD_ROLES and ROLES[j] in CVD_ROLES
])  # fmt: skip


def check_roles(roles: Mapping[str, str], min_contrast: float = MIN_CONTRAST) -> dict[str, bool]:
    """Which rules a finished palette meets, by name: the report attached to every palette."""
    linear = hex_to_linear([roles[role] for role in ROLES])
    views = _views(linear)
    distances = ciede2000(views[:, _PAIRS[:, 0]], views[:, _PAIRS[:, 1]])
    primary, background = linear[ROLES.index("primary")], linear[ROLES.index("background")]
    passed = [
        contrast_of(primary, background) >= min_contrast,
        np.all(distances[0] >= MIN_DISTANCE),
        *(np.all(distances[view, _CVD_PAIRS] >= MIN_DISTANCE) for view in range(1, len(views))),
    ]
    return {name: bool(ok) for name, ok in zip(CHECKS, passed, strict=True)}


def seen_apart(first: str, second: str, deficiency: Deficiency) -> float:
    """CIEDE2000 between two colours as a dichromat of this kind sees them."""
    lab = linear_to_cielab(np.clip(simulate(hex_to_linear([first, second]), deficiency), 0.0, 1.0))
    return float(ciede2000(lab[0], lab[1]))


def distance_to_nearest(roles: Mapping[str, str], others: Sequence[Mapping[str, str]]) -> float:
    """Smallest mean CIEDE2000 between same-role colours of `roles` and any of `others` (inf if none).

    Small means two palettes look alike, whatever their names.
    """
    if not others:
        return float("inf")
    colors = [palette[role] for palette in (roles, *others) for role in ROLES]
    lab = linear_to_cielab(hex_to_linear(colors)).reshape(len(others) + 1, len(ROLES), 3)
    return float(np.min(np.mean(ciede2000(lab[:1], lab[1:]), axis=1)))


def fit_roles(
    intents: Mapping[str, Intent],
    locked: Mapping[str, str],
    *,
    min_contrast: float = MIN_CONTRAST,
    avoid: Sequence[Anchor] = (),
) -> Fit:
    """Give every role a colour as close to its intent as the rules allow; locked roles stay exact."""
    placed: dict[str, str] = dict(locked)
    placed_linear: dict[str, np.ndarray] = {
        role: hex_to_linear([c])[0] for role, c in locked.items()
    }
    moved = []
    for role in PLACEMENT_ORDER:
        if role in placed:
            continue
        intent = intents[role]
        color, linear = _place(role, intent, placed_linear, min_contrast, avoid)
        placed[role], placed_linear[role] = color, linear
        if intent.exact is not None and color != intent.exact:
            moved.append(role)
    return Fit({role: placed[role] for role in ROLES}, tuple(moved))


def _place(
    role: str,
    intent: Intent,
    placed: Mapping[str, np.ndarray],
    min_contrast: float,
    avoid: Sequence[Anchor],
) -> tuple[str, np.ndarray]:
    stages = [(_NEAR_OFFSETS, (1.0, 0.6), (0.0,))]
    stages.append(
        (
            _WIDE_OFFSETS,
            (1.0, 0.6, 0.3, 0.0),
            (0.0, 20.0, -20.0, 40.0, -40.0) if intent.hue_free else (0.0,),
        )
    )
    fewest, chosen_linear = None, None
    for offsets, scales, hue_steps in stages:
        linear, cost = _candidates(intent, offsets, scales, hue_steps)
        violations = _violations(role, linear, placed, min_contrast, avoid)
        chosen = int(np.lexsort((cost, violations))[0])
        if fewest is None or violations[chosen] < fewest:
            fewest, chosen_linear = int(violations[chosen]), linear[chosen]
        if fewest == 0:
            break
    return linear_to_hex(chosen_linear)[0], chosen_linear


def _candidates(
    intent: Intent, offsets: np.ndarray, scales: tuple[float, ...], hue_steps: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """In-gamut candidates around the intent, rounded to 8-bit sRGB, with their distance from it."""
    d_l, scale, d_h = (
        axis.ravel() for axis in np.meshgrid(offsets, scales, hue_steps, indexing="ij")
    )
    lightness = np.clip(np.clip(intent.lightness, 0.0, 1.0) + d_l, 0.0, 1.0)
    linear = oklch_to_linear_in_gamut(lightness, intent.chroma * scale, intent.hue + d_h, steps=10)
    linear = srgb_to_linear(np.rint(linear_to_srgb(linear) * 255.0) / 255.0)
    cost = np.abs(lightness - intent.lightness) + 0.3 * (1 - scale) + np.abs(d_h) / 100
    if intent.exact is not None:
        linear = np.vstack([hex_to_linear([intent.exact]), linear])
        cost = np.concatenate([[-1.0], cost])
    return linear, cost


def _violations(
    role: str,
    linear: np.ndarray,
    placed: Mapping[str, np.ndarray],
    min_contrast: float,
    avoid: Sequence[Anchor],
) -> np.ndarray:
    """A penalty per candidate: each broken rule outweighs any number of avoided hues it shows."""
    count = np.zeros(len(linear), dtype=int)
    if placed:
        others = list(placed)
        other_linear = np.stack([placed[other] for other in others])
        seen = ciede2000(linear_to_cielab(linear)[:, None], linear_to_cielab(other_linear)[None])
        count += _RULE_WEIGHT * (seen < MIN_DISTANCE).sum(axis=1)
        cvd_others = [placed[other] for other in others if other in CVD_ROLES]
        if role in CVD_ROLES and cvd_others:
            candidate_views, other_views = _views(linear)[1:], _views(np.stack(cvd_others))[1:]
            distances = ciede2000(candidate_views[:, :, None], other_views[:, None, :])
            count += _RULE_WEIGHT * (distances < MIN_DISTANCE).sum(axis=(0, 2))
        partner = {"primary": "background", "background": "primary"}.get(role)
        if partner in placed:
            count += _RULE_WEIGHT * (contrast_of(linear, placed[partner]) < min_contrast)
    if avoid:
        lch = oklab_to_oklch(srgb_to_oklab(linear_to_srgb(linear)))
        for anchor in avoid:
            count += anchor.covers_hue(lch[:, 2], AVOID_MARGIN) & (lch[:, 1] > AVOID_MIN_CHROMA)
    return count
