"""`recolor`: one image to the given colours, written as PNG, lossless WebP or (from SVG) SVG; no Prefect."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.console import out, user_errors
from cli.options import DEFAULT_KEEP_OPTION, KeepOption
from paletteflow.errors import InputError
from paletteflow.images.io import (
    ImageFormat,
    check_image_format,
    decode_image,
    encode_image,
    output_format,
    read_image_source,
    sniff_format,
)
from paletteflow.models import Palette
from paletteflow.neutrals import parse_keep
from paletteflow.pipeline.svg_variation import rendered
from paletteflow.recolor import recolor_image
from paletteflow.storage import write_local_atomically
from paletteflow.svg import is_svg
from paletteflow.svg.recolor import recolor_svg_data


def recolor(
    image: Annotated[str, typer.Argument(help="Image path or URL.")],
    colors: Annotated[str, typer.Option("--colors", help='Comma-separated hex: "#aabbcc,#..."')],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="Where to write: a .png, .webp or (for SVG) .svg file."
        ),
    ],
    strength: Annotated[float, typer.Option("--strength")] = 1.0,
    keep: KeepOption = DEFAULT_KEEP_OPTION,
) -> None:
    """Recolour one image to the given colours and write PNG, lossless WebP or (from SVG) SVG.

    An SVG is recoloured as vectors (its own colour values rewritten); a .png or
    .webp output of it is the render of the recoloured SVG.
    """
    with user_errors():
        requested = _format_of(output)
        kept = parse_keep(keep)
        palette = Palette(name="custom", colors=[c for c in colors.split(",") if c.strip()])
        data = read_image_source(image)
        if is_svg(data):
            image_format = output_format(requested, "SVG")
            text = recolor_svg_data(data, palette, strength=strength, keep=kept)
            written = text.encode() if image_format == "svg" else rendered(text, image_format)[0]
        else:
            source = decode_image(data)
            image_format = output_format(requested, sniff_format(data))
            result = recolor_image(source, palette, strength=strength, keep=kept)
            written = encode_image(result, image_format)
        write_local_atomically(output, written)
        out.print(f"wrote {output}", highlight=False)


def _format_of(output: Path) -> ImageFormat:
    """The output format named by the file's suffix, checked before any work is done."""
    try:
        return check_image_format(output.suffix.removeprefix("."))
    except ValueError:
        raise InputError(
            f"output {output} must end in .png, .webp or .svg; recolor writes PNG, lossless WebP "
            "or (from an SVG) SVG"
        ) from None
