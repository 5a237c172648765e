"""`recolor`: one image to the given colours, written as a PNG or lossless WebP; no Prefect."""

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
    read_image_source,
)
from paletteflow.models import Palette
from paletteflow.neutrals import parse_keep
from paletteflow.recolor import recolor_image
from paletteflow.storage import write_local_atomically


def recolor(
    image: Annotated[str, typer.Argument(help="Image path or URL.")],
    colors: Annotated[str, typer.Option("--colors", help='Comma-separated hex: "#aabbcc,#..."')],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write: a .png or .webp file.")
    ],
    strength: Annotated[float, typer.Option("--strength")] = 1.0,
    keep: KeepOption = DEFAULT_KEEP_OPTION,
) -> None:
    """Recolour one image to the given colours and write a PNG, or a lossless WebP for .webp."""
    with user_errors():
        image_format = _format_of(output)
        kept = parse_keep(keep)
        palette = Palette(name="custom", colors=[c for c in colors.split(",") if c.strip()])
        source = decode_image(read_image_source(image))
        result = recolor_image(source, palette, strength=strength, keep=kept)
        write_local_atomically(output, encode_image(result, image_format))
        out.print(f"wrote {output}", highlight=False)


def _format_of(output: Path) -> ImageFormat:
    """The output format named by the file's suffix, checked before any work is done."""
    try:
        return check_image_format(output.suffix.removeprefix("."))
    except ValueError:
        raise InputError(
            f"output {output} must end in .png or .webp; recolor writes PNG or lossless WebP"
        ) from None
