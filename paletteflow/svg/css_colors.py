"""CSS colour syntax as SVG uses it: reading every form a logo may carry, writing one form back.

CSS Color 4 (https://www.w3.org/TR/css-color-4/) defines the forms: hex with
3, 4, 6 or 8 digits, rgb()/rgba() with numbers or percentages, commas or
spaces and an optional `/ alpha`, hsl()/hsla() (section 7: the hue in deg,
grad, rad or turn), the 148 named colours and `transparent`. `currentColor`,
`none` and paint-server references are not colours: they stay as written.
Colours are kept as sRGB floats with their alpha, so a translucent colour is
rewritten with the same alpha it had.
"""

from __future__ import annotations

import colorsys
import math
import re
from dataclasses import dataclass

from paletteflow.svg.named_colors import NAMED_COLORS

# One colour token inside a property value: a hex, a functional form or a word that may be a name.
TOKEN = re.compile(r"#[0-9a-fA-F]+\b|\b(?:rgba?|hsla?)\([^)]*\)|\b[a-zA-Z]+\b", re.IGNORECASE)
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_ARGUMENT = re.compile(rf"({_NUMBER})(%|deg|grad|rad|turn)?$")
_HUE_UNITS = {None: 1.0, "deg": 1.0, "grad": 0.9, "rad": 180.0 / math.pi, "turn": 360.0}


@dataclass(frozen=True)
class CssColor:
    """sRGB channels in [0, 1] and the alpha in [0, 1], as the colour was written."""

    red: float
    green: float
    blue: float
    alpha: float = 1.0

    @property
    def rgb8(self) -> tuple[int, int, int]:
        return (_byte(self.red), _byte(self.green), _byte(self.blue))


def parse_color(text: str) -> CssColor | None:
    """The colour a CSS colour token names, or None when the token is no colour (`none`, `url`)."""
    token = text.strip().lower()
    if token.startswith("#"):
        return _hex(token[1:])
    if token.endswith(")") and "(" in token:
        name, _, inside = token[:-1].partition("(")
        arguments = _arguments(inside)
        if arguments is None:
            return None
        if name in ("rgb", "rgba"):
            return _rgb(arguments)
        if name in ("hsl", "hsla"):
            return _hsl(arguments)
        return None
    if token == "transparent":
        return CssColor(0.0, 0.0, 0.0, 0.0)
    named = NAMED_COLORS.get(token)
    if named is None:
        return None
    return CssColor(*(int(named[i : i + 2], 16) / 255.0 for i in (1, 3, 5)))


def format_color(rgb8: tuple[int, int, int], alpha: float) -> str:
    """`#rrggbb` for an opaque colour, `rgba(r, g, b, a)` keeping a translucent colour's alpha."""
    red, green, blue = rgb8
    if alpha >= 1.0:
        return f"#{red:02x}{green:02x}{blue:02x}"
    return f"rgba({red}, {green}, {blue}, {_alpha_text(alpha)})"


def _alpha_text(alpha: float) -> str:
    text = f"{alpha:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _byte(channel: float) -> int:
    return int(min(255, max(0, math.floor(channel * 255.0 + 0.5))))


def _hex(digits: str) -> CssColor | None:
    if len(digits) in (3, 4):
        digits = "".join(ch * 2 for ch in digits)
    if len(digits) not in (6, 8) or not re.fullmatch(r"[0-9a-f]+", digits):
        return None
    values = [int(digits[i : i + 2], 16) / 255.0 for i in range(0, len(digits), 2)]
    return CssColor(*values)


def _arguments(inside: str) -> list[tuple[float, str | None]] | None:
    """Numbers with their units, whether separated by commas or by spaces and a slash."""
    parts = [part for part in re.split(r"[\s,/]+", inside.strip()) if part]
    parsed = []
    for part in parts:
        match = _ARGUMENT.match(part)
        if match is None:
            return None
        parsed.append((float(match.group(1)), match.group(2)))
    return parsed if len(parsed) in (3, 4) else None


def _alpha(arguments: list[tuple[float, str | None]]) -> float:
    if len(arguments) < 4:
        return 1.0
    value, unit = arguments[3]
    return _clamp(value / 100.0 if unit == "%" else value)


def _rgb(arguments: list[tuple[float, str | None]]) -> CssColor | None:
    channels = []
    for value, unit in arguments[:3]:
        if unit not in (None, "%"):
            return None
        channels.append(_clamp(value / 100.0 if unit == "%" else value / 255.0))
    return CssColor(*channels, _alpha(arguments))


def _hsl(arguments: list[tuple[float, str | None]]) -> CssColor | None:
    (hue, hue_unit), (saturation, _), (lightness, _) = arguments[:3]
    if hue_unit == "%":
        return None
    degrees = (hue * _HUE_UNITS[hue_unit]) % 360.0
    red, green, blue = colorsys.hls_to_rgb(
        degrees / 360.0, _clamp(lightness / 100.0), _clamp(saturation / 100.0)
    )
    return CssColor(red, green, blue, _alpha(arguments))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
