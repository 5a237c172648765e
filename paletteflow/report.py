"""What a run made, as rows and markdown: the content of Prefect artifacts, built without Prefect."""

from __future__ import annotations

from urllib.parse import urlsplit

from paletteflow.models import Failure, Variation


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


def previews_markdown(
    variations: list[Variation], failures: list[Failure], manifest_location: str
) -> str:
    """Markdown with inline previews where the browser can fetch the image (http and https only)."""
    lines = [f"# {len(variations)} colourways", "", f"Manifest: {manifest_location}", ""]
    for variation in variations:
        lines.append(f"## {variation.name}")
        lines.append(" ".join(f"`{colour}`" for colour in variation.colors))
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
