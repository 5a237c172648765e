"""The gallery: one self-contained index.html per run, to look at and to share with a client.

It sits beside the manifest and links the images relatively (`base-….png`,
`variations/….png`), so the same file works opened from a folder (file://)
and served from a bucket, and no presigned URL (which can carry a session
token) is ever baked into it. CSS and JS are inline and a Content-Security-
Policy allows nothing else: no fetches, no fonts, no third-party anything.
Names and descriptions can come from an LLM, so every text is escaped, and
the policy admits only the page's own script and style, by hash, so even a
missed escape could not run code. Output depends only on the manifest.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from html import escape
from urllib.parse import quote

from paletteflow.color import readable_ink
from paletteflow.models import BaseImage, Failure, Manifest, Palette, Variation

GALLERY_NAME = "index.html"
MANIFEST_NAME = "manifest.json"

_STYLE = """
:root{color-scheme:light;--ink:#1c1c1c;--muted:#4f4f4f;--ground:#f6f5f1;--card:#fff;--edge:#d6d2c9;
--link:#0b4fa8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--ground)}
header,main,footer{max-width:1400px;margin:0 auto;padding:0 24px}
header{padding-top:28px}
h1{font-size:1.75rem;line-height:1.25;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:32px 0 12px}
h3{font-size:1.05rem;margin:12px 0 4px;overflow-wrap:anywhere}
p{margin:0 0 8px}
.meta,.description,footer{color:var(--muted)}
.description{overflow-wrap:anywhere}
a{color:var(--link)}
img{display:block;max-width:100%;height:auto;margin:0 auto}
.ground{background-color:#fff;background-image:linear-gradient(45deg,#e2e2e2 25%,transparent 25%,
transparent 75%,#e2e2e2 75%),linear-gradient(45deg,#e2e2e2 25%,transparent 25%,transparent 75%,
#e2e2e2 75%);background-size:20px 20px;background-position:0 0,10px 10px;border-radius:6px}
.original .ground{max-width:360px;margin:0}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:20px;
grid-template-columns:repeat(auto-fill,minmax(280px,1fr))}
.card{background:var(--card);border:1px solid var(--edge);border-radius:10px;padding:14px;height:100%;
display:flex;flex-direction:column}
.swatches{list-style:none;margin:8px 0 12px;padding:0;display:grid;gap:6px;
grid-template-columns:repeat(auto-fill,minmax(82px,1fr))}
.swatch{width:100%;min-height:58px;border:1px solid rgba(0,0,0,.25);border-radius:6px;padding:6px 4px;
font:600 .9rem/1.2 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;cursor:pointer;
display:flex;flex-direction:column;align-items:center;justify-content:center;gap:2px}
.swatch .role{font:400 .75rem/1.2 system-ui,sans-serif}
.swatch:focus-visible,a:focus-visible{outline:3px solid #111;outline-offset:3px;
box-shadow:0 0 0 3px #fff}
.swatch[data-copied=true]::after{content:"copied";font:400 .7rem/1 system-ui,sans-serif}
.download{margin-top:auto;font-weight:600}
.failures li,.notes li{margin-bottom:12px}
.status{position:fixed;bottom:16px;left:50%;transform:translateX(-50%);margin:0;padding:8px 16px;
border-radius:8px;background:#1c1c1c;color:#fff}
.status:empty{display:none}
.offscreen{position:fixed;top:-1000px;left:-1000px;opacity:0}
footer{padding-bottom:64px;margin-top:32px}
"""

_SCRIPT = """
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }
  function show(button, hex, copied) {
    var swatches = document.querySelectorAll("button.swatch[data-copied]");
    for (var i = 0; i < swatches.length; i++) { swatches[i].removeAttribute("data-copied"); }
    button.setAttribute("data-copied", copied ? "true" : "false");
    document.body.setAttribute("data-copied", copied ? hex : "");
    status.textContent = copied ? "Copied " + hex : "Could not copy; the colour is " + hex;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.swatch");
    if (!button) { return; }
    var hex = button.getAttribute("data-hex");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(hex).then(
        function () { show(button, hex, true); },
        function () { show(button, hex, copyWithSelection(hex)); }
      );
    } else {
      show(button, hex, copyWithSelection(hex));
    }
  });
})();
"""


def render_gallery(manifest: Manifest) -> str:
    """The whole page for one run, from its manifest alone."""
    folder = manifest.base_image.concept_dir
    title = manifest.title()
    subject = manifest.request.get("logo_description") or "the logo"
    palettes = {palette.name: palette for palette in manifest.palettes}
    style = _swatch_classes(manifest) + _STYLE
    made = len(manifest.variations)
    links = [f'<a href="{MANIFEST_NAME}">Manifest (JSON)</a>']
    if manifest.contact_sheet:
        sheet = _relative(manifest.contact_sheet.path, folder)
        links.insert(0, f'<a href="{sheet}">Contact sheet (PNG)</a>')
    base = manifest.base_image
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_policy(style)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(title)} · colourways</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(manifest.count_line())}</p>',
        f'<p class="meta">{" · ".join(links)}</p>',
        "</header>",
        "<main>",
        '<section class="original" aria-labelledby="original-title">',
        '<h2 id="original-title">Original</h2>',
        f'<div class="ground"><img src="{_relative(base.path, folder)}" '
        f'alt="The original image: {_e(subject)}" width="{base.width}" height="{base.height}"></div>',
        "</section>",
        '<section aria-labelledby="variations-title">',
        f'<h2 id="variations-title">Colourways ({made})</h2>',
        '<ul class="cards">',
        *(
            _card(number, v, subject, folder, base)
            for number, v in enumerate(manifest.variations, 1)
        ),
        "</ul>",
        "</section>",
        *_failures(manifest.failures, palettes),
        *_notes(manifest.notes),
        "</main>",
        f"<footer>Made by paletteflow {_e(manifest.paletteflow_version)}.</footer>",
        '<p id="copy-status" class="status" role="status" aria-live="polite"></p>',
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _card(number: int, variation: Variation, subject: str, folder: str, base: BaseImage) -> str:
    image = _relative(variation.image_path, folder)
    name = _e(variation.name)
    return "\n".join(
        [
            f'<li><article class="card" aria-labelledby="card-{number}">',
            f'<div class="ground"><img src="{image}" alt="{_e(subject)} in the {name} colourway" '
            f'width="{base.width}" height="{base.height}"></div>',
            f'<h3 id="card-{number}">{name}</h3>',
            f'<p class="description">{_e(variation.description)}</p>'
            if variation.description
            else "",
            _swatches(variation),
            f'<a class="download" href="{image}" download="{posixpath.basename(image)}">'
            f"Download {posixpath.splitext(image)[1][1:].upper()}"
            f'<span class="offscreen"> of {name}</span></a>',
            "</article></li>",
        ]
    )


def _swatches(palette: Palette) -> str:
    """One button per colour: focusable, labelled with its hex and role, copies its hex when pressed."""
    roles = {colour: role for role, colour in (palette.roles or {}).items()}
    buttons = []
    for colour in palette.colors:
        role = roles.get(colour, "")
        label = f"Copy {colour}" + (f", {role}" if role else "")
        role_text = f'<span class="role">{_e(role)}</span>' if role else ""
        buttons.append(
            f'<li><button type="button" class="swatch s-{colour[1:]}" data-hex="{colour}" '
            f'aria-label="{_e(label)}">{colour}{role_text}</button></li>'
        )
    return (
        f'<ul class="swatches" aria-label="Colours of {_e(palette.name)}">{"".join(buttons)}</ul>'
    )


def _failures(failures: list[Failure], palettes: dict[str, Palette]) -> list[str]:
    if not failures:
        return []
    items = []
    for failure in failures:
        palette = palettes.get(failure.palette)
        items.append(
            f'<li class="failure"><strong>{_e(failure.palette)}</strong>: {_e(failure.error)}'
            + (_swatches(palette) if palette else "")
            + "</li>"
        )
    return [
        '<section class="failures" aria-labelledby="failures-title">',
        f'<h2 id="failures-title">Not made ({len(failures)})</h2>',
        f"<ul>{''.join(items)}</ul>",
        "</section>",
    ]


def _notes(notes: list[str]) -> list[str]:
    if not notes:
        return []
    return [
        '<section class="notes" aria-labelledby="notes-title">',
        '<h2 id="notes-title">Notes</h2>',
        f"<ul>{''.join(f'<li>{_e(note)}</li>' for note in notes)}</ul>",
        "</section>",
    ]


def _swatch_classes(manifest: Manifest) -> str:
    """One class per colour (background and readable label ink), since inline styles are not allowed."""
    colours = sorted({c for p in [*manifest.palettes, *manifest.variations] for c in p.colors})
    return "".join(f".s-{c[1:]}{{background:{c};color:{readable_ink(c)}}}" for c in colours)


def _policy(style: str) -> str:
    """Nothing from the network; images from the page's own folder; only this style and script run."""
    return (
        "default-src 'none'; img-src 'self' data:; "
        f"style-src '{_sha256(style)}'; script-src '{_sha256(_SCRIPT)}'; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _relative(key: str, folder: str) -> str:
    """A key as a link relative to the page's folder, percent-encoded."""
    return quote(posixpath.relpath(key, folder))


def _e(text: str) -> str:
    return escape(str(text), quote=True)
