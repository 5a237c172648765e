"""Which neutral colours a recolour keeps as they are: black, white, grey (Illustrator's "Preserve").

Outlines, strokes and type are mostly black, paper and highlights white: a
designer recolouring artwork usually wants those left alone and only the
colours changed. Each neutral is switchable on its own. `auto` keeps black
unless the palette can draw the black itself: when recolouring it too puts
more of the palette's colours to use without leaving the palette or losing
the edges (navy line art from a palette with a navy nothing else takes).
What is kept when nothing is said was chosen by measuring the choices on the
recolour benchmark (docs/recolouring.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from paletteflow.errors import InputError

Neutral = Literal["black", "white", "grey"]
Keep = Literal["auto", "black", "white", "grey"]
AUTO: Keep = "auto"
CHOICES: tuple[Keep, ...] = get_args(Keep)
DEFAULT_KEEP: tuple[Keep, ...] = (AUTO,)
_SPELLINGS = {"gray": "grey", "none": None}


def parse_keep(value: str | Iterable[str] | None) -> tuple[Keep, ...]:
    """The choices named in `value` ("auto,white", a list, or "none"), in canonical order.

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
        if word not in CHOICES:
            raise InputError(
                f"cannot keep {name!r}: name black, white or grey, comma-separated "
                "(black,white), auto (black unless the palette can draw it), or none"
            )
        wanted.add(word)
    if "black" in wanted:
        wanted.discard(AUTO)
    return tuple(choice for choice in CHOICES if choice in wanted)
