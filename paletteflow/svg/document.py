"""A defused SVG with its colours found, written out again with any colours in their places.

Parsing, defusing and finding colours happen once per document; each
colourway then only fills the templates in and serialises the tree. The
output is the defused document itself (initial colours made explicit,
nothing else changed), so the same colours always give the same text.
"""

from __future__ import annotations

import hashlib
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, TypeVar

from paletteflow.images.recent import RecentlyUsed
from paletteflow.svg.css_colors import CssColor, format_color
from paletteflow.svg.defuse import defuse
from paletteflow.svg.gradients import AddedStop, Gradient
from paletteflow.svg.paints import collect_paints
from paletteflow.svg.safe_xml import SVG_NS, XLINK_NS, parse_svg_tree

# SVG as the default namespace and xlink by its usual prefix, as editors write them.
ET.register_namespace("", SVG_NS)
Derived = TypeVar("Derived")
ET.register_namespace("xlink", XLINK_NS)


class SvgDocument:
    """One SVG, parsed and defused; `source` is its text before any recolouring."""

    def __init__(self, data: bytes) -> None:
        self._root = defuse(parse_svg_tree(data))
        paints = collect_paints(self._root)
        self.colors: list[CssColor] = paints.colors
        self.gradients: list[Gradient] = paints.gradients
        self._templates = paints.templates
        self._lock = threading.Lock()
        self._derived: tuple[object, Any] | None = None
        self.source = self._serialise()

    def derived(self, basis: object, compute: Callable[[], Derived]) -> Derived:
        """`compute()`, kept while the same `basis` object is asked about (the last one only).

        What depends on the document and one analysis of its render, but on no
        palette (where each gradient changes hands), is worked out once per run.
        """
        with self._lock:
            if self._derived is not None and self._derived[0] is basis:
                return self._derived[1]
        value = compute()
        with self._lock:
            self._derived = (basis, value)
        return value

    def with_colors(
        self, colors: list[tuple[int, int, int]], added: list[list[AddedStop]] | None = None
    ) -> str:
        """The text with the i-th distinct colour replaced by 8-bit `colours[i]`, keeping its alpha.

        `added[g]` are stops to add to gradient g (see `gradients`).
        """
        if len(colors) != len(self.colors):
            raise ValueError(f"{len(colors)} colours given for {len(self.colors)} slots")
        written = [
            format_color(rgb, color.alpha) for rgb, color in zip(colors, self.colors, strict=True)
        ]
        with self._lock:
            for template in self._templates:
                template.write(written)
            for gradient, stops in zip(
                self.gradients, added or [[]] * len(self.gradients), strict=True
            ):
                gradient.add(stops)
            return self._serialise()

    def _serialise(self) -> str:
        return ET.tostring(self._root, encoding="unicode") + "\n"


_DOCUMENTS: RecentlyUsed[SvgDocument] = RecentlyUsed(4)


def load_document(data: bytes) -> SvgDocument:
    """The document for these bytes, parsed once per process for the last few documents used."""
    return document_for(hashlib.sha256(data).hexdigest(), lambda: data)


def document_for(sha256: str, read: Callable[[], bytes]) -> SvgDocument:
    """The document whose bytes have this SHA-256, calling `read` for them only when not cached."""
    document = _DOCUMENTS.get(sha256)
    if document is None:
        document = SvgDocument(read())
        _DOCUMENTS.put(sha256, document)
    return document
