"""Every place an SVG states a colour, as templates that can be written back with new colours.

Colours live in presentation attributes (`fill`, `stroke`, `stop-color`,
`flood-color`, `lighting-color`, `color`), in `style` attributes and in
`<style>` sheets. Each value that holds colours becomes a template: the text
around the colours kept as written, the colours as indices into one list of
distinct colours, so recolouring maps each distinct colour once and writes
every occurrence with its own alpha. A gradient's stops are colours of
their own, grouped by gradient (`gradients`), even where the same colour is
also a flat fill elsewhere: a stop is mapped with the rest of its gradient.
`url(#...)` references, `none`,
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
from dataclasses import dataclass, field

from paletteflow.svg.css_colors import TOKEN, CssColor, parse_color
from paletteflow.svg.defuse import local_name
from paletteflow.svg.gradients import Gradient, Stop, stop_number

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

    def write(self, colors: list[str]) -> None:
        text = "".join(piece if isinstance(piece, str) else colors[piece] for piece in self.pieces)
        if self.attribute is None:
            self.element.text = text
        else:
            self.element.set(self.attribute, text)


@dataclass
class Paints:
    """The distinct colours of a document (as written, alpha included) and where each one goes.

    `gradients` are the gradients whose stops state their colours as attributes.
    """

    colors: list[CssColor]
    templates: list[Template]
    gradients: list[Gradient]


def collect_paints(root: ET.Element) -> Paints:
    """Make initial colours explicit, then find every colour the document states."""
    _write_initial_colors(root)
    index: dict[tuple[CssColor, int], int] = {}
    templates = []
    stops: dict[ET.Element, list[Stop]] = {}
    children = [(root, root), *((child, parent) for parent in root.iter() for child in parent)]
    for element, parent in children:
        group = id(parent) if local_name(element) == "stop" else 0
        slots = _Slots(index, group)
        for attribute, value in element.attrib.items():
            if attribute in COLOR_PROPERTIES:
                pieces = _value_pieces(value, slots)
            elif attribute == "style":
                pieces = _declaration_pieces(value, slots)
            else:
                continue
            if any(isinstance(piece, int) for piece in pieces):
                templates.append(Template(element, attribute, pieces))
        if local_name(element) == "style" and element.text:
            pieces = _declaration_pieces(element.text, slots)
            if any(isinstance(piece, int) for piece in pieces):
                templates.append(Template(element, None, pieces))
        if group and slots.used:
            offset = max(
                stop_number(element, "offset", 0.0),
                max((stop.offset for stop in stops.get(parent, [])), default=0.0),
            )
            opacity = stop_number(element, "stop-opacity", 1.0)
            stops.setdefault(parent, []).append(Stop(element, slots.used[0], offset, opacity))
    return Paints(
        colors=[color for color, _ in index],
        templates=templates,
        gradients=[Gradient(parent, tuple(found)) for parent, found in stops.items()],
    )


@dataclass
class _Slots:
    """Numbers the colours of one context (a gradient's stops, or everything else) as they come."""

    index: dict[tuple[CssColor, int], int]
    group: int
    used: list[int] = field(default_factory=list)

    def number(self, color: CssColor) -> int:
        number = self.index.setdefault((color, self.group), len(self.index))
        self.used.append(number)
        return number


def _write_initial_colors(root: ET.Element) -> None:
    states_color = set()
    bare_shape = False
    uses_current_color = False
    for element in root.iter():
        name = local_name(element)
        declared = {key.lower() for key in element.attrib} | _declared(element.get("style", ""))
        if name in _INITIAL and _INITIAL[name][0] not in declared:
            element.set(*_INITIAL[name])
        bare_shape |= name in SHAPES and "fill" not in declared
        uses_current_color |= any(
            _CURRENT_COLOR.search(value) for value in element.attrib.values()
        ) or bool(name == "style" and element.text and _CURRENT_COLOR.search(element.text))
        states_color |= declared if element is root else set()
    if bare_shape and "fill" not in states_color:
        root.set("fill", "#000000")
    if uses_current_color and "color" not in states_color:
        root.set("color", "#000000")


def _declared(style: str) -> set[str]:
    return {match.group(1).lower() for match in _DECLARATION.finditer(style)}


def _declaration_pieces(css: str, slots: _Slots) -> list[str | int]:
    pieces: list[str | int] = []
    position = 0
    for match in _DECLARATION.finditer(css):
        start, end = match.span(2)
        pieces.append(css[position:start])
        pieces += _value_pieces(css[start:end], slots)
        position = end
    pieces.append(css[position:])
    return pieces


def _value_pieces(value: str, slots: _Slots) -> list[str | int]:
    """The value split around its colour tokens; `url(...)` and keywords are left as text."""
    masked = _URL.sub(lambda match: " " * len(match.group()), value)
    pieces: list[str | int] = []
    position = 0
    for match in TOKEN.finditer(masked):
        color = parse_color(match.group())
        if color is None:
            continue
        pieces.append(value[position : match.start()])
        pieces.append(slots.number(color))
        position = match.end()
    pieces.append(value[position:])
    return pieces
