"""A colourway of an SVG: the raster engine's decisions, written into the SVG's own colour values.

The render of the original gives each colour its area, its neighbours and
its place among the picture's key colours; `analyze` and the palette
assignment decide from those, as they do for pixels; `recolor_colours` maps
every colour the SVG states (fills, strokes, each gradient stop) through
those decisions. The result is exact at any size: no antialiasing is
inferred, every edge is drawn anew from the new colours.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from paletteflow.models import Palette
from paletteflow.recolor import Analysis, analyze
from paletteflow.recolor.colours import recolor_colours
from paletteflow.svg.css_colors import format_color
from paletteflow.svg.document import SvgDocument, load_document
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
    original = np.array([colour.rgb8 for colour in document.colours], dtype=np.float64) / 255.0
    moved = recolor_colours(analysis, palette, original, strength=strength, keep=keep)
    bytes8 = np.clip(np.rint(moved * 255.0), 0, 255).astype(int).tolist()
    return document.with_colours(
        [
            format_color((red, green, blue), colour.alpha)
            for (red, green, blue), colour in zip(bytes8, document.colours, strict=True)
        ]
    )


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
