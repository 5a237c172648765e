"""A gradient's stops in order, and the stops a colourway adds where its colours change hands.

The engine gives the keys a gradient rendered into their own palette
colours; where the gradient runs from one key's region into another's, the
raster engine paints the first colour up to the boundary, then the second.
A gradient written with only its original stops would instead blend the two
colours across the whole way between those stops. So a colourway may add a
pair of stops around each boundary, colours taken from the two sides (tints
or shades of palette colours, like every stop), positions from the engine's
own boundary. Added stops carry the interpolated opacity of their
neighbours and are marked `data-paletteflow-stop`, so they are removed before
the next colourway is written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from paletteflow.svg.css_colors import format_color
from paletteflow.svg.safe_xml import SVG_NS

ADDED = "data-paletteflow-stop"
_NUMBER = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(%?)")


@dataclass(frozen=True)
class Stop:
    """One `<stop>`: its element, the colour slot it states, where it sits and how opaque it is."""

    element: ET.Element
    slot: int
    offset: float
    opacity: float


@dataclass(frozen=True)
class AddedStop:
    """A stop to add after stop `after` of its gradient, at `offset`, in an 8-bit colour."""

    after: int
    offset: float
    rgb8: tuple[int, int, int]
    alpha: float


@dataclass(frozen=True)
class Gradient:
    element: ET.Element
    stops: tuple[Stop, ...]

    def add(self, added: list[AddedStop]) -> None:
        """Insert the added stops (removing any an earlier colourway added)."""
        for child in [child for child in self.element if child.get(ADDED) is not None]:
            self.element.remove(child)
        for stop in sorted(added, key=lambda stop: (stop.after, stop.offset), reverse=True):
            neighbour = self.stops[stop.after]
            before, after = neighbour, self.stops[min(stop.after + 1, len(self.stops) - 1)]
            span = after.offset - before.offset
            share = (stop.offset - before.offset) / span if span > 0 else 0.0
            opacity = before.opacity + share * (after.opacity - before.opacity)
            element = ET.Element(
                f"{{{SVG_NS}}}stop",
                {
                    "offset": f"{stop.offset:.4f}".rstrip("0").rstrip("."),
                    "stop-color": format_color(stop.rgb8, stop.alpha),
                    "stop-opacity": f"{opacity:.4f}".rstrip("0").rstrip(".") or "0",
                    ADDED: "",
                },
            )
            position = list(self.element).index(neighbour.element) + 1
            self.element.insert(position, element)


def stop_number(element: ET.Element, attribute: str, default: float) -> float:
    """A stop's offset or opacity: a number or a percentage, clamped to [0, 1]."""
    match = _NUMBER.match(element.get(attribute, ""))
    if match is None:
        return default
    value = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
    return min(1.0, max(0.0, value))
