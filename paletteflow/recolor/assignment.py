"""Which palette colour each key colour becomes: by role, by area, keeping contrast.

Keys are assigned as families (a fill with its shading, the bands or
clusters of one gradient, fills within CIEDE2000 10 that touch; a tint big
enough to be a region of its own takes a family of its own when the palette
has colours to spare, see `families`): the family's largest key gets a
colour and the others keep their OKLab offset from it, so a gradient stays
one gradient; when a family holds several fills, the offsets shrink until
every fill is within CIEDE2000 7.5 of the colour, so each still reads as
that palette colour.

1. An opaque background (the family covering most of the border) takes the
   palette's `background` colour; without roles it takes the palette's
   lightest colour when the ground was lighter than the artwork, else its
   darkest, so figure and ground keep their contrast.
2. The largest remaining families take the remaining colours in role order
   (primary, secondary, accent, highlight, then unroled colours in palette
   order, a `background` colour last when there is no ground to take it).
   Without roles, palette order is the role order.
3. Among the ways of handing out those colours, the one kept is the one
   whose contrasts across the borders between families best follow the
   original's (weighted by border length), with most borders keeping their
   lightness order, and the two largest families on primary and secondary
   unless that costs much contrast, and the bands of one gradient on
   neighbouring colours; a colour further down the role order
   (a transparent logo's unused `background` colour, say) is taken only when
   it keeps contrast clearly better. Ties go to the plain rule: the two
   largest families with primary/secondary and the rest with the rest,
   darker family to darker colour within each tier.
4. Families beyond the palette's size become a lighter, darker or duller
   variant of the colour of their most similar family, 6.5 CIEDE2000 away:
   distinct from it, yet still reading as that palette colour. Each colour
   offers those three variants (less the sides its own family's fills
   already occupy) before any takes a second step.
5. Strong edges keep their lightness order and most of their contrast
   (`contrast`): rule 3's score counts what the palette colours miss (with
   the edges against a ground turned round when its colour turned it: a dark
   `background` role under art made on white), and whatever is still missing
   is made up by darker or lighter steps of the colours of the smallest
   families involved; with a palette too flat for the edges, of the families
   whose steps save the most, within a budget (`contrast.stepped_lightness`).
6. Area alone decides which families take palette colours in rule 2, and a
   dark detail ranked just past the palette's size takes a variant of its
   most similar family's colour, light under a light palette (Firefox's
   night side). When the result misses more than RETRY_MISSED of the strong
   edges' needed contrast, each way of giving one of the first PROMOTED
   families past the palette's size a colour in place of one of the last
   PROMOTED that have one (never the two largest) goes through rules 3 and
   4; the RETRIED whose colours alone miss the least contrast (and less than
   the first handout's) go through rule 5 too, and the most legible handout
   is kept: one that misses clearly less contrast, area it takes off the
   palette counted against it, with no fewer palette colours in use
   (`Outcome.more_legible`).
7. A gradient (families joined by soft borders: its bands) takes at most
   GRADIENT_COLORS palette colours when the image has fewer regions than the
   palette has colours, so some colour is left out anyway: the bands past its
   largest few take variants of their colours (rule 4), and the gradient runs
   between a few neighbouring colours instead of striping across the palette.
   A band far lighter or darker than those keeps a colour (a letter over the
   gradient). With a region for every colour, every colour is put to use first.

Kept neutrals (`keep`: black, white, grey) stay as they are: their families
take no palette colour, and count as fixed colours in rules 3 and 5.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from paletteflow.color import ciede2000, hex_to_oklab, oklab_to_cielab
from paletteflow.models import Palette
from paletteflow.neutrals import AUTO, DEFAULT_KEEP, Keep, Neutral
from paletteflow.recolor.analysis import Analysis
from paletteflow.recolor.contrast import (
    STRONG_EDGE,
    Constraints,
    at_lightness,
    shortfall,
    stepped_lightness,
)
from paletteflow.recolor.families import Families
from paletteflow.recolor.keys import FAMILY_FILLS_DE00
from paletteflow.recolor.neutrals import Kept, black_or_white, kept_keys
from paletteflow.recolor.outcome import ON_PALETTE_DE00, Outcome
from paletteflow.recolor.transfer import shade

ROLE_ORDER = ("primary", "secondary", "accent", "highlight")
TINT_STEP_DE00 = 6.5
FAMILY_FILL_SPREAD_DE00 = 7.5
ORDER_WEIGHT = 0.5
GRADIENT_WEIGHT = 6.0
CONTRAST_WEIGHT = 3.0
ROLE_PENALTY = 0.25
RANK_PENALTY = 0.1
MAX_ORDERINGS = 5040
HELD_CONTRAST_ALLOWANCE = 0.2
STAND_IN_CONTRAST_ALLOWANCE = 0.2
PROMOTED = 2
RETRY_MISSED = 0.05
RETRIED = 2
DISTINCT_DE00 = 5.5
GRADIENT_COLORS = 3
STEP_STRIDE = 0.01
_STEP_TRIES = 25
_LIGHTNESS_STEPS = np.linspace(0.004, 0.6, 150)
_CHROMA_FACTORS = np.linspace(0.98, 0.0, 50)


def assign_targets(
    analysis: Analysis, palette: Palette, keep: tuple[Keep, ...] = DEFAULT_KEEP
) -> Assignment:
    """Each key's OKLab target (each family's lead gets a colour, the rest follow it), and
    which neutrals were kept.

    With `auto` in `keep` (and black not named), black is kept unless
    recolouring it too puts more of the palette's colours to use while the
    picture stays as much on the palette and its edges about as strong
    (`Outcome.better_use`): line art then takes the palette's own dark colour,
    stepped darker where its edges need it. When that step would take it off
    the palette, and with it a colour out of use, line art held on the colour
    is tried too; it may miss only HELD_CONTRAST_ALLOWANCE more of the needed
    contrast than keeping black, so a mid-tone outline round light fills is
    not taken for the palette's dark colour. Before that, the handout with black kept
    is tried with the darkest colour it leaves out in black's place
    (`_black_stood_in`), on the same allowance.
    """
    palette_lab = hex_to_oklab(list(palette.colors))
    families = Families.of(analysis, palette_lab)
    neutrals: tuple[Neutral, ...] = tuple(name for name in keep if name != AUTO)
    if AUTO not in keep or "black" in neutrals:
        return _assignment(analysis, families, palette, palette_lab, neutrals)
    kept_black = _assignment(analysis, families, palette, palette_lab, ("black", *neutrals))
    black_keys = kept_keys(analysis.keys_lab, ("black",)).kept
    if not black_keys.any():
        return kept_black
    kept_outcome = _outcome(kept_black.targets, analysis, families, palette_lab)
    recolored = _assignment(analysis, families, palette, palette_lab, neutrals)
    if _outcome(recolored.targets, analysis, families, palette_lab).better_use(kept_outcome):
        return recolored
    standing_in = _black_stood_in(kept_black, kept_outcome, black_keys, analysis, palette_lab)
    if standing_in is not None and _outcome(
        standing_in.targets, analysis, families, palette_lab
    ).better_use(kept_outcome, STAND_IN_CONTRAST_ALLOWANCE):
        return standing_in
    if not _off_palette(recolored.targets[black_keys], palette_lab).any():
        return kept_black
    held = _assignment(analysis, families, palette, palette_lab, neutrals, line_art_steps=False)
    held_outcome = _outcome(held.targets, analysis, families, palette_lab)
    if held_outcome.better_use(kept_outcome, HELD_CONTRAST_ALLOWANCE):
        return held
    return kept_black


def _black_stood_in(
    kept_black: Assignment,
    kept_outcome: Outcome,
    black_keys: np.ndarray,
    analysis: Analysis,
    palette_lab: np.ndarray,
) -> Assignment | None:
    """Black kept, but the darkest palette colour out of use in its place, every other
    family as it was; None when every colour is in use.

    Recolouring black hands every colour out again: when the palette's dark
    colour then goes to the ground (a dark colourway), black has nothing left
    to take. With black kept the handout can leave that colour out, and a
    black square (a JetBrains logo's) can take it at about black's contrast.
    """
    if not kept_outcome.unused:
        return None
    darkest = min(kept_outcome.unused, key=lambda color: palette_lab[color, 0])
    count = int(black_keys.sum())
    targets = kept_black.targets.copy()
    targets[black_keys] = shade(
        analysis.keys_lab[black_keys],
        np.zeros((count, 3)),
        np.repeat(palette_lab[darkest][None], count, axis=0),
    )
    kept = tuple(name for name in kept_black.kept if name != "black")
    return Assignment(targets, kept)


def _outcome(
    targets: np.ndarray, analysis: Analysis, families: Families, palette_lab: np.ndarray
) -> Outcome:
    """How every key's `targets` would come out: colours in use, area off the palette, contrast."""
    return Outcome.of(
        targets, analysis.keys_lab, analysis.key_shares, palette_lab, families.missed(targets)
    )


@dataclass(frozen=True)
class Assignment:
    """Each key's OKLab target, and the neutrals kept as they are (black, white, grey)."""

    targets: np.ndarray
    kept: tuple[Neutral, ...]


def _assignment(
    analysis: Analysis,
    families: Families,
    palette: Palette,
    palette_lab: np.ndarray,
    neutrals: tuple[Neutral, ...],
    line_art_steps: bool = True,
) -> Assignment:
    """Every key's target with `neutrals` kept: rules 1 to 6, then shading.

    `line_art_steps` lets black line art step off the palette as far as its
    edges need (`contrast.stepped_lightness`); without it, it steps like a fill.
    """
    kept = kept_keys(analysis.keys_lab, neutrals)
    keys_lab, key_family = analysis.keys_lab, families.key_family
    leads = families.leads
    background = analysis.background
    ground = None if background is None else int(key_family[background])
    family_borders = [
        (int(key_family[i]), int(key_family[j]), float(length), bool(soft))
        for (i, j), length, soft in zip(
            analysis.adjacent, analysis.border_lengths, analysis.soft_borders, strict=True
        )
    ]
    shaded_sides = {
        (family, 1 if keys_lab[key, 0] > keys_lab[leads[family], 0] else -1)
        for family, keys in enumerate(families.members)
        for key in keys
        if key < analysis.fill_count and key != leads[family]
    }
    few_regions = analysis.regions < len(palette_lab)
    handouts = _family_targets(
        keys_lab[leads],
        families.shares,
        family_borders,
        shaded_sides,
        ground,
        palette,
        Colors(palette_lab, kept.kept[leads], families.constraints),
        _gradients(family_borders, len(leads)) if few_regions else None,
    )

    def finished(lead_targets: np.ndarray) -> tuple[Outcome, np.ndarray]:
        targets = _key_targets(lead_targets, analysis, families, kept, palette_lab, line_art_steps)
        return _outcome(targets, analysis, families, palette_lab), targets

    first = next(handouts)
    outcome, targets = finished(first)
    others = list(handouts) if outcome.contrast_missed > RETRY_MISSED else []
    if others:
        # Rule 5's steps are the costly part: only the RETRIED handouts whose colours alone miss
        # the least contrast, and less than the first's, go through them.
        missed = shortfall(
            families.constraints, np.array([first[:, 0]] + [other[:, 0] for other in others])
        )
        order = np.argsort(missed[1:], kind="stable")[:RETRIED]
        for index in order[missed[1:][order] < missed[0]]:
            other_outcome, other_targets = finished(others[int(index)])
            if other_outcome.more_legible(outcome):
                outcome, targets = other_outcome, other_targets
    return Assignment(targets, neutrals)


def _key_targets(
    given: np.ndarray,
    analysis: Analysis,
    families: Families,
    kept: Kept,
    palette_lab: np.ndarray,
    line_art_steps: bool,
) -> np.ndarray:
    """Every key's target from its family lead's given colour: rule 5's steps, then shading."""
    keys_lab, key_family = analysis.keys_lab, families.key_family
    members, leads, shares = families.members, families.leads, families.shares
    fill_count = analysis.fill_count
    line_art = black_or_white(oklab_to_cielab(keys_lab[leads]))[:, 0] & line_art_steps
    lead_targets = _with_contrast(
        given, keys_lab[leads], shares, kept, leads, line_art, families.constraints, palette_lab
    )
    stepped = (lead_targets != given).any(axis=1)
    targets = np.empty_like(keys_lab)
    for family, keys in enumerate(members):
        lead = np.repeat(lead_targets[family][None], len(keys), axis=0)
        moved = shade(keys_lab[keys], np.repeat(keys_lab[leads[family]][None], len(keys), 0), lead)
        fills = keys < fill_count
        if fills.sum() > 1:
            # Around a stepped lead, less room is left for the fills to stay near the given colour.
            step = float(_de00(lead[:1], given[family][None])[0])
            room = max(FAMILY_FILL_SPREAD_DE00 - step, FAMILY_FILL_SPREAD_DE00 / 3)
            spread = float(_de00(moved[fills], lead[fills]).max())
            moved = lead + (moved - lead) * min(1.0, room / max(spread, 1e-9))
        targets[keys] = moved
    unmoved = kept.kept & ~stepped[key_family]
    targets[unmoved] = keys_lab[unmoved]
    return targets


def _with_contrast(
    given: np.ndarray,
    leads_lab: np.ndarray,
    shares: np.ndarray,
    kept: Kept,
    leads: np.ndarray,
    line_art: np.ndarray,
    constraints: Constraints,
    palette_lab: np.ndarray,
) -> np.ndarray:
    """Rule 5: the lead colours, with darker or lighter steps where strong edges need them;
    `line_art` marks the families free to step off the palette as far as their edges need."""
    lightness, lowest, highest = stepped_lightness(
        given,
        shares,
        kept.kept[leads],
        line_art,
        kept.lowest[leads],
        kept.highest[leads],
        constraints,
        palette_lab,
    )
    targets = given.copy()
    for family in np.flatnonzero(np.abs(lightness - given[:, 0]) > 1e-6):
        targets[family] = _stepped_apart(
            family, targets, lightness[family], (lowest[family], highest[family]), leads_lab
        )
    return targets


@dataclass(frozen=True)
class Colors:
    """The palette's colours in OKLab, the families kept as they are, and the edges to respect."""

    palette_lab: np.ndarray
    kept_family: np.ndarray
    constraints: Constraints


def _stepped_apart(
    family: int,
    targets: np.ndarray,
    lightness: float,
    allowed: tuple[float, float],
    leads_lab: np.ndarray,
) -> np.ndarray:
    """The family's colour at `lightness`, or the nearest lightness that lands on no other's.

    A step darker or lighter can land on the colour of another family that
    was distinct in the original and apart before the step. Then the nearest
    lightness, in STEP_STRIDE strides, that is DISTINCT_DE00 clear of every
    such colour is taken: further on the same way within `allowed`, or back
    towards the palette colour (giving up a little of the contrast gained).
    """
    others = np.flatnonzero(np.arange(len(targets)) != family)
    count = len(others)
    before = _de00(
        np.repeat(np.stack([leads_lab[family], targets[family]]), count, axis=0),
        np.concatenate([leads_lab[others], targets[others]]),
    )
    distinct, apart = before[:count], before[count:]
    others = others[(distinct > FAMILY_FILLS_DE00) & (apart > DISTINCT_DE00)]
    step = lightness - targets[family, 0]
    offsets = STEP_STRIDE * np.arange(_STEP_TRIES) * np.sign(step)
    offsets = np.concatenate([offsets, -offsets[1:][np.abs(offsets[1:]) < abs(step)]])
    offsets = offsets[np.argsort(np.abs(offsets), kind="stable")]
    reach = np.clip(lightness + offsets, *allowed)
    stepped = at_lightness(targets[family][None], reach[:1])
    if (
        not len(others)
        or _de00(np.repeat(stepped, len(others), 0), targets[others]).min() > DISTINCT_DE00
    ):
        return stepped[0]
    candidates = at_lightness(np.repeat(targets[family][None], len(reach), 0), reach)
    gaps = _de00(np.repeat(candidates, len(others), 0), np.tile(targets[others], (len(reach), 1)))
    clear = np.flatnonzero(gaps.reshape(len(reach), len(others)).min(axis=1) > DISTINCT_DE00)
    return candidates[clear[0] if len(clear) else 0]


def _off_palette(targets: np.ndarray, palette_lab: np.ndarray) -> np.ndarray:
    """Which OKLab targets are further than CIEDE2000 ON_PALETTE_DE00 from every palette colour."""
    lab = oklab_to_cielab(np.concatenate([targets, palette_lab]))
    distance = ciede2000(lab[: len(targets), None], lab[None, len(targets) :])
    return distance.min(axis=1) > ON_PALETTE_DE00


def _de00(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CIEDE2000 between OKLab arrays (gamut-clipped first, as they will be painted)."""
    lab = oklab_to_cielab(np.concatenate([first, second]))
    return ciede2000(lab[: len(first)], lab[len(first) :])


def _family_targets(
    leads_lab: np.ndarray,
    shares: np.ndarray,
    borders: list[tuple[int, int, float, bool]],
    shaded_sides: set[tuple[int, int]],
    ground: int | None,
    palette: Palette,
    colors: Colors,
    gradient_of: np.ndarray | None,
) -> Iterator[np.ndarray]:
    """Lead colours, for each choice of main families in turn (rule 6); `shaded_sides` are
    (family, lighter 1 / darker -1) its own fills occupy; `gradient_of` gives each family's
    gradient when rule 7 holds gradients to GRADIENT_COLORS palette colours (None: it does not).

    Kept families take their own colour, as extra rows after the palette's, so
    the scoring sees them as the fixed colours they are.
    """
    kept = [int(f) for f in np.flatnonzero(colors.kept_family)]
    table = np.vstack([colors.palette_lab, leads_lab[kept]])
    order = _color_order(palette)
    fixed = {family: len(colors.palette_lab) + row for row, family in enumerate(kept)}
    if ground is not None and ground not in fixed:
        color = _background_color(leads_lab, shares, ground, palette, colors)
        fixed[ground] = color
        order.remove(color)
    foreground = [int(k) for k in np.argsort(-shares, kind="stable") if int(k) not in fixed]
    constraints = colors.constraints
    # Rows of `table` past the palette's are kept neutrals: a ground kept as it is never turns.
    if ground is not None and fixed.get(ground, len(table)) < len(colors.palette_lab):
        art_colors = np.delete(colors.palette_lab, fixed[ground], axis=0)
        constraints = _against_ground(
            constraints, leads_lab, shares, ground, table[fixed[ground]], art_colors
        )
    held = _past_gradient_colors(foreground, gradient_of, leads_lab[:, 0])
    foreground = [family for family in foreground if family not in held]
    for main, extras in _main_families(foreground, len(order)):
        extras = extras + held
        assigned = fixed | _best_assignment(
            main, order, leads_lab, borders, fixed, palette, table, constraints
        )
        targets = table[[assigned.get(f, 0) for f in range(len(leads_lab))]]
        free = {family: color for family, color in assigned.items() if family not in kept}
        steps_taken = {side: 1 for side in shaded_sides}
        done = list(free) + kept
        for family in extras:
            targets[family] = _variant_for(family, free, leads_lab, targets[done], steps_taken)
            done.append(family)
        yield targets


def _main_families(foreground: list[int], count: int) -> Iterator[tuple[list[int], list[int]]]:
    """The families that take palette colours and the rest: the `count` largest first, then
    each swap of one of the first PROMOTED of the rest with one of the last PROMOTED of those
    (never the two largest, which hold the leading roles)."""
    yield foreground[:count], foreground[count:]
    for promoted in range(count, min(len(foreground), count + PROMOTED)):
        for demoted in range(max(2, count - PROMOTED), count):
            order = list(foreground)
            order[demoted], order[promoted] = order[promoted], order[demoted]
            yield order[:count], order[count:]


def _gradients(borders: list[tuple[int, int, float, bool]], count: int) -> np.ndarray:
    """Each family's gradient: families joined by soft borders (a gradient's bands) share one."""
    parent = list(range(count))

    def root(family: int) -> int:
        while parent[family] != family:
            family = parent[family]
        return family

    for first, second, _, soft in borders:
        if soft:
            parent[root(first)] = root(second)
    return np.array([root(family) for family in range(count)])


def _past_gradient_colors(
    foreground: list[int], gradient_of: np.ndarray | None, lightness: np.ndarray
) -> list[int]:
    """Rule 7: each gradient's bands past its GRADIENT_COLORS largest, in `foreground` order.

    Handed a palette colour each, a gradient's bands stripe it across the
    whole palette, far colours side by side with off-palette mixtures between.
    A band STRONG_EDGE or more lighter or darker than all of those keeps its
    colour: it is a shape of its own (a white letter over a gradient, joined
    to it by a soft shadow), not a stop of the gradient.
    """
    if gradient_of is None:
        return []
    bands: dict[int, list[int]] = {}
    for family in foreground:
        bands.setdefault(int(gradient_of[family]), []).append(family)
    held = set()
    for members in bands.values():
        colored = lightness[members[:GRADIENT_COLORS]]
        held.update(
            family
            for family in members[GRADIENT_COLORS:]
            if colored.min() - STRONG_EDGE < lightness[family] < colored.max() + STRONG_EDGE
        )
    return [family for family in foreground if family in held]


def _against_ground(
    constraints: Constraints,
    leads_lab: np.ndarray,
    shares: np.ndarray,
    ground: int,
    ground_color: np.ndarray,
    art_colors: np.ndarray,
) -> Constraints:
    """The strong edges as the ground's colour lets them be kept: turned round if it turned.

    A ground that was lighter than the artwork and is given a colour darker
    than the colours left for the artwork (a dark `background` role under art
    made on white), or the other way round, turns every edge against it
    round: the art must now stand out from it the other way, and the choice
    of colours is scored on that.
    """
    others = np.arange(len(leads_lab)) != ground
    if not others.any() or not len(art_colors):
        return constraints
    art = np.average(leads_lab[others, 0], weights=shares[others] + 1e-12)
    if (leads_lab[ground, 0] > art) == (ground_color[0] > art_colors[:, 0].mean()):
        return constraints
    return constraints.turned((constraints.lighter == ground) | (constraints.darker == ground))


def _best_assignment(
    main: list[int],
    colors: list[int],
    leads_lab: np.ndarray,
    borders: list[tuple[int, int, float, bool]],
    fixed: dict[int, int],
    palette: Palette,
    palette_lab: np.ndarray,
    constraints: Constraints,
) -> dict[int, int]:
    """The colour for each main family that best keeps the picture's contrasts, roles permitting.

    `colours` are the free colours in role order. Every way of giving the main
    families distinct colours is scored at once: how well the contrast across
    each border between families correlates with the original's (weighted by
    border length), plus how many borders keep their lightness order, minus a
    penalty when the two largest families miss primary/secondary, a smaller
    one for each colour taken from beyond the first len(main) in role order,
    the share of the strong edges' needed contrast that the colours miss, and
    how far the colours jump, beyond the original's step, across the soft
    borders inside a gradient, by length against all borders (its bands then
    take neighbouring colours and the gradient runs through the palette
    instead of striping across it; a small gradient in flat art weighs little).
    The tiered lightness match (rules 2 and 3) is the first candidate, so it
    wins ties. `palette_lab` holds the palette's colours, then kept ones.
    """
    if not main:
        return {}
    first = _tiered_match(main, colors[: len(main)], leads_lab, palette, palette_lab)
    candidates = [tuple(first[f] for f in main)]
    candidates += [p for p in _orderings(colors, len(main)) if p != candidates[0]]
    choice = np.array(candidates)
    families = main + list(fixed)
    color_of = np.hstack(
        [choice, np.tile(np.array(list(fixed.values()), dtype=np.int64), (len(choice), 1))]
    )
    position = {family: index for index, family in enumerate(families)}
    edges = [
        (position[i], position[j], weight, soft)
        for i, j, weight, soft in borders
        if i in position and j in position and i != j
    ]
    if not edges:
        return first
    left, right, weight, soft = (np.array(column) for column in zip(*edges, strict=True))
    source = np.linalg.norm(
        leads_lab[np.array(families)[left]] - leads_lab[np.array(families)[right]], axis=1
    )
    target = np.linalg.norm(
        palette_lab[color_of[:, left]] - palette_lab[color_of[:, right]], axis=2
    )
    score = _weighted_correlation(source, target, weight)
    source_order = np.sign(
        leads_lab[np.array(families)[left], 0] - leads_lab[np.array(families)[right], 0]
    )
    target_order = np.sign(palette_lab[color_of[:, left], 0] - palette_lab[color_of[:, right], 0])
    score += ORDER_WEIGHT * ((source_order == target_order) * weight).sum(axis=1) / weight.sum()
    if soft.any():
        jumps = np.maximum(target[:, soft] - source[soft], 0.0)
        score -= GRADIENT_WEIGHT * (jumps * weight[soft]).sum(axis=1) / weight.sum()
    within = np.isin(constraints.lighter, families) & np.isin(constraints.darker, families)
    if within.any():
        local = Constraints(
            np.array([position[f] for f in constraints.lighter[within]], dtype=np.int64),
            np.array([position[f] for f in constraints.darker[within]], dtype=np.int64),
            constraints.need[within],
            constraints.weight[within],
        )
        score -= CONTRAST_WEIGHT * shortfall(local, palette_lab[color_of, 0])
    if palette.roles:
        leading = [
            list(palette.colors).index(c) for r, c in palette.roles.items() if r in ROLE_ORDER[:2]
        ]
        misses = (~np.isin(choice[:, : min(2, len(main))], leading)).sum(axis=1)
        score -= ROLE_PENALTY * misses
    score -= RANK_PENALTY * (~np.isin(choice, colors[: len(main)])).sum(axis=1)
    best = choice[int(np.argmax(score))]
    return dict(zip(main, (int(c) for c in best), strict=True))


def _orderings(colors: list[int], count: int) -> list[tuple[int, ...]]:
    """Ways to give `count` families distinct colours, at most MAX_ORDERINGS of them.

    All of them while that is cheap (up to 7 families from 7 colours); past
    that, permutations of the first `count` colours; past that too, every swap
    of two colours in role order, so an 8-colour palette stays fast.
    """
    if math.perm(len(colors), count) <= MAX_ORDERINGS:
        return list(itertools.permutations(colors, count))
    if math.factorial(count) <= MAX_ORDERINGS:
        return list(itertools.permutations(colors[:count]))
    base = tuple(colors[:count])
    swaps = [base]
    for i, j in itertools.combinations(range(count), 2):
        swapped = list(base)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        swaps.append(tuple(swapped))
    return swaps


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
    colors: list[int],
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
        chosen = sorted(colors[start : start + len(tier)], key=lambda c: palette_lab[c, 0])
        matched.update(zip(families, chosen, strict=True))
        start += len(tier)
    return matched


def _color_order(palette: Palette) -> list[int]:
    colors = list(palette.colors)
    roles = palette.roles or {}
    ranked = [colors.index(roles[r]) for r in ROLE_ORDER if r in roles]
    ranked = list(dict.fromkeys(ranked))
    rest = [i for i in range(len(colors)) if i not in ranked]
    ground = roles.get("background")
    if ground is not None and colors.index(ground) in rest:
        rest.remove(colors.index(ground))
        rest.append(colors.index(ground))
    return ranked + rest


def _background_color(
    leads_lab: np.ndarray,
    shares: np.ndarray,
    ground: int,
    palette: Palette,
    colors: Colors,
) -> int:
    """The ground's colour: the `background` role's, or by lightness (rule 1).

    The role gives way to the lightness rule when its colour would leave a
    kept neutral that borders the ground (black outlines round a drawing on
    white) short of contrast and the other colour would not: what the user
    asked to keep must stay visible.
    """
    others = np.arange(len(leads_lab)) != ground
    if others.any() and shares[others].sum() > 0:
        artwork = np.average(leads_lab[others, 0], weights=shares[others] + 1e-12)
    else:
        artwork = 0.5
    lightness = colors.palette_lab[:, 0]
    by_lightness = int(
        np.argmax(lightness) if leads_lab[ground, 0] >= artwork else np.argmin(lightness)
    )
    role_color = palette.role_color("background")
    if role_color is None:
        return by_lightness
    by_role = list(palette.colors).index(role_color)
    constraints = colors.constraints
    kept = colors.kept_family
    against_kept = ((constraints.lighter == ground) & kept[constraints.darker]) | (
        (constraints.darker == ground) & kept[constraints.lighter]
    )
    if not against_kept.any():
        return by_role
    local = Constraints(
        constraints.lighter[against_kept],
        constraints.darker[against_kept],
        constraints.need[against_kept],
        constraints.weight[against_kept],
    )
    candidates = np.repeat(leads_lab[None, :, 0], 2, axis=0)
    candidates[:, ground] = lightness[[by_role, by_lightness]]
    role_short, lightness_short = shortfall(local, candidates)
    return by_lightness if lightness_short < role_short else by_role


def _variant_for(
    family: int,
    assigned: dict[int, int],
    leads_lab: np.ndarray,
    taken: np.ndarray,
    steps_taken: dict[tuple[int, int], int],
) -> np.ndarray:
    """A lighter (1), darker (-1) or muted (0) variant of the most fitting assigned colour.

    Free slots first, then the family most like this one, then the variant
    that matches how this family differed from it (lighter, darker, duller).
    `taken` are the colours already given out (rows of `assigned` first): a
    variant within CIEDE2000 5.5 of one of them is passed over while another
    slot can do better, so regions that differed still differ.
    """
    anchors = {family_index: row for row, family_index in enumerate(assigned)}

    def preference(slot: tuple[int, int]) -> tuple[int, float, int]:
        anchor, kind = slot
        lighter = 1 if leads_lab[family, 0] >= leads_lab[anchor, 0] else -1
        rank = 0 if kind == lighter else 1 if kind == 0 else 2
        distance = float(np.sum((leads_lab[anchor] - leads_lab[family]) ** 2))
        return steps_taken.get(slot, 0), distance, rank

    fallback: tuple[tuple[int, int], np.ndarray] | None = None
    for slot in sorted(((a, k) for a in assigned for k in (1, -1, 0)), key=preference):
        step = steps_taken.get(slot, 0) + 1
        anchor_color = tuple(float(v) for v in taken[anchors[slot[0]]])
        variant = _variant(anchor_color, slot[1], step * TINT_STEP_DE00)
        if variant is None:
            continue
        if _de00(np.repeat(variant[None], len(taken), axis=0), taken).min() > DISTINCT_DE00:
            steps_taken[slot] = step
            return variant
        fallback = fallback or (slot, variant)
    if fallback is None:
        return taken[0].copy()
    steps_taken[fallback[0]] = steps_taken.get(fallback[0], 0) + 1
    return fallback[1]


@functools.lru_cache(maxsize=1024)
def _variant(color: tuple[float, float, float], kind: int, distance: float) -> np.ndarray | None:
    """`color` made lighter, darker or duller until `distance` CIEDE2000 away; None if it can't.

    Cached (read-only results): rule 6 hands out the same palette colours several times.
    """
    target = np.array(color)
    if kind == 0:
        candidates = np.repeat(target[None], len(_CHROMA_FACTORS), axis=0)
        candidates[:, 1:] *= _CHROMA_FACTORS[:, None]
    else:
        lightness = target[0] + kind * _LIGHTNESS_STEPS
        candidates = np.repeat(target[None], len(lightness), axis=0)
        candidates[:, 0] = lightness
        candidates = candidates[(lightness > 0.0) & (lightness < 1.0)]
    if not len(candidates):
        return None
    differences = _de00(np.repeat(target[None], len(candidates), axis=0), candidates)
    reached = np.flatnonzero(differences >= distance)
    if not reached.size:
        return None
    variant = candidates[reached[0]].copy()
    variant.setflags(write=False)
    return variant
