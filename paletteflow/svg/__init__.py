"""Vector logos in, vector colourways out.

An SVG is recognised by its content (`is_svg`), parsed without following
anything it asks for and stripped to static drawing (`safe_xml`, `defuse`),
and every colour it states is found (`paints`, in any CSS form:
`css_colors`). A render of it (`render`, through resvg) is analysed like
any image; the palette decisions made on that analysis are then written into
the SVG's own colour values (`paletteflow.svg.recolor`, imported on its own
because it needs the recolour engine, which needs image I/O, which needs
this package to read SVG), so the colourway is again an SVG, exact at any
size, together with a PNG render of it.
"""

from __future__ import annotations

from paletteflow.svg.document import SvgDocument, load_document
from paletteflow.svg.render import RENDER_SIDE, render_image, render_png
from paletteflow.svg.sniff import is_svg

__all__ = [
    "RENDER_SIDE",
    "SvgDocument",
    "is_svg",
    "load_document",
    "render_image",
    "render_png",
]
