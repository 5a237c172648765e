"""Recolouring a logo (or a photo) to a palette: palette-true, edge-true, transparency-true.

The old service painted k-means clusters flat and blended 0.75 with the
original: posterised edges, black where it was transparent, one or two of the
palette's colours. Here `analyze` finds the image's key colours once (its
flat fills, plus clusters for gradients and photos), which keys touch, and
where every unique colour sits among them: on a key, along the edge between
two keys, or as a shade near one. Per palette, `recolor_image` gives each key
a palette colour by role, area and lightness (see `assignment`) and moves
every colour with its keys (see `transfer`): fills land exactly on palette
colours, antialiased edges become the edges the new colours would have drawn,
shading follows in OKLab, and alpha is never touched. Strong edges keep their
light-to-dark order and most of their contrast, with darker or lighter steps
of the palette's colours where the palette alone cannot carry them (see
`contrast`); black, white and grey can be kept as they are (`keep`). A
picture that is one colour ramp is mapped along two palette colours instead,
when that keeps it smoother (see `gradient_map`), and a grainy one (a photo,
a dithered gradient) keeps its grain at the size it had (see `grain`).

Output mode: RGBA stays RGBA (alpha bit-identical), RGB stays RGB; other
modes are recoloured as the RGB(A) they show: P, L, CMYK and 16-bit become
RGB, and LA, PA or P with transparency become RGBA. EXIF orientation is
applied first.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image
from pydantic import ValidationError

from paletteflow.color import hex_to_oklab, oklab_to_srgb, srgb_to_oklab
from paletteflow.errors import InputError, first_problem
from paletteflow.images.io import DEFAULT_MAX_PIXELS
from paletteflow.models import Palette
from paletteflow.neutrals import parse_keep
from paletteflow.recolor.analysis import Analysis, analyze, prepare
from paletteflow.recolor.assignment import assign_targets
from paletteflow.recolor.gradient_map import Ground, Ramp, map_ramp, ramp_is_better
from paletteflow.recolor.grain import paint_grain
from paletteflow.recolor.transfer import interpolate, move

RECOLOR_VERSION = "13"

__all__ = ["RECOLOR_VERSION", "Analysis", "analyze", "recolor_image"]


def recolor_image(
    image: Image.Image,
    palette: Palette | Sequence[str],
    *,
    strength: float = 1.0,
    keep: str | Iterable[str] | None = None,
    analysis: Analysis | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Image.Image:
    """The image in the palette's colours; `strength` 0 gives the input back, 1 the full recolour.

    `keep` names the neutrals left as they are ("black,white", a list of
    black, white and grey, "auto" for black unless the palette can draw it,
    or "none"); None keeps `paletteflow.neutrals.DEFAULT_KEEP`.
    Pass the `analyze` result of this image when recolouring it to several
    palettes; it must come from the same image.
    """
    if not (isinstance(strength, numbers.Real) and 0.0 <= strength <= 1.0):
        raise InputError(f"strength {strength!r} is outside [0, 1]; use a value from 0 to 1")
    kept = parse_keep(keep)
    palette = _as_palette(palette)
    image = prepare(image, max_pixels)
    if strength == 0.0:
        return image.copy()
    analysis = analysis or analyze(image, max_pixels=max_pixels)
    if analysis.size != image.size or analysis.mode != image.mode:
        raise InputError("the analysis belongs to another image; analyse this image first")
    targets = assign_targets(analysis, palette, kept).targets
    moved = _moved(analysis, targets)
    if analysis.ramp is not None:
        moved = _along_ramp(analysis, analysis.ramp, palette, targets, moved)
    if strength < 1.0:
        lab = analysis.unique_lab + strength * (srgb_to_oklab(moved) - analysis.unique_lab)
        moved = np.clip(oklab_to_srgb(lab), 0.0, 1.0)
    return _paint(image, analysis, moved)


def _moved(analysis: Analysis, targets: np.ndarray) -> np.ndarray:
    """Every unique colour's new sRGB: moved with its keys, fills exactly on their targets."""
    moved = move(analysis.support_lab, analysis.support, analysis.keys_lab, targets)
    if analysis.lut is not None:
        moved = interpolate(moved, analysis.lut)
    fills = analysis.key_unique >= 0
    moved[analysis.key_unique[fills]] = np.clip(oklab_to_srgb(targets[fills]), 0.0, 1.0)
    unchanged = analysis.key_unique[fills & (targets == analysis.keys_lab).all(axis=1)]
    moved[unchanged] = analysis.unique_srgb[unchanged]
    return moved


def _along_ramp(
    analysis: Analysis, ramp: Ramp, palette: Palette, targets: np.ndarray, moved: np.ndarray
) -> np.ndarray:
    """The picture as a gradient map along the palette, when that beats the keys' `moved`.

    The ramp's fill keys take their colours on the path, so the colours off
    the ramp (its antialiased rim, a second shape) move with them.
    """
    palette_lab = hex_to_oklab(list(palette.colors))
    ramp_lab = map_ramp(
        ramp,
        analysis.unique_lab[ramp.members],
        srgb_to_oklab(moved[ramp.members]),
        palette_lab,
        _ground(analysis, palette, palette_lab, targets),
    )
    if ramp_lab is None:
        return moved
    index = ramp.index_of(analysis.key_unique)  # cluster keys (-1) are never on it
    ramp_targets = targets.copy()
    ramp_targets[index >= 0] = ramp_lab[index[index >= 0]]
    along = _moved(analysis, ramp_targets)
    along[ramp.members] = np.clip(oklab_to_srgb(ramp_lab), 0.0, 1.0)
    better = ramp_is_better(ramp, analysis.unique_lab, srgb_to_oklab(moved), srgb_to_oklab(along))
    return along if better else moved


def _paint(image: Image.Image, analysis: Analysis, colors: np.ndarray) -> Image.Image:
    """Gather the new colours to pixels as packed 32-bit words: one pass, one small table.

    Alpha goes into each word's fourth byte as it is, and Pillow reads the
    words' buffer directly: no full-size temporaries beyond the words. A
    grainy picture is painted with its grain instead (see `grain`).
    """
    table = np.rint(colors * 255.0).astype(np.uint8)
    if analysis.grain is not None:
        rgb = paint_grain(analysis.grain, analysis.inverse, table)
        if image.mode == "RGBA":
            return Image.fromarray(np.dstack([rgb, np.asarray(image.getchannel("A"))]), "RGBA")
        return Image.fromarray(rgb, "RGB")
    wide = table.astype(np.uint32)
    packed = (wide[:, 0] | (wide[:, 1] << 8) | (wide[:, 2] << 16)).astype("<u4")
    words = np.take(packed, analysis.inverse)
    if image.mode == "RGBA":
        words.view(np.uint8).reshape(*words.shape, 4)[..., 3] = np.asarray(image.getchannel("A"))
        return Image.frombytes("RGBA", image.size, words)
    return Image.frombytes("RGB", image.size, words, "raw", "RGBX")


def _ground(
    analysis: Analysis, palette: Palette, palette_lab: np.ndarray, targets: np.ndarray
) -> Ground | None:
    """What lies round a ramp: the opaque ground, and the `background` role's colour."""
    role = palette.role_color("background")
    taken = () if role is None else (list(palette.colors).index(role),)
    if analysis.background is None:
        return None if role is None else Ground(None, None, taken)
    target = targets[analysis.background]
    nearest = int(np.argmin(np.linalg.norm(palette_lab - target, axis=1)))
    return Ground(analysis.keys_lab[analysis.background], target, (*taken, nearest))


def _as_palette(palette: Palette | Sequence[str]) -> Palette:
    if isinstance(palette, Palette):
        return palette
    if isinstance(palette, str):
        palette = [part for part in palette.replace(",", " ").split() if part]
    colors = list(palette)
    if not colors:
        raise InputError("the palette is empty; give 3 to 8 hex colours such as #1a73e8")
    try:
        return Palette(name="custom", colors=colors)
    except ValidationError as error:
        _, problem = first_problem(error, "palette")
        raise InputError(f"invalid palette {colors}: {problem}") from None
