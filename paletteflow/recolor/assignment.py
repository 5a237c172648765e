"""Which palette colour each key colour becomes: by role, by area, keeping lightness order.

Rules, in order:
1. An opaque background (the key covering most of the border) takes the
   palette's `background` colour; without roles it takes the palette's
   lightest colour when the ground was lighter than the artwork, else its
   darkest, so figure and ground keep their contrast.
2. The largest remaining keys take the remaining colours in role order
   (primary, secondary, accent, highlight, then unroled colours in palette
   order, a `background` colour last when there is no ground to take it).
   Without roles, palette order is the role order.
3. Within each tier (the two largest keys with primary/secondary, the rest
   with the rest) lightness order is kept: the darker key gets the darker
   colour, so contrast between main regions survives. Without roles the whole
   set is one tier.
4. Keys are assigned as families (a fill with its shading, a gradient's
   clusters): the family's largest key gets the colour and the others keep
   their OKLab offset from it, so a gradient stays one gradient; when a family
   holds several fills, its offsets shrink until every fill is within
   CIEDE2000 7.5 of the colour, so each still reads as that palette colour.
5. Families beyond the palette's size become tints or shades of the target of
   their most similar key, about 6.5 CIEDE2000 away per step: distinct from
   it, yet still reading as that palette colour.
"""

from __future__ import annotations

import itertools

import numpy as np

from paletteflow.color import ciede2000, hex_to_oklab, linear_to_cielab, oklab_to_linear
from paletteflow.models import Palette
from paletteflow.recolor.transfer import shade

ROLE_ORDER = ("primary", "secondary", "accent", "highlight")
TINT_STEP_DE00 = 6.5
FAMILY_FILL_SPREAD_DE00 = 7.5
ORDER_WEIGHT = 0.5
ROLE_PENALTY = 0.25
_LIGHTNESS_STEPS = np.linspace(0.004, 0.6, 150)


def assign_targets(
    keys_lab: np.ndarray,
    key_shares: np.ndarray,
    key_family: np.ndarray,
    adjacent: np.ndarray,
    border_lengths: np.ndarray,
    fill_count: int,
    background: int | None,
    palette: Palette,
) -> np.ndarray:
    """(K, 3) OKLab target for each key: each family's lead gets a colour, the rest follow it."""
    palette_lab = hex_to_oklab(list(palette.colors))
    members = [np.flatnonzero(key_family == f) for f in range(int(key_family.max()) + 1)]
    leads = np.array([m[np.argmax(key_shares[m])] for m in members])
    shares = np.array([key_shares[m].sum() for m in members])
    ground = None if background is None else int(key_family[background])
    family_borders = [
        (int(key_family[i]), int(key_family[j]), float(length))
        for (i, j), length in zip(adjacent, border_lengths, strict=True)
    ]
    lead_targets = _family_targets(
        keys_lab[leads], shares, family_borders, ground, palette, palette_lab
    )
    targets = np.empty_like(keys_lab)
    for family, keys in enumerate(members):
        lead = np.repeat(lead_targets[family][None], len(keys), axis=0)
        moved = shade(keys_lab[keys], np.repeat(keys_lab[leads[family]][None], len(keys), 0), lead)
        fills = keys < fill_count
        if fills.sum() > 1:
            spread = float(_de00(moved[fills], lead[fills]).max())
            moved = lead + (moved - lead) * min(1.0, FAMILY_FILL_SPREAD_DE00 / max(spread, 1e-9))
        targets[keys] = moved
    return targets


def _de00(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CIEDE2000 between OKLab arrays (gamut-clipped first, as they will be painted)."""
    lab = linear_to_cielab(np.clip(oklab_to_linear(np.concatenate([first, second])), 0, 1))
    return ciede2000(lab[: len(first)], lab[len(first) :])


def _family_targets(
    leads_lab: np.ndarray,
    shares: np.ndarray,
    borders: np.ndarray,
    ground: int | None,
    palette: Palette,
    palette_lab: np.ndarray,
) -> np.ndarray:
    targets = np.zeros_like(leads_lab)
    order = _colour_order(palette)
    fixed: dict[int, int] = {}
    if ground is not None:
        colour = _background_colour(leads_lab, shares, ground, palette, palette_lab)
        fixed[ground] = colour
        order.remove(colour)
    foreground = [int(k) for k in np.argsort(-shares, kind="stable") if int(k) != ground]
    main, extras = foreground[: len(order)], foreground[len(order) :]
    assigned = fixed | _best_assignment(
        main, order[: len(main)], leads_lab, borders, fixed, palette, palette_lab
    )
    for family, colour in assigned.items():
        targets[family] = palette_lab[colour]
    steps_taken: dict[tuple[int, int], int] = {}
    for family in extras:
        anchor = min(assigned, key=lambda k: float(np.sum((leads_lab[k] - leads_lab[family]) ** 2)))
        direction = 1 if leads_lab[family, 0] >= leads_lab[anchor, 0] else -1
        step = steps_taken.get((anchor, direction), 0) + 1
        steps_taken[(anchor, direction)] = step
        targets[family] = _tint_or_shade(targets[anchor], direction, step * TINT_STEP_DE00)
    return targets


def _best_assignment(
    main: list[int],
    colours: list[int],
    leads_lab: np.ndarray,
    borders: np.ndarray,
    fixed: dict[int, int],
    palette: Palette,
    palette_lab: np.ndarray,
) -> dict[int, int]:
    """The colour for each main family that best keeps the picture's contrasts, roles permitting.

    Every permutation is scored at once: how well the contrast across each
    border between families correlates with the original's (weighted by border
    length), plus how many borders keep their lightness order, minus a penalty
    when the two largest families miss primary/secondary. The tiered lightness
    match (rules 2 and 3) is the first candidate, so it wins ties.
    """
    if not main:
        return {}
    first = _tiered_match(main, colours, leads_lab, palette, palette_lab)
    candidates = [tuple(first[f] for f in main)]
    candidates += [p for p in itertools.permutations(colours) if p != candidates[0]]
    choice = np.array(candidates)
    families = main + list(fixed)
    colour_of = np.hstack(
        [choice, np.tile(np.array(list(fixed.values()), dtype=np.int64), (len(choice), 1))]
    )
    position = {family: index for index, family in enumerate(families)}
    edges = [
        (position[i], position[j], weight)
        for i, j, weight in borders
        if i in position and j in position and i != j
    ]
    if not edges:
        return first
    left, right, weight = (np.array(column) for column in zip(*edges, strict=True))
    source = np.linalg.norm(
        leads_lab[np.array(families)[left]] - leads_lab[np.array(families)[right]], axis=1
    )
    target = np.linalg.norm(
        palette_lab[colour_of[:, left]] - palette_lab[colour_of[:, right]], axis=2
    )
    score = _weighted_correlation(source, target, weight)
    source_order = np.sign(
        leads_lab[np.array(families)[left], 0] - leads_lab[np.array(families)[right], 0]
    )
    target_order = np.sign(palette_lab[colour_of[:, left], 0] - palette_lab[colour_of[:, right], 0])
    score += ORDER_WEIGHT * ((source_order == target_order) * weight).sum(axis=1) / weight.sum()
    if palette.roles:
        leading = [
            list(palette.colors).index(c) for r, c in palette.roles.items() if r in ROLE_ORDER[:2]
        ]
        misses = (~np.isin(choice[:, : min(2, len(main))], leading)).sum(axis=1)
        score -= ROLE_PENALTY * misses
    best = choice[int(np.argmax(score))]
    return dict(zip(main, (int(c) for c in best), strict=True))


def _weighted_correlation(
    source: np.ndarray, targets: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Pearson correlation of `source` with each row of `targets`, weighted; 0 where undefined."""
    weight = weight / weight.sum()
    source_dev = source - (weight * source).sum()
    target_dev = targets - (weight * targets).sum(axis=1, keepdims=True)
    covariance = (weight * source_dev * target_dev).sum(axis=1)
    spread = np.sqrt((weight * source_dev**2).sum() * (weight * target_dev**2).sum(axis=1))
    return np.where(spread > 1e-12, covariance / np.maximum(spread, 1e-12), 0.0)


def _tiered_match(
    main: list[int],
    colours: list[int],
    leads_lab: np.ndarray,
    palette: Palette,
    palette_lab: np.ndarray,
) -> dict[int, int]:
    """Rules 2 and 3: largest families with the leading roles, lightness order within each tier."""
    tiers = [main[:2], main[2:]] if palette.roles else [main]
    matched: dict[int, int] = {}
    start = 0
    for tier in tiers:
        families = sorted(tier, key=lambda k: leads_lab[k, 0])
        chosen = sorted(colours[start : start + len(tier)], key=lambda c: palette_lab[c, 0])
        matched.update(zip(families, chosen, strict=True))
        start += len(tier)
    return matched


def _colour_order(palette: Palette) -> list[int]:
    colours = list(palette.colors)
    roles = palette.roles or {}
    ranked = [colours.index(roles[r]) for r in ROLE_ORDER if r in roles]
    ranked = list(dict.fromkeys(ranked))
    rest = [i for i in range(len(colours)) if i not in ranked]
    ground = roles.get("background")
    if ground is not None and colours.index(ground) in rest:
        rest.remove(colours.index(ground))
        rest.append(colours.index(ground))
    return ranked + rest


def _background_colour(
    keys_lab: np.ndarray,
    key_shares: np.ndarray,
    background: int,
    palette: Palette,
    palette_lab: np.ndarray,
) -> int:
    role_colour = palette.role_colour("background")
    if role_colour is not None:
        return list(palette.colors).index(role_colour)
    others = np.arange(len(keys_lab)) != background
    if others.any() and key_shares[others].sum() > 0:
        artwork = np.average(keys_lab[others, 0], weights=key_shares[others] + 1e-12)
    else:
        artwork = 0.5
    lighter_ground = keys_lab[background, 0] >= artwork
    return int(np.argmax(palette_lab[:, 0]) if lighter_ground else np.argmin(palette_lab[:, 0]))


def _tint_or_shade(target: np.ndarray, direction: int, distance: float) -> np.ndarray:
    """`target` moved in lightness until it is `distance` CIEDE2000 away, turning at the ends."""
    for sign in (direction, -direction):
        lightness = target[0] + sign * _LIGHTNESS_STEPS
        inside = (lightness > 0.0) & (lightness < 1.0)
        if not inside.any():
            continue
        candidates = np.repeat(target[None], int(inside.sum()), axis=0)
        candidates[:, 0] = lightness[inside]
        differences = _de00(np.repeat(target[None], len(candidates), axis=0), candidates)
        reached = np.flatnonzero(differences >= distance)
        if reached.size:
            return candidates[reached[0]]
    return target.copy()
