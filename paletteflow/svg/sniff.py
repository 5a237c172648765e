"""Telling an SVG from other bytes by content, whatever the file is called.

An SVG is XML whose first element is `svg` (in any namespace prefix); before
it may come a byte-order mark, an XML declaration, comments, processing
instructions and a DOCTYPE. HTML pages and other XML are not SVG, even when
they contain an `<svg>` element further in.
"""

from __future__ import annotations

import codecs
import re

# How far into the bytes the first element is looked for: prologs are short, but an editor's
# comment block can run to a few kilobytes.
SNIFF_BYTES = 64 * 1024

_PROLOG = re.compile(
    r"""\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]""",
    re.DOTALL | re.IGNORECASE,
)


def is_svg(data: bytes) -> bool:
    """Whether the bytes are an SVG document (UTF-8, or UTF-16 with its byte-order mark)."""
    head = data[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return _PROLOG.match(text) is not None
