"""The gallery: one self-contained index.html per run, to look at and to share with a client.

It sits beside the manifest and links the images relatively (`base-….png`,
`variations/….png`), so the same file works opened from a folder (file://)
and served from a bucket, and no presigned URL (which can carry a session
token) is ever baked into it. The page is `templates/gallery.html.j2`; its CSS
and JS are the package files `gallery.css` and `gallery.js`, inlined, and a
Content-Security-Policy allows nothing else: no fetches, no fonts, no
third-party anything. Names and descriptions can come from an LLM, so the
template autoescapes every value, and the policy admits only the page's own
script and style, by hashes of what this render inlines, so even a missed
escape could not run code. Output depends only on the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined

from paletteflow.color import readable_ink
from paletteflow.images.io import format_label
from paletteflow.models import Failure, Manifest, Palette, Variation

GALLERY_NAME = "index.html"
MANIFEST_NAME = "manifest.json"

_TEMPLATES = Environment(
    loader=PackageLoader("paletteflow.showcase", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_gallery(manifest: Manifest) -> str:
    """The whole page for one run, from its manifest alone."""
    folder = manifest.base_image.concept_dir
    palettes = {palette.name: palette for palette in manifest.palettes}
    # The package files start on a line of their own: after this run's swatch classes, after <script>.
    style = _swatch_classes(manifest) + "\n" + _package_file("gallery.css")
    script = "\n" + _package_file("gallery.js")
    sheet = manifest.contact_sheet
    return _TEMPLATES.get_template("gallery.html.j2").render(
        title=manifest.title(),
        count_line=manifest.count_line(),
        subject=manifest.request.get("logo_description") or "the logo",
        version=manifest.paletteflow_version,
        manifest_name=MANIFEST_NAME,
        contact_sheet=_relative(sheet.path, folder) if sheet else None,
        original=_relative(manifest.base_image.path, folder),
        width=manifest.base_image.width,
        height=manifest.base_image.height,
        cards=[_card(variation, folder) for variation in manifest.variations],
        failures=[_failure(failure, palettes) for failure in manifest.failures],
        notes=manifest.notes,
        style=style,
        script=script,
        policy=_policy(style, script),
    )


def _card(variation: Variation, folder: str) -> dict[str, Any]:
    """What a variation's card shows; the download label names the format of the file it links."""
    image = _relative(variation.image_path, folder)
    return {
        "name": variation.name,
        "description": variation.description,
        "swatches": _swatches(variation),
        "src": image,
        "file_name": posixpath.basename(image),
        "format": format_label(posixpath.splitext(image)[1].removeprefix(".")),
    }


def _failure(failure: Failure, palettes: dict[str, Palette]) -> dict[str, Any]:
    """A palette that was not made: its error, and its swatches when the manifest has its colours."""
    palette = palettes.get(failure.palette)
    return {
        "name": failure.palette,
        "error": failure.error,
        "swatches": _swatches(palette) if palette else [],
    }


def _swatches(palette: Palette) -> list[tuple[str, str]]:
    """Each colour with its role ("" when it has none): a button labelled with both, copying the hex."""
    roles = {color: role for role, color in (palette.roles or {}).items()}
    return [(color, roles.get(color, "")) for color in palette.colors]


def _swatch_classes(manifest: Manifest) -> str:
    """One class per colour (background and readable label ink), since inline styles are not allowed."""
    colors = sorted({c for p in [*manifest.palettes, *manifest.variations] for c in p.colors})
    return "".join(f".s-{c[1:]}{{background:{c};color:{readable_ink(c)}}}" for c in colors)


def _policy(style: str, script: str) -> str:
    """Nothing from the network; images from the page's own folder; only this style and script run."""
    return (
        "default-src 'none'; img-src 'self' data:; "
        f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
        "base-uri 'none'; form-action 'none'"
    )


def _package_file(name: str) -> str:
    """A file beside the template, read at each render, so the hashes are always of what is inlined."""
    source, _, _ = _TEMPLATES.loader.get_source(_TEMPLATES, name)
    return source


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _relative(key: str, folder: str) -> str:
    """A key as a link relative to the page's folder, percent-encoded."""
    return quote(posixpath.relpath(key, folder))
