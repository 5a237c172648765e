"""Every place an SVG states a colour, as templates that can be written back with new colours.

Colours live in presentation attributes (`fill`, `stroke`, `stop-color`,
`flood-color`, `lighting-color`, `color`), in `style` attributes and in
`<style>` sheets. Each value that holds colours becomes a template: the text
around the colours kept as written, the colours as indices into one list of
distinct colours, so recolouring maps each distinct colour once and writes
every occurrence with its own alpha. `url(#...)` references, `none`,
`currentColor` and `inherit` stay as they are (`currentColor` follows the
rewritten `color`).

Where an SVG leaves a colour to its initial value (a shape without `fill` is
black, a `<stop>` without `stop-color` is black, lighting is white), the
value is written out as a presentation attribute, the weakest way to set
it, so it looks the same and can be recoloured like any other.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from paletteflow.svg.css_colors import TOKEN, CssColor, parse_color
from paletteflow.svg.defuse import local_name

COLOR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
SHAPES = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text"})
# Initial values of the non-inherited colour properties, per element that uses them.
_INITIAL = {
    "stop": ("stop-color", "#000000"),
    "feFlood": ("flood-color", "#000000"),
    "feDropShadow": ("flood-color", "#000000"),
    "feDiffuseLighting": ("lighting-color", "#ffffff"),
    "feSpecularLighting": ("lighting-color", "#ffffff"),
}
_DECLARATION = re.compile(
    r"(?:^|(?<=[;{]))\s*(" + "|".join(COLOR_PROPERTIES) + r")\s*:([^;{}]*)", re.IGNORECASE
)
_URL = re.compile(r"url\([^)]*\)", re.IGNORECASE)
_CURRENT_COLOR = re.compile(r"currentcolor", re.IGNORECASE)


@dataclass
class Template:
    """One attribute (or a `<style>` element's text, attribute None) as text pieces and colour slots."""

    element: ET.Element
    attribute: str | None
    pieces: list[str | int]

    def write(self, colours: list[str]) -> None:
        text = "".join(piece if isinstance(piece, str) else colours[piece] for piece in self.pieces)
        if self.attribute is None:
            self.element.text = text
        else:
            self.element.set(self.attribute, text)


@dataclass
class Paints:
    """The distinct colours of a document (as written, alpha included) and where each one goes."""

    colours: list[CssColor]
    templates: list[Template]


def collect_paints(root: ET.Element) -> Paints:
    """Make initial colours explicit, then find every colour the document states."""
    _write_initial_colours(root)
    index: dict[CssColor, int] = {}
    templates = []
    for element in root.iter():
        name = local_name(element)
        for attribute, value in element.attrib.items():
            if attribute in COLOR_PROPERTIES:
                pieces = _value_pieces(value, index)
            elif attribute == "style":
                pieces = _declaration_pieces(value, index)
            else:
                continue
            if any(isinstance(piece, int) for piece in pieces):
                templates.append(Template(element, attribute, pieces))
        if name == "style" and element.text:
            pieces = _declaration_pieces(element.text, index)
            if any(isinstance(piece, int) for piece in pieces):
                templates.append(Template(element, None, pieces))
    return Paints(colours=list(index), templates=templates)


def _write_initial_colours(root: ET.Element) -> None:
    states_colour = set()
    bare_shape = False
    uses_current_colour = False
    for element in root.iter():
        name = local_name(element)
        declared = {key.lower() for key in element.attrib} | _declared(element.get("style", ""))
        if name in _INITIAL and _INITIAL[name][0] not in declared:
            element.set(*_INITIAL[name])
        bare_shape |= name in SHAPES and "fill" not in declared
        uses_current_colour |= any(
            _CURRENT_COLOR.search(value) for value in element.attrib.values()
        ) or bool(name == "style" and element.text and _CURRENT_COLOR.search(element.text))
        states_colour |= declared if element is root else set()
    if bare_shape and "fill" not in states_colour:
        root.set("fill", "#000000")
    if uses_current_colour and "color" not in states_colour:
        root.set("color", "#000000")


def _declared(style: str) -> set[str]:
    return {match.group(1).lower() for match in _DECLARATION.finditer(style)}


def _declaration_pieces(css: str, index: dict[CssColor, int]) -> list[str | int]:
    pieces: list[str | int] = []
    position = 0
    for match in _DECLARATION.finditer(css):
        start, end = match.span(2)
        pieces.append(css[position:start])
        pieces += _value_pieces(css[start:end], index)
        position = end
    pieces.append(css[position:])
    return pieces


def _value_pieces(value: str, index: dict[CssColor, int]) -> list[str | int]:
    """The value split around its colour tokens; `url(...)` and keywords are left as text."""
    masked = _URL.sub(lambda match: " " * len(match.group()), value)
    pieces: list[str | int] = []
    position = 0
    for match in TOKEN.finditer(masked):
        colour = parse_color(match.group())
        if colour is None:
            continue
        pieces.append(value[position : match.start()])
        pieces.append(index.setdefault(colour, len(index)))
        position = match.end()
    pieces.append(value[position:])
    return pieces
