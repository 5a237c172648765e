"""Locked colours: colours the user fixes (a brand's primary, say) that every palette keeps exactly.

A lock may name its role ("primary=#1a73e8") or not ("#1a73e8"); unnamed
locks go to the roles where they fit, trying roles in a natural order (a very
light colour is a background first). When no placement lets the locked colours
meet the rules together, the request is impossible and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations, permutations

from paletteflow.color import contrast_ratio, delta_e, hex_to_oklch
from paletteflow.cvd import DEFICIENCIES
from paletteflow.errors import InputError
from paletteflow.models import ROLES, Lock
from paletteflow.palettes.quality import CVD_ROLES, MIN_CONTRAST, MIN_DISTANCE, seen_apart

_ROLE_PREFERENCE = ("primary", "accent", "secondary", "highlight", "background")
_LIGHT_PREFERENCE = ("background", "highlight", "secondary", "accent", "primary")


def assign_roles(locks: Iterable[Lock]) -> dict[str, str]:
    """Role -> locked colour for every lock, or InputError saying why the locks cannot all hold."""
    locks = list(locks)
    if len(locks) > len(ROLES):
        raise InputError(f"{len(locks)} colours are locked; a palette has only {len(ROLES)} roles")
    fixed: dict[str, str] = {}
    for lock in locks:
        if lock.role is None:
            continue
        if lock.role in fixed:
            raise InputError(f"two colours are locked as {lock.role}; lock one colour per role")
        fixed[lock.role] = lock.color
    unnamed = [lock.color for lock in locks if lock.role is None]
    first_problem = None
    for roles in _placements(unnamed, fixed):
        problem = lock_conflict(roles)
        if problem is None:
            return roles
        first_problem = first_problem or problem
    if first_problem is None:
        return dict(fixed)
    raise InputError(f"the locked colours cannot make a valid palette: {first_problem}")


def _placements(unnamed: list[str], fixed: Mapping[str, str]) -> Iterable[dict[str, str]]:
    """Every way to give the unnamed locks free roles, most natural first."""
    if not unnamed:
        yield dict(fixed)
        return
    light = hex_to_oklch(unnamed[:1])[0][0] >= 0.9
    order = [
        role for role in (_LIGHT_PREFERENCE if light else _ROLE_PREFERENCE) if role not in fixed
    ]
    for chosen in permutations(order, len(unnamed)):
        yield {**fixed, **dict(zip(chosen, unnamed, strict=True))}


def lock_conflict(roles: Mapping[str, str]) -> str | None:
    """The first rule the locked colours break among themselves, in words, or None."""
    for (role_a, a), (role_b, b) in combinations(roles.items(), 2):
        distance = delta_e(a, b)
        if distance < MIN_DISTANCE:
            return (
                f"{role_a} {a} and {role_b} {b} are only {distance:.1f} apart (CIEDE2000); "
                f"every pair needs {MIN_DISTANCE:g}: lock colours further apart"
            )
    if "primary" in roles and "background" in roles:
        ratio = contrast_ratio(roles["primary"], roles["background"])
        if ratio < MIN_CONTRAST:
            return (
                f"primary {roles['primary']} on background {roles['background']} has contrast "
                f"{ratio:.2f}:1, below WCAG's {MIN_CONTRAST}:1: lock a darker or lighter pair, or only one"
            )
    for (role_a, a), (role_b, b) in combinations(
        [(role, color) for role, color in roles.items() if role in CVD_ROLES], 2
    ):
        for kind in DEFICIENCIES:
            if seen_apart(a, b, kind) < MIN_DISTANCE:
                return (
                    f"{role_a} {a} and {role_b} {b} look alike with {kind}: "
                    "lock colours that differ more in lightness"
                )
    return None
