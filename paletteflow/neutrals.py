"""Which neutral colours a recolour keeps as they are: black, white, grey (Illustrator's "Preserve").

Outlines, strokes and type are mostly black, paper and highlights white: a
designer recolouring artwork usually wants those left alone and only the
colours changed. Each neutral is switchable on its own; which ones are kept
when nothing is said was chosen by measuring the choices on the recolour
benchmark (docs/recolouring.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from paletteflow.errors import InputError

Neutral = Literal["black", "white", "grey"]
NEUTRALS: tuple[Neutral, ...] = get_args(Neutral)
DEFAULT_KEEP: tuple[Neutral, ...] = ("black",)
_SPELLINGS = {"gray": "grey", "none": None}


def parse_keep(value: str | Iterable[str] | None) -> tuple[Neutral, ...]:
    """The neutrals named in `value` ("black,white", a list, or "none"), in canonical order.

    None gives the default; "" or "none" keeps nothing.
    """
    if value is None:
        return DEFAULT_KEEP
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    wanted: set[str] = set()
    for name in names:
        word = str(name).strip().lower()
        word = _SPELLINGS.get(word, word)
        if word is None:
            continue
        if word not in NEUTRALS:
            raise InputError(
                f"cannot keep {name!r}: name black, white or grey, comma-separated "
                "(black,white), or none"
            )
        wanted.add(word)
    return tuple(neutral for neutral in NEUTRALS if neutral in wanted)
