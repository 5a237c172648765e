"""Turning what a model answered into palettes: find the JSON, repair what is safe, drop the rest.

Safe repairs are spelling (missing '#', 3-digit hex, upper case: done by the
palette model's hex validator) and moving colours just far enough to meet the
rules (`fit_roles`, which keeps a colour exactly whenever it already fits).
A palette missing a role or with a colour that is not hex is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from paletteflow.color import normalize_hex
from paletteflow.errors import PaletteGenerationError
from paletteflow.models import ROLES, Palette
from paletteflow.palettes.naming import is_crude, nearest_color_name, palette_name
from paletteflow.palettes.quality import (
    NEAR_DUPLICATE,
    Intent,
    check_roles,
    distance_to_nearest,
    fit_roles,
)

_RENAME_NOUNS = ("Study", "Edit", "Variant")
_FENCED = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class UnusableAnswer(PaletteGenerationError):
    """The provider answered, but with no palettes we can use (refusal, malformed JSON)."""


def extract_json(text: str) -> Any:
    """JSON from a model's text: the whole text, a ```json fence, or the outermost {...} or [...]."""
    candidates = [text, *_FENCED.findall(text)]
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if 0 <= start < end:
            candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise UnusableAnswer(f"the answer holds no JSON: {' '.join(text.split())[:80]!r}")


def palette_items(answer: Any) -> list[Any]:
    """The list of palette objects in an answer, however the model wrapped it."""
    if isinstance(answer, str):
        answer = extract_json(answer)
    if isinstance(answer, dict):
        for key in ("palettes", "result", "colour_palettes", "color_palettes"):
            if key in answer:
                return palette_items(answer[key])
        if _roles_of(answer) is not None:
            return [answer]
    if isinstance(answer, list):
        return answer
    raise UnusableAnswer(f"the answer has no list of palettes: {str(answer)[:80]!r}")


def _roles_of(item: Any) -> dict[str, str] | None:
    """Role -> #rrggbb from a "roles" object, role keys, or a 5-colour list; None if not all valid."""
    if not isinstance(item, dict):
        return None
    source = item.get("roles") if isinstance(item.get("roles"), dict) else item
    raw = {role: source.get(role) for role in ROLES}
    colors = item.get("colors") or item.get("colours")
    if any(value is None for value in raw.values()) and isinstance(colors, list):
        if len(colors) != len(ROLES):
            return None
        raw = dict(zip(ROLES, colors, strict=True))
    try:
        return {role: normalize_hex(value) for role, value in raw.items()}
    except ValueError:
        return None


def accept(
    items: Sequence[Any], locked: Mapping[str, str], source: str, taken: Sequence[Palette]
) -> list[Palette]:
    """Usable palettes from the items, repaired to the rules, none like one already taken."""
    accepted: list[Palette] = []
    names = {palette.name for palette in taken}
    for item in items:
        roles = _roles_of(item)
        if roles is None:
            continue
        intents = {
            role: Intent.of_hex(color) for role, color in roles.items() if role not in locked
        }
        fit = fit_roles(intents, locked)
        if distance_to_nearest(fit.roles, [p.roles for p in (*taken, *accepted)]) < NEAR_DUPLICATE:
            continue
        name = " ".join(str(item.get("name") or "").split())[:80]
        if not name or is_crude(name) or name in names:
            name = palette_name([nearest_color_name(fit.roles["primary"])], _RENAME_NOUNS, names)
        names.add(name)
        description = " ".join(str(item.get("description") or "").split())[:500]
        try:
            accepted.append(
                Palette(
                    name=name,
                    colors=list(fit.roles.values()),
                    roles=fit.roles,
                    description=description,
                    source=source,
                    checks=check_roles(fit.roles),
                    repairs=list(fit.moved) or None,
                )
            )
        except ValidationError:
            continue
    return accepted
