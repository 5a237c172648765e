"""Parsing SVG bytes into an element tree without following anything the XML asks for.

The XML layer is where the classic attacks live: external entities that read
local files or fetch URLs (XXE), entity expansion that turns a kilobyte into
gigabytes (billion laughs), and default attributes injected by a DTD's
internal subset. expat is driven directly so that each of these is refused
as its declaration is read, before anything expands: a DOCTYPE is allowed
only without an internal subset (editors write `<!DOCTYPE svg PUBLIC ...>`,
which names a DTD that is never fetched), and any entity declaration is an
error. Element count and nesting depth are bounded while parsing, so a
hostile file costs no more than its bytes. Comments and processing
instructions are dropped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from paletteflow.errors import ImageInputError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_ELEMENTS = 20_000
MAX_DEPTH = 64


class _Refused(Exception):
    """Raised inside an expat handler; carries the one-line message for the user."""


def parse_svg_tree(data: bytes) -> ET.Element:
    """The document's root element, with names as `{namespace}local`; unqualified names are SVG's."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    counts = {"elements": 0, "depth": 0}

    def doctype(name: str, system_id: str | None, public_id: str | None, subset: int) -> None:
        if subset:
            raise _Refused(
                "the SVG's DOCTYPE declares its own entities or attributes, which are never "
                "expanded; remove the DOCTYPE (or its [...] part) and try again"
            )

    def entity(name: str, *_: object) -> None:
        raise _Refused(
            f"the SVG declares the XML entity {name!r}, which is never expanded; "
            "remove the DOCTYPE and try again"
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        counts["elements"] += 1
        counts["depth"] += 1
        if counts["elements"] > MAX_ELEMENTS:
            raise _Refused(
                f"the SVG has more than {MAX_ELEMENTS} elements; simplify it or rasterise it first"
            )
        if counts["depth"] > MAX_DEPTH:
            raise _Refused(
                f"the SVG nests elements more than {MAX_DEPTH} deep; flatten its groups and try again"
            )
        builder.start(
            _qualified(name, element=True), {_qualified(k): v for k, v in attributes.items()}
        )

    def end(name: str) -> None:
        counts["depth"] -= 1
        builder.end(_qualified(name, element=True))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = lambda *_: 0
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _Refused as refusal:
        raise ImageInputError(str(refusal)) from None
    except expat.ExpatError as error:
        raise ImageInputError(
            f"the SVG is not well-formed XML ({expat.ErrorString(error.code)} at line "
            f"{error.lineno}, column {error.offset}); re-export it and try again"
        ) from None
    root = builder.close()
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageInputError("the XML document is not an SVG (its root is not <svg>); give an SVG")
    return root


def _qualified(name: str, *, element: bool = False) -> str:
    """expat's "namespace local" as ElementTree's "{namespace}local"; bare element names are SVG's."""
    namespace, _, local = name.rpartition(" ")
    if namespace:
        return f"{{{namespace}}}{local}"
    return f"{{{SVG_NS}}}{local}" if element else local
