"""Readable, safe names for files and folders: lower-case words joined by hyphens."""

from __future__ import annotations

import re


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "untitled"
