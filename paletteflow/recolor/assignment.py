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
   their OKLab offset from it, so a gradient stays one gradient.
5. Families beyond the palette's size become tints or shades of the target of
   their most similar key, about 6.5 CIEDE2000 away per step: distinct from
   it, yet still reading as that palette colour.
"""

from __future__ import annotations

import numpy as np

from paletteflow.color import ciede2000, hex_to_oklab, linear_to_cielab, oklab_to_linear
from paletteflow.models import Palette
from paletteflow.recolor.transfer import shade

ROLE_ORDER = ("primary", "secondary", "accent", "highlight")
TINT_STEP_DE00 = 6.5
_LIGHTNESS_STEPS = np.linspace(0.004, 0.6, 150)


def assign_targets(
    keys_lab: np.ndarray,
    key_shares: np.ndarray,
    key_family: np.ndarray,
    background: int | None,
    palette: Palette,
) -> np.ndarray:
    """(K, 3) OKLab target for each key: each family's lead gets a colour, the rest follow it."""
    palette_lab = hex_to_oklab(list(palette.colors))
    members = [np.flatnonzero(key_family == f) for f in range(int(key_family.max()) + 1)]
    leads = np.array([m[np.argmax(key_shares[m])] for m in members])
    shares = np.array([key_shares[m].sum() for m in members])
    ground = None if background is None else int(key_family[background])
    lead_targets = _family_targets(keys_lab[leads], shares, ground, palette, palette_lab)
    targets = np.empty_like(keys_lab)
    for family, keys in enumerate(members):
        count = len(keys)
        targets[keys] = shade(
            keys_lab[keys],
            np.repeat(keys_lab[leads[family]][None], count, axis=0),
            np.repeat(lead_targets[family][None], count, axis=0),
        )
    return targets


def _family_targets(
    leads_lab: np.ndarray,
    shares: np.ndarray,
    ground: int | None,
    palette: Palette,
    palette_lab: np.ndarray,
) -> np.ndarray:
    targets = np.zeros_like(leads_lab)
    order = _colour_order(palette)
    assigned: dict[int, int] = {}
    if ground is not None:
        colour = _background_colour(leads_lab, shares, ground, palette, palette_lab)
        assigned[ground] = colour
        order.remove(colour)
    foreground = [int(k) for k in np.argsort(-shares, kind="stable") if int(k) != ground]
    main, extras = foreground[: len(order)], foreground[len(order) :]
    tiers = [main[:2], main[2:]] if palette.roles else [main]
    start = 0
    for tier in tiers:
        keys = sorted(tier, key=lambda k: leads_lab[k, 0])
        colours = sorted(order[start : start + len(tier)], key=lambda c: palette_lab[c, 0])
        assigned.update(zip(keys, colours, strict=True))
        start += len(tier)
    for key, colour in assigned.items():
        targets[key] = palette_lab[colour]
    steps_taken: dict[tuple[int, int], int] = {}
    for key in extras:
        anchor = min(assigned, key=lambda k: float(np.sum((leads_lab[k] - leads_lab[key]) ** 2)))
        direction = 1 if leads_lab[key, 0] >= leads_lab[anchor, 0] else -1
        step = steps_taken.get((anchor, direction), 0) + 1
        steps_taken[(anchor, direction)] = step
        targets[key] = _tint_or_shade(targets[anchor], direction, step * TINT_STEP_DE00)
    return targets


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
        lab = linear_to_cielab(np.clip(oklab_to_linear(np.vstack([target, candidates])), 0, 1))
        differences = ciede2000(lab[0], lab[1:])
        reached = np.flatnonzero(differences >= distance)
        if reached.size:
            return candidates[reached[0]]
    return target.copy()
