"""The demo's logo, drawn by the project so the demo needs no downloads and no licences.

It has what real logos have and naive recolouring breaks: a transparent
ground, antialiased curves, a thin outline, several flat regions of different
lightness, and a shaded gradient.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from paletteflow.color import hex_to_rgb

SIDE = 1024
_SUPERSAMPLE = 2

NAVY, CREAM, TEAL, CORAL, GOLD = "#1d3557", "#f1faee", "#2a9d8f", "#e76f51", "#e9c46a"
# The demo's concept: the words that go with this logo.
DEMO_THEME = "harbor at sunset, fresh and friendly"
DEMO_LOGO = "a round badge with mountains, a rising sun and a river"


def draw_sample_logo(side: int = SIDE) -> Image.Image:
    """A round badge: navy ring, cream field, coral sun, shaded teal mountains, gold river."""
    big = side * _SUPERSAMPLE

    def at(*fractions: float) -> list[float]:
        return [f * big for f in fractions]

    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse(at(0.04, 0.04, 0.96, 0.96), fill=NAVY)
    draw.ellipse(at(0.075, 0.075, 0.925, 0.925), outline=GOLD, width=int(0.008 * big))
    draw.ellipse(at(0.11, 0.11, 0.89, 0.89), fill=CREAM)
    draw.ellipse(at(0.38, 0.22, 0.62, 0.46), fill=CORAL)

    mountains = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mountains).polygon(
        at(0.14, 0.70, 0.36, 0.38, 0.50, 0.56, 0.64, 0.34, 0.86, 0.70), fill=255
    )
    field = Image.new("L", (big, big), 0)
    ImageDraw.Draw(field).ellipse(at(0.11, 0.11, 0.89, 0.89), fill=255)
    mask = Image.fromarray(np.minimum(np.asarray(mountains), np.asarray(field)))
    canvas.paste(_vertical_gradient(big, TEAL, 0.55), (0, 0), mask)

    lower = Image.new("L", (big, big), 0)
    ImageDraw.Draw(lower).rectangle(at(0.0, 0.70, 1.0, 1.0), fill=255)
    canvas.paste(NAVY, (0, 0), Image.fromarray(np.minimum(np.asarray(lower), np.asarray(field))))
    draw.line(
        at(0.20, 0.78, 0.40, 0.74, 0.60, 0.80, 0.80, 0.76),
        fill=GOLD,
        width=int(0.025 * big),
        joint="curve",
    )
    return canvas.resize((side, side), Image.Resampling.LANCZOS)


def _vertical_gradient(side: int, color: str, darkest: float) -> Image.Image:
    """The colour fading to `darkest` times itself from top to bottom: shading to preserve."""
    rgb = np.array(hex_to_rgb(color), dtype=np.float64)
    ramp = np.linspace(1.0, darkest, side)[:, None, None]
    pixels = np.broadcast_to(rgb * ramp, (side, side, 3))
    return Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB")
