"""Making a parsed SVG inert: nothing in it can run, load or link anything outside itself.

What stays is static drawing: shapes, groups, gradients, patterns, masks,
filters, text and the document's own style sheets. Everything else goes,
with its content: scripts, `<foreignObject>` (HTML inside SVG), animation
(which can set any attribute, a link's target included), media and elements
of other vocabularies (editor metadata). Event attributes (`onload`, ...) go.
A reference may only point inside the document (`href="#id"`, `url(#id)`);
the one exception is a raster image embedded as a `data:` URL (PNG, JPEG,
GIF or WebP), which is drawn as it is. Any other `href` is removed, any
other `url(...)` becomes `none`, and `@import` rules are dropped, so neither
the renderer here nor a browser that later opens the output fetches a URL or
reads a file because of the SVG. An `<image>` or `<use>` left without a
reference goes too, since it would draw nothing. `<use>` references are counted as the
elements they copy, so a few kilobytes of nested `<use>` cannot expand into
millions of shapes, and a `<use>` cycle is refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from paletteflow.errors import ImageInputError
from paletteflow.svg.safe_xml import MAX_DEPTH, MAX_ELEMENTS, SVG_NS, XLINK_NS, XML_NS

DRAWING_ELEMENTS = frozenset(
    [
        "a",
        "circle",
        "clipPath",
        "defs",
        "desc",
        "ellipse",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feImage",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
        "filter",
        "g",
        "image",
        "line",
        "linearGradient",
        "marker",
        "mask",
        "path",
        "pattern",
        "polygon",
        "polyline",
        "radialGradient",
        "rect",
        "stop",
        "style",
        "svg",
        "switch",
        "symbol",
        "text",
        "textPath",
        "title",
        "tspan",
        "use",
        "view",
    ]
)
KEPT_NAMESPACED = frozenset({f"{{{XLINK_NS}}}href", f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"})
HREFS = ("href", f"{{{XLINK_NS}}}href")
_EMBEDDED_RASTER = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp)[;,]", re.IGNORECASE)
_FOREIGN_URL = re.compile(r"url\(\s*(?!['\"]?\s*#)[^)]*\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def defuse(root: ET.Element) -> ET.Element:
    """Strip `root` in place to static, self-contained drawing; refuse `<use>` bombs and loops."""
    _clean(root)
    _check_expansion(root)
    return root


def clean_css(text: str) -> str:
    """CSS without comments, `@import` or URLs that leave the document."""
    return _FOREIGN_URL.sub("none", _IMPORT.sub("", _COMMENT.sub("", text)))


def local_name(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _clean(element: ET.Element) -> None:
    for child in list(element):
        namespace, _, name = child.tag.rpartition("}")
        if namespace != f"{{{SVG_NS}" or name not in DRAWING_ELEMENTS or _draws_outside(child):
            element.remove(child)
        else:
            _clean(child)
    name = local_name(element)
    for key, value in list(element.attrib.items()):
        if (key.startswith("{") and key not in KEPT_NAMESPACED) or key.lower().startswith("on"):
            del element.attrib[key]
        elif key in HREFS:
            if not _safe_href(name, value):
                del element.attrib[key]
        elif "url(" in value.lower() or key == "style":
            element.set(key, clean_css(value))
    if name == "style":
        element.text = clean_css("".join(element.itertext()))
        element[:] = []


def _draws_outside(element: ET.Element) -> bool:
    """An `<image>` or `<use>` whose only content is a reference that may not be followed."""
    if local_name(element) not in ("image", "use"):
        return False
    targets = [element.get(href) for href in HREFS if element.get(href) is not None]
    return not any(_safe_href(local_name(element), target) for target in targets)


def _safe_href(element_name: str, value: str) -> bool:
    target = value.strip()
    if target.startswith("#"):
        return True
    return element_name in ("image", "feImage") and _EMBEDDED_RASTER.match(target) is not None


def _check_expansion(root: ET.Element) -> None:
    """Count every element as drawn, `<use>` copies included; refuse too many or a cycle."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}
    open_elements: set[int] = set()

    def drawn(element: ET.Element, depth: int) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in open_elements:
            raise ImageInputError(
                "the SVG's <use> elements refer to each other in a loop; break the loop"
            )
        if depth > 2 * MAX_DEPTH:
            raise ImageInputError(
                f"the SVG's <use> references nest more than {2 * MAX_DEPTH} deep; flatten them"
            )
        open_elements.add(key)
        total = 1 + sum(drawn(child, depth + 1) for child in element)
        if local_name(element) == "use":
            target = next((element.get(h) for h in HREFS if element.get(h)), "")
            referenced = by_id.get(target.strip()[1:]) if target.strip().startswith("#") else None
            if referenced is not None:
                total += drawn(referenced, depth + 1)
        open_elements.discard(key)
        if total > MAX_ELEMENTS:
            raise ImageInputError(
                f"the SVG draws more than {MAX_ELEMENTS} elements once its <use> copies are "
                "counted; simplify it or rasterise it first"
            )
        sizes[key] = total
        return total

    drawn(root, 0)
