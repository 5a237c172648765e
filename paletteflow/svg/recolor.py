"""A colourway of an SVG: the raster engine's decisions, written into the SVG's own colour values.

The render of the original gives each colour its area, its neighbours and
its place among the picture's key colours; `analyze` and the palette
assignment decide from those, as they do for pixels; `recolor_colours` maps
every colour the SVG states (fills, strokes; each gradient's stops
together) through those decisions (`paletteflow.recolor.colors`). The result is exact at any size: no antialiasing is
inferred, every edge is drawn anew from the new colours.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from paletteflow.errors import InputError
from paletteflow.models import Palette
from paletteflow.recolor import Analysis, analyze
from paletteflow.recolor.colors import ColorMapping, plan_gradient, with_strength
from paletteflow.svg.document import SvgDocument, load_document
from paletteflow.svg.gradients import AddedStop
from paletteflow.svg.render import render_image


def recolor_svg(
    document: SvgDocument,
    palette: Palette,
    analysis: Analysis,
    *,
    strength: float = 1.0,
    keep: str | Iterable[str] | None = None,
) -> str:
    """The SVG's text in the palette's colours; `analysis` is of `render_image(document.source)`."""
    if not 0.0 <= strength <= 1.0:
        raise InputError(f"strength {strength!r} is outside [0, 1]; use a value from 0 to 1")
    original = np.array([color.rgb8 for color in document.colors], dtype=np.float64) / 255.0
    original = original.reshape(-1, 3)
    mapping = ColorMapping.decide(analysis, palette, keep)
    moved = mapping.colors(original)
    slots = [[stop.slot for stop in gradient.stops] for gradient in document.gradients]
    stops = [original[numbers] for numbers in slots]
    plans = document.derived(
        analysis, lambda: [plan_gradient(analysis, colors) for colors in stops]
    )
    added = []
    for gradient, numbers, plan, colors in zip(
        document.gradients, slots, plans, mapping.gradients(stops, plans), strict=True
    ):
        moved[numbers] = colors.stops
        added_colors = _bytes8(with_strength(plan.added_original, colors.added_moved, strength))
        added.append(
            [
                AddedStop(
                    after=segment,
                    offset=_between(
                        gradient.stops[segment].offset, gradient.stops[segment + 1].offset, share
                    ),
                    rgb8=rgb8,
                    alpha=document.colors[numbers[segment]].alpha,
                )
                for (segment, share), rgb8 in zip(plan.added, added_colors, strict=True)
            ]
        )
    return document.with_colors(_bytes8(with_strength(original, moved, strength)), added)


def _bytes8(srgb: np.ndarray) -> list[tuple[int, int, int]]:
    return [
        (red, green, blue)
        for red, green, blue in np.clip(np.rint(srgb * 255.0), 0, 255).astype(int).tolist()
    ]


def _between(start: float, end: float, share: float) -> float:
    return start + share * (end - start)


def recolor_svg_data(
    data: bytes,
    palette: Palette,
    *,
    strength: float = 1.0,
    keep: str | Iterable[str] | None = None,
) -> str:
    """One colourway of the SVG in `data`, analysing its render on the way (a single call)."""
    document = load_document(data)
    analysis = analyze(render_image(document.source))
    return recolor_svg(document, palette, analysis, strength=strength, keep=keep)
