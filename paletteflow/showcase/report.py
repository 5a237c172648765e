"""What a run made, as rows and markdown: the content of Prefect artifacts, built without Prefect."""

from __future__ import annotations

import base64
import io
from urllib.parse import urlsplit

from PIL import Image

from paletteflow.models import Failure, Variation

# Wide enough to read the palette names on a 7-palette sheet, small enough (tens of kB) to live in
# an artifact; lossy WebP, which Chromium, Firefox and Safari all show.
PICTURE_WIDTH = 720
PICTURE_QUALITY = 80


def variation_rows(variations: list[Variation], failures: list[Failure]) -> list[dict[str, str]]:
    """One row per palette, made or failed, with its per-step timings in milliseconds."""
    rows = [
        {
            "palette": variation.name,
            "colours": " ".join(variation.colors),
            "image": variation.image_url,
            "recolour ms": f"{variation.timings.recolor_s * 1000:.0f}",
            "encode ms": f"{variation.timings.encode_s * 1000:.0f}",
            "store ms": f"{variation.timings.store_s * 1000:.0f}",
            "status": "reused" if getattr(variation, "reused", False) else "made",
        }
        for variation in variations
    ]
    rows += [
        {
            "palette": failure.palette,
            "colours": "",
            "image": "",
            "recolour ms": "",
            "encode ms": "",
            "store ms": "",
            "status": f"failed: {failure.error}",
        }
        for failure in failures
    ]
    return rows


def picture_data_uri(sheet: bytes, width: int = PICTURE_WIDTH) -> str:
    """The contact sheet, shrunk to `width`, as a data: URI.

    The Prefect UI renders markdown images inline, but a browser cannot fetch
    file:// or private s3:// locations from it; a data: URI needs no fetch, so
    the run's colourways show in the UI whatever the storage.
    """
    with Image.open(io.BytesIO(sheet)) as opened:
        picture = opened.convert("RGB")
    if picture.width > width:
        height = round(picture.height * width / picture.width)
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=PICTURE_QUALITY, method=4)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode()


def previews_markdown(
    variations: list[Variation],
    failures: list[Failure],
    manifest_location: str,
    picture: str | None = None,
) -> str:
    """Markdown with the contact sheet `picture` (a URI) on top, then each palette.

    Each variation's own image is shown inline where the browser can fetch it
    (http and https only), its location otherwise.
    """
    lines = [f"# {len(variations)} colourways", "", f"Manifest: {manifest_location}", ""]
    if picture:
        lines += [f"![contact sheet of {len(variations)} colourways]({picture})", ""]
    for variation in variations:
        lines.append(f"## {variation.name}")
        lines.append(" ".join(f"`{color}`" for color in variation.colors))
        if variation.description:
            lines.append(f"\n{variation.description}")
        if urlsplit(variation.image_url).scheme in ("http", "https"):
            lines.append(f"\n![{variation.name}]({variation.image_url})")
        else:
            lines.append(f"\nImage: `{variation.image_url}`")
        lines.append("")
    if failures:
        lines.append("## Failed palettes")
        lines += [f"- {failure.palette}: {failure.error}" for failure in failures]
    return "\n".join(lines)
