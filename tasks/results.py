"""Task results that carry their own duration, since concurrent tasks cannot be timed from the flow.

Concrete models rather than one generic: a cached result is read back from
JSON, and only a concrete type restores the nested palettes as Palette objects.
"""

from __future__ import annotations

from pydantic import BaseModel

from paletteflow.models import BaseImage, Palette


class GeneratedPalettes(BaseModel):
    palettes: list[Palette]
    seconds: float


class StoredBase(BaseModel):
    """The stored base image, the seconds its upload took, and its dominant colours."""

    base: BaseImage
    seconds: float
    colours: list[str]
