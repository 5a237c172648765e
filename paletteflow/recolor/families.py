"""The keys grouped as the assignment hands out colours: a family takes one palette colour.

`keys.families` groups an image's keys once, for every palette: a fill with
its shading, the bands of a gradient, tints of one colour that touch. A
palette's colours show only where a family takes them, so when an image has
fewer families of some size than the palette has colours, one colour would be
left out while a tint that reads as a region of its own (the light fin beside
a blue one) shares its family's colour. Then such tints, largest first, are
made families of their own, as many as there are colours to spare. Only fills
OWN_TINT_LAB or more from their family's lead (in OKLab) qualify: a
gradient's neighbouring bands are much closer, and stay one gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paletteflow.recolor.analysis import Analysis
from paletteflow.recolor.contrast import Constraints, edge_constraints, shortfall
from paletteflow.recolor.neutrals import kept_keys
from paletteflow.recolor.outcome import IN_USE_SHARE

OWN_TINT_LAB = 0.08


@dataclass(frozen=True)
class Families:
    """Each key's family, each family's keys, lead key and share, and the strong edges."""

    key_family: np.ndarray
    members: list[np.ndarray]
    leads: np.ndarray
    shares: np.ndarray
    constraints: Constraints

    @classmethod
    def of(cls, analysis: Analysis, palette_lab: np.ndarray) -> Families:
        """The analysis's families for a palette, tints split off to fill it, and their edges.

        Shapes that meet only across translucent pixels need no more lightness
        between them than the palette spans (`contrast.edge_constraints`).
        """
        key_family = _with_own_tints(analysis, len(palette_lab))
        members, leads = _members_and_leads(key_family, analysis.key_shares)
        constraints = edge_constraints(
            analysis.keys_lab,
            key_family,
            leads,
            analysis.adjacent,
            analysis.border_lengths,
            analysis.opaque_borders,
            float(np.ptp(palette_lab[:, 0])),
        )
        shares = np.array([analysis.key_shares[m].sum() for m in members])
        return cls(key_family, members, leads, shares, constraints)

    def missed(self, targets: np.ndarray) -> float:
        """Border-weighted share of the strong edges' needed contrast that `targets` miss."""
        return float(shortfall(self.constraints, targets[self.leads][None, :, 0])[0])


def _with_own_tints(analysis: Analysis, colors: int) -> np.ndarray:
    """Family per key, with tints made families of their own while the palette has colours left.

    Black families do not count as taking a colour: black may be kept.
    """
    key_family, shares, keys_lab = (
        analysis.key_family.copy(),
        analysis.key_shares,
        analysis.keys_lab,
    )
    _, leads = _members_and_leads(key_family, shares)
    count = len(leads)
    black = kept_keys(keys_lab, ("black",)).kept
    sizeable = np.bincount(key_family, weights=shares, minlength=count) >= IN_USE_SHARE
    spare = colors - int((sizeable & ~black[leads]).sum())
    if spare <= 0:
        return key_family
    lead_of = leads[key_family]
    tints = [
        key
        for key in np.argsort(-shares, kind="stable")
        if key < analysis.fill_count
        and key != lead_of[key]
        and shares[key] >= IN_USE_SHARE
        and not black[key]
        and np.linalg.norm(keys_lab[key] - keys_lab[lead_of[key]]) >= OWN_TINT_LAB
    ]
    for key in tints[:spare]:
        key_family[key] = count
        count += 1
    return key_family


def _members_and_leads(
    key_family: np.ndarray, shares: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Each family's keys, and its lead: the key with the largest share."""
    members = [np.flatnonzero(key_family == f) for f in range(int(key_family.max()) + 1)]
    return members, np.array([m[np.argmax(shares[m])] for m in members])
