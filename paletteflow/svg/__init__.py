"""Vector logos in, vector colourways out.

An SVG is recognised by its content (`is_svg`), parsed without following
anything it asks for and stripped to static drawing (`safe_xml`, `defuse`),
and every colour it states is found (`paints`, in any CSS form:
`css_colors`). A render of it (`render`, through resvg) is analysed like
any image; the palette decisions made on that analysis are then written into
the SVG's own colour values (`recolor`), so the colourway is again an SVG,
exact at any size, together with a PNG render of it.
"""

from __future__ import annotations

from paletteflow.svg.document import SvgDocument, load_document
from paletteflow.svg.recolor import recolor_svg
from paletteflow.svg.render import RENDER_SIDE, render_image, render_png
from paletteflow.svg.sniff import is_svg

__all__ = [
    "RENDER_SIDE",
    "SvgDocument",
    "is_svg",
    "load_document",
    "recolor_svg",
    "render_image",
    "render_png",
]
