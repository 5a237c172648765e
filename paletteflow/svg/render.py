"""Drawing a defused SVG to pixels with resvg, at a size of our choosing.

resvg (Rust; the `resvg` wheel on PyPI, no system libraries) has no network
code at all. It would read a local file named by an `<image>` href, but the
documents it sees here have been through `defuse`, which leaves only
references inside the document and embedded rasters. No font is loaded:
system fonts differ between machines and would make renders differ too, so
`<text>` that was not converted to outlines is not drawn.

Every render fits the longest side to RENDER_SIDE pixels, whatever size the
SVG claims, so a document declaring a billion pixels costs what a logo costs.
"""

from __future__ import annotations

import io

from PIL import Image
from resvg import render, usvg

from paletteflow.errors import ImageInputError

RENDER_SIDE = 512
# Beyond this ratio of long to short side the short side would be a few pixels: nothing to recolour.
MAX_ASPECT = 64


def render_png(svg_text: str, side: int = RENDER_SIDE) -> bytes:
    """The SVG as an RGBA PNG whose longest side is `side` pixels."""
    try:
        tree = usvg.Tree.from_str(svg_text, usvg.Options.default())
    except Exception as error:
        raise ImageInputError(
            f"the SVG could not be read as a drawing ({error}); re-export it and try again"
        ) from None
    width, height = tree.int_size()
    if min(width, height) <= 0 or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageInputError(
            f"the SVG is {width}x{height}: one side is more than {MAX_ASPECT} times the other "
            "or zero; fix its width, height or viewBox"
        )
    scale = side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return bytes(render(tree, (scale, 0.0, 0.0, 0.0, scale, 0.0), bg_size=size))


def render_image(svg_text: str, side: int = RENDER_SIDE) -> Image.Image:
    """The render as RGBA pixels, for analysis, tiles and raster formats."""
    image = Image.open(io.BytesIO(render_png(svg_text, side)))
    image.load()
    return image.convert("RGBA") if image.mode != "RGBA" else image
