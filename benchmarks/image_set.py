"""The images the recolour benchmark runs on: shipped open art plus images made here, all 1024x1024.

Real art is what breaks recolouring (thin outlines, many small regions,
antialiased edges, gradients), so most of the set is open art rendered once by
scripts/render_art.py (credits in images/CREDITS.md), in three groups judged
apart: flat Twemoji; outlined OpenMoji (thick black outlines round every
shape); devicon's real logos (multi-stop gradients, translucent overlaps,
shapes touching the border). Outlined art and logos come on their transparent
ground and again on white. The rest is made in code, deterministically, to
cover what the art lacks: the project's own sample logo; opaque RGB logos
whose background touches the border (two on white, one on a coloured ground);
a smooth multi-hue gradient; and a photo-like image with smooth fields, soft
shapes and noise, where no pixel is flat.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from paletteflow.color import hex_to_oklab, oklab_to_srgb
from paletteflow.images.io import to_working_mode
from paletteflow.images.sample import draw_sample_logo

SIDE = 1024
IMAGES = Path(__file__).resolve().parent / "images"
# (emoji, ground colour): the logo scaled to this share of the side, centred on an opaque ground.
ON_GROUND = (("fox", "#ffffff"), ("house", "#ffffff"), ("bee", "#bfe3f2"))
# Art whose file name starts with one of these belongs to that group, and comes on white too.
GROUPS = {"openmoji-": "outlined", "devicon-": "logos"}
OTHER_GROUP = "twemoji and generated"
_LOGO_SHARE = 0.8
# Corner colours of the gradient: four hues far apart, so it sweeps through many in between.
_GRADIENT_CORNERS = ("#e63946", "#f4d35e", "#2a9d8f", "#5b3f9e")
_SEED = 20240611


def load_image_set() -> list[tuple[str, Image.Image]]:
    """(name, image) pairs: RGBA emoji first, then the generated images; always the same pixels."""
    emoji = {path.stem: _at_side(Image.open(path)) for path in sorted(IMAGES.glob("*.png"))}
    images = list(emoji.items())
    images.append(("sample-logo", _at_side(draw_sample_logo(SIDE))))
    images.extend(
        (f"{name}-on-{ground.lstrip('#')}", on_ground(emoji[name], ground))
        for name, ground in ON_GROUND
    )
    images.extend(
        (f"{name}-on-ffffff", on_ground(art, "#ffffff"))
        for name, art in emoji.items()
        if group_of(name) != OTHER_GROUP
    )
    images.append(("gradient", gradient()))
    images.append(("photo-like", photo_like()))
    return images


def group_of(name: str) -> str:
    """Which group of the set an image (by its name in `load_image_set`) is judged in."""
    return next((group for prefix, group in GROUPS.items() if name.startswith(prefix)), OTHER_GROUP)


def _at_side(image: Image.Image) -> Image.Image:
    """RGB or RGBA as the engine would see it, resized to SIDE x SIDE if it is not already."""
    image = to_working_mode(image)
    if image.size != (SIDE, SIDE):
        image = image.resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    return image


def on_ground(logo: Image.Image, ground: str) -> Image.Image:
    """An opaque RGB logo: the RGBA logo, shrunk so a margin of ground surrounds it, over `ground`."""
    inner = round(SIDE * _LOGO_SHARE)
    offset = (SIDE - inner) // 2
    canvas = Image.new("RGBA", (SIDE, SIDE), ground)
    canvas.alpha_composite(logo.resize((inner, inner), Image.Resampling.LANCZOS), (offset, offset))
    return canvas.convert("RGB")


def gradient() -> Image.Image:
    """Bilinear blend of four hues in OKLab with a triangular dither of up to 1.5 levels.

    Exported gradients are dithered against banding; undithered, 8 bits would
    round runs of neighbours to one value and a smooth ramp would count as flat
    bands in the quality measures. With this dither no pixel is flat.
    """
    corners = hex_to_oklab(list(_GRADIENT_CORNERS))
    t = np.linspace(0.0, 1.0, SIDE)
    x, y = t[None, :, None], t[:, None, None]
    top = (1 - x) * corners[0] + x * corners[1]
    bottom = (1 - x) * corners[3] + x * corners[2]
    lab = (1 - y) * top + y * bottom
    rng = np.random.default_rng(_SEED)
    dither = 0.75 * (rng.uniform(-1, 1, lab.shape) + rng.uniform(-1, 1, lab.shape))
    pixels = np.clip(np.rint(oklab_to_srgb(lab) * 255 + dither), 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def photo_like() -> Image.Image:
    """Sky over a field, a blurred sun and hills, sensor-like noise: smooth, shaded, never flat."""
    rng = np.random.default_rng(_SEED)
    rows = np.linspace(0.0, 1.0, SIDE)[:, None, None]
    sky = (1 - rows) * np.array([70.0, 120.0, 200.0]) + rows * np.array([235.0, 200.0, 170.0])
    field = (1 - rows) * np.array([110.0, 150.0, 60.0]) + rows * np.array([60.0, 90.0, 40.0])
    horizon = np.clip((rows - 0.55) * 20, 0, 1)
    base = np.broadcast_to((1 - horizon) * sky + horizon * field, (SIDE, SIDE, 3))
    image = Image.fromarray(np.rint(base).astype(np.uint8), "RGB")
    shapes = Image.new("L", (SIDE, SIDE), 0)
    colors = Image.new("RGB", (SIDE, SIDE), 0)
    for box, color in (
        ((640, 140, 820, 320), (255, 214, 120)),
        ((-200, 480, 560, 900), (80, 120, 50)),
        ((380, 520, 1300, 1000), (120, 140, 70)),
        ((120, 180, 420, 300), (245, 245, 250)),
    ):
        ImageDraw.Draw(shapes).ellipse(box, fill=255)
        ImageDraw.Draw(colors).ellipse(box, fill=color)
    image.paste(colors, (0, 0), shapes.filter(ImageFilter.GaussianBlur(18)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noise = rng.normal(0.0, 4.0, (SIDE, SIDE, 3))
    pixels = np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255)
    return Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB")
