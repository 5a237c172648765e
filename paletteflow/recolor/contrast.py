"""Lightness structure: strong edges keep their light-to-dark order and most of their contrast.

A drawing stays legible while its outlines stay darker (or lighter) than what
they surround and touching regions keep their light-to-dark order; Chang et
al. 2015 keep a palette's lightness monotonic for the same reason. Every pair
of touching keys whose OKLab lightness differs by STRONG_EDGE or more (about
25 in CIELAB L*) becomes a constraint on the lightness of their families'
colours: the lighter key stays lighter by KEPT_SHARE of its original
difference. The assignment prefers hand-outs of palette colours that meet the
constraints already (`shortfall`); what a palette cannot carry by itself
(five salmons, five pastels) `keep_contrast` meets by deriving darker or
lighter steps of the assigned colours, moving the smallest regions first, so
large fills stay on their palette colours and a thin outline takes the step.
How much of the image may leave the palette that way is bounded
(`stepped_lightness`): the picture must stay legible and still show its palette.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paletteflow.color import (
    ciede2000,
    linear_to_srgb,
    oklab_to_cielab,
    oklch_to_linear_in_gamut,
    srgb_to_oklab,
)
from paletteflow.recolor.outcome import IN_USE_SHARE

STRONG_EDGE = 0.2
# The edge-contrast measure asks for half (in CIELAB L*, which is linear in OKLab L for greys).
# An edge that keeps MET_SHARE is left alone; one that does not is given KEPT_SHARE, the margin
# covering chromatic colours and the antialiased pixels along the edge.
MET_SHARE = 0.5
KEPT_SHARE = 0.55
# Colours that turn an edge round by this share of its need or more were meant to (a dark ground
# role under art drawn on white); a smaller reversal is an accident of near-equal colours.
TURNED_SHARE = 0.25
# With a palette too flat to carry the edges, every reversal is an accident of near-equal colours
# unless it already gives the edge all it needs.
SHORT_TURNED_SHARE = 1.0
# With a palette that spans the lightness the edges need, families over LARGE_SHARE of the image
# step only as far as their colour stays within LARGE_STEP_DE00: still their palette colour; the
# others as far as they stay within PALETTE_STEP_DE00 of their palette colour (the palette-true
# tolerance is 8, less a margin for the shading around a family's lead).
LARGE_SHARE = 0.1
LARGE_STEP_DE00 = 5.0
PALETTE_STEP_DE00 = 7.0
# The smallest families, together up to this share of the image, may step freely all the same.
OFF_PALETTE_SHARE = 0.05
# Border-weighted share of needed contrast that leaving a palette colour unused is worth.
SOLE_COST = 0.05
# A palette that cannot carry the edges by its choice of colours steps families off its colours
# together up to this share of the image (palette-true asks for 0.8 of the flat pixels on it,
# less a margin for gradient bands and shading already off it); the rest stay within
# PALETTE_STEP_DE00.
SHORT_PALETTE_SHARE = 0.18
_STEPS = np.linspace(-0.15, 0.15, 31)
_TOLERANCE = 1e-4
_SWEEPS = 40


@dataclass(frozen=True)
class Constraints:
    """T[lighter] - T[darker] >= need for family lightnesses T; weight is the border's length."""

    lighter: np.ndarray
    darker: np.ndarray
    need: np.ndarray
    weight: np.ndarray

    def turned(self, where: np.ndarray) -> Constraints:
        """The same constraints with lighter and darker swapped where `where` holds."""
        return Constraints(
            np.where(where, self.darker, self.lighter),
            np.where(where, self.lighter, self.darker),
            self.need,
            self.weight,
        )


def edge_constraints(
    keys_lab: np.ndarray,
    key_family: np.ndarray,
    leads: np.ndarray,
    adjacent: np.ndarray,
    border_lengths: np.ndarray,
    opaque_borders: np.ndarray,
    palette_span: float,
) -> Constraints:
    """One constraint per pair of families that meet along a strong edge, the strictest of them.

    A key sits at its family colour's lightness plus its own offset from the
    family's lead (shading follows the lead), so the need is corrected by the
    two keys' offsets. Keys that meet only across translucent pixels (two
    shapes a transparent hairline apart, not one drawn against the other)
    need only to stay apart: no more than `palette_span`, the lightness the
    palette spans, which its own colours can give them.
    """
    lightness = keys_lab[:, 0]
    first, second = adjacent[:, 0], adjacent[:, 1]
    difference = lightness[first] - lightness[second]
    strong = (np.abs(difference) >= STRONG_EDGE) & (key_family[first] != key_family[second])
    first, second, difference = first[strong], second[strong], difference[strong]
    swap = difference < 0
    lighter, darker = np.where(swap, second, first), np.where(swap, first, second)
    offset = lightness - lightness[leads[key_family]]
    need = KEPT_SHARE * np.abs(difference) - offset[lighter] + offset[darker]
    need = np.where(opaque_borders[strong], need, np.minimum(need, palette_span))
    pairs: dict[tuple[int, int], tuple[float, float]] = {}
    for up, down, amount, length in zip(
        key_family[lighter], key_family[darker], need, border_lengths[strong], strict=True
    ):
        previous = pairs.get((int(up), int(down)), (-np.inf, 0.0))
        pairs[(int(up), int(down))] = (max(previous[0], float(amount)), previous[1] + length)
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return Constraints(empty, empty, np.zeros(0), np.zeros(0))
    families = np.array(list(pairs), dtype=np.int64)
    needs, weights = np.array(list(pairs.values()), dtype=np.float64).T
    return Constraints(families[:, 0], families[:, 1], needs, weights)


def shortfall(constraints: Constraints, lightness: np.ndarray) -> np.ndarray:
    """(C,) border-weighted share of the needed contrast each row of (C, F) `lightness` misses."""
    if not len(constraints.need):
        return np.zeros(len(lightness))
    have = lightness[:, constraints.lighter] - lightness[:, constraints.darker]
    need = np.maximum(constraints.need, _TOLERANCE)
    missing = np.clip((need - have) / need, 0.0, 1.0)
    return (missing * constraints.weight).sum(axis=1) / constraints.weight.sum()


def stepped_lightness(
    colors_lab: np.ndarray,
    shares: np.ndarray,
    kept: np.ndarray,
    black: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    constraints: Constraints,
    palette_lab: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each family's lightness after the steps its edges need, and the range it could step in.

    `lowest` and `highest` are what keeping allows; kept neutrals step at no
    cost (a kept black may deepen and stay black). A palette that spans the
    lightness its edges between unkept families need carries the contrast by
    the choice of colours, and steps stay small (`_carried_ranges`). One that
    cannot (five salmons, five pastels) steps families off its colours within
    a budget (`_short_steps`). `black` marks families that are black in the
    image: line art, free to step wherever the palette does not keep it.
    """
    lightness = colors_lab[:, 0]
    cost = np.where(kept, 0.0, shares)
    if not len(constraints.need):
        return lightness.astype(np.float64), lowest, highest
    palette = oklab_to_cielab(palette_lab)
    distance = ciede2000(oklab_to_cielab(colors_lab)[:, None], palette[None])
    own_color = palette[np.argmin(distance, axis=1)]
    between_unkept = ~kept[constraints.lighter] & ~kept[constraints.darker]
    if not between_unkept.any() or (
        np.ptp(palette_lab[:, 0]) >= constraints.need[between_unkept].max()
    ):
        lowest, highest = _carried_ranges(
            colors_lab, shares, kept, lowest, highest, constraints, own_color
        )
        return keep_contrast(lightness, cost, lowest, highest, constraints), lowest, highest
    held = ~kept & ~black
    near = _near_palette(
        colors_lab, held, np.zeros(len(held), dtype=bool), own_color, lowest, highest
    )
    shown = _shown_colors(distance, shares, kept)
    every_color_can_show = int((~kept).sum()) >= len(palette_lab)
    return _short_steps(
        lightness,
        shares,
        cost,
        ~held,
        shown,
        (lowest, highest),
        near,
        constraints,
        every_color_can_show,
    )


def _short_steps(
    lightness: np.ndarray,
    shares: np.ndarray,
    cost: np.ndarray,
    free: np.ndarray,
    shown: np.ndarray,
    open_ranges: tuple[np.ndarray, np.ndarray],
    near_ranges: tuple[np.ndarray, np.ndarray],
    constraints: Constraints,
    every_color_can_show: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps for a palette too flat for the edges: families leave its colours one at a time.

    Every family starts within PALETTE_STEP_DE00 of its palette colour (`near_ranges`)
    unless already `free`. Then, while an edge is short of MET_SHARE, the family
    on a short edge whose freedom to step (`open_ranges`) saves the most
    missed contrast is set free, as long as the families set free cover no
    more than SHORT_PALETTE_SHARE of the image. Legibility outranks palette
    truth only that far: past it the picture would no longer show its
    palette. A family that alone shows a palette colour (`shown`) counts
    SOLE_COST of missed contrast against it, so one whose colour another
    family shows too steps first. When the image has a family for every
    palette colour, such a family steps only for more than SOLE_COST:
    stepping it off leaves its colour out of a picture that could show them
    all. With fewer families some colour is out anyway, and a detail's
    contrast (a fox's eyes) wins.
    """
    free, room = free.copy(), SHORT_PALETTE_SHARE

    def ranges(free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.where(free, open_ranges[0], near_ranges[0]),
            np.where(free, open_ranges[1], near_ranges[1]),
        )

    def solved(free: np.ndarray) -> tuple[np.ndarray, float]:
        stepped = keep_contrast(lightness, cost, *ranges(free), constraints, SHORT_TURNED_SHARE)
        return stepped, float(shortfall(constraints, stepped[None])[0])

    stepped, missed = solved(free)
    while True:
        unmet = _unmet(lightness, stepped, constraints, SHORT_TURNED_SHARE)
        candidates = [
            int(family)
            for family in np.unique([constraints.lighter[unmet], constraints.darker[unmet]])
            if not free[family] and shares[family] <= room
        ]
        trials = [(solved(free | (np.arange(len(free)) == f)), f) for f in candidates]
        sole = _sole_showers(shown, free)
        priced = [
            (result[1] + SOLE_COST * sole[family], result, family) for result, family in trials
        ]
        best = min(priced, key=lambda trial: trial[0], default=None)
        if best is None:
            break
        price, (next_stepped, next_missed), family = best
        if (price if every_color_can_show else next_missed) >= missed - _TOLERANCE:
            break
        stepped, missed = next_stepped, next_missed
        free[family] = True
        room -= shares[family]
    return stepped, *ranges(free)


def _sole_showers(shown: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Families that alone, among those still held, show their palette colour."""
    showing = np.where(free, -1, shown) + 1
    holders = np.bincount(showing)
    return (showing > 0) & (holders[showing] == 1)


def _shown_colors(distance: np.ndarray, shares: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The palette colour each family shows (-1 for none): unkept, on it, big enough to count.

    `distance` is CIEDE2000 from each family's colour to each palette colour.
    """
    shows = ~kept & (shares >= IN_USE_SHARE) & (distance.min(axis=1) <= PALETTE_STEP_DE00)
    return np.where(shows, np.argmin(distance, axis=1), -1)


def _carried_ranges(
    colors_lab: np.ndarray,
    shares: np.ndarray,
    kept: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    constraints: Constraints,
    own_color: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Step ranges when the palette carries the edges: every family stays within
    PALETTE_STEP_DE00 of its palette colour, and one over LARGE_SHARE of the image
    within LARGE_STEP_DE00 of its own colour too, so the picture stays in the
    palette's colours and the edges keep what the choice of colours gave them.
    The smallest families, together no more than OFF_PALETTE_SHARE of the image
    (a door, a thin stroke), and a smaller family on a strong edge with a kept
    neutral (a stripe inside a black outline) may step as far as their edges
    need: the details stay legible and the line art visible.
    """
    against_kept = np.zeros(len(kept), dtype=bool)
    against_kept[constraints.lighter[kept[constraints.darker]]] = True
    against_kept[constraints.darker[kept[constraints.lighter]]] = True
    large = shares > LARGE_SHARE
    by_share = np.argsort(shares, kind="stable")
    free = np.zeros(len(kept), dtype=bool)
    free[by_share[np.cumsum(np.where(kept, 0.0, shares)[by_share]) <= OFF_PALETTE_SHARE]] = True
    held = ~kept & (large | ~(against_kept | free))
    return _near_palette(colors_lab, held, large, own_color, lowest, highest)


def _near_palette(
    colors_lab: np.ndarray,
    held: np.ndarray,
    large: np.ndarray,
    own_color: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """[lowest, highest] narrowed, for `held` families, to the lightnesses that stay within
    PALETTE_STEP_DE00 of `own_color`, the palette colour nearest theirs in CIELAB (and, if
    `large`, within LARGE_STEP_DE00 of their own colour).

    The nearest palette colour, not any: a step that carried a fill onto the
    next palette colour down would leave its own colour unused.
    """
    lowest, highest = lowest.copy(), highest.copy()
    held = np.flatnonzero(held)
    if not len(held):
        return lowest, highest
    colors = np.repeat(colors_lab[held], len(_STEPS), axis=0)
    reach = np.clip(colors[:, 0] + np.tile(_STEPS, len(held)), 0.0, 1.0)
    steps = oklab_to_cielab(at_lightness(colors, reach))
    on_palette = ciede2000(steps, own_color[held].repeat(len(_STEPS), axis=0))
    own = ciede2000(steps, oklab_to_cielab(colors))
    near = (on_palette <= PALETTE_STEP_DE00) & (
        ~large[held].repeat(len(_STEPS)) | (own <= LARGE_STEP_DE00)
    )
    near, reach = near.reshape(len(held), -1), reach.reshape(len(held), -1)
    for row, family in enumerate(held):
        below, above = _run_around(near[row], len(_STEPS) // 2)
        lightness = colors_lab[family, 0]
        lowest[family] = max(lowest[family], min(reach[row, below], lightness))
        highest[family] = min(highest[family], max(reach[row, above], lightness))
    return lowest, highest


def _run_around(allowed: np.ndarray, centre: int) -> tuple[int, int]:
    """First and last index of the run of allowed steps through `centre` (itself always allowed)."""
    below = above = centre
    while below > 0 and allowed[below - 1]:
        below -= 1
    while above < len(allowed) - 1 and allowed[above + 1]:
        above += 1
    return below, above


def _oriented(
    lightness: np.ndarray, constraints: Constraints, turned_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each constraint's lighter and darker family, turned round where the colours turned it.

    An edge whose colours already turn its order round by `turned_share` of
    the need or more (a dark `background` role under a drawing made on white)
    is kept turned round: the palette asked for it, and the contrast is what
    makes it legible.
    """
    have = lightness[constraints.lighter] - lightness[constraints.darker]
    oriented = constraints.turned(have <= -turned_share * constraints.need)
    return oriented.lighter, oriented.darker


def _unmet(
    given: np.ndarray, stepped: np.ndarray, constraints: Constraints, turned_share: float
) -> np.ndarray:
    """Which constraints `stepped` lightnesses (from `given`) leave short of MET_SHARE."""
    lighter, darker = _oriented(given, constraints, turned_share)
    missing = constraints.need - (stepped[lighter] - stepped[darker])
    return missing > _allowed_shortfall(constraints.need) + _TOLERANCE


def _allowed_shortfall(need: np.ndarray | float) -> np.ndarray | float:
    """How far short of KEPT_SHARE an edge may stay: it still keeps MET_SHARE."""
    return need * (1 - MET_SHARE / KEPT_SHARE)


def keep_contrast(
    lightness: np.ndarray,
    cost: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    constraints: Constraints,
    turned_share: float = TURNED_SHARE,
) -> np.ndarray:
    """Family lightnesses moved as little as needed to meet the constraints, cheapest first.

    An edge that already keeps MET_SHARE of its contrast is left as it is, and
    one the colours turned round stays turned (`_oriented`). Each unmet
    constraint is closed by moving the family that costs less to move (the
    smaller one) as far as its range [lowest, highest] allows, then the
    other: the fewest pixels leave their palette colours. Sweeps until every
    constraint holds or none can be helped; constraints that contradict each
    other (or need more than the ranges give) are met as far as they allow.
    """
    lightness = np.asarray(lightness, dtype=np.float64)
    lighter, darker = _oriented(lightness, constraints, turned_share)
    # Plain floats and lists: this loop runs per constraint per sweep, where numpy's per-element
    # access would cost more than the arithmetic.
    level, low, high, price = (
        np.asarray(values, dtype=np.float64).tolist()
        for values in (lightness, lowest, highest, cost)
    )
    rows = [
        (
            up,
            down,
            need,
            _allowed_shortfall(need),
            (up, down) if price[up] <= price[down] else (down, up),
        )
        for up, down, need in zip(
            lighter.tolist(), darker.tolist(), constraints.need.tolist(), strict=True
        )
    ]
    for _ in range(_SWEEPS):
        moved = False
        for up, down, need, enough, cheaper_first in rows:
            missing = need - (level[up] - level[down])
            for family in cheaper_first:
                if missing <= enough:
                    break
                rising = family == up
                room = high[family] - level[family] if rising else level[family] - low[family]
                step = max(0.0, min(missing, room))
                level[family] += step if rising else -step
                missing -= step
                moved = moved or step > _TOLERANCE
        if not moved:
            break
    return np.array(level)


def at_lightness(colors_lab: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """OKLab colours moved to new lightnesses, keeping hue and as much chroma as sRGB can show."""
    chroma = np.hypot(colors_lab[:, 1], colors_lab[:, 2])
    hue = np.degrees(np.arctan2(colors_lab[:, 2], colors_lab[:, 1]))
    linear = oklch_to_linear_in_gamut(lightness, chroma, hue)
    return srgb_to_oklab(linear_to_srgb(linear))
