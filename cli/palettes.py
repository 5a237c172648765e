"""`palettes`: palettes from text alone, shown as a table or exported; no image, no Prefect."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.console import err, out, user_errors
from cli.options import (
    BaseUrlOption,
    CountOption,
    FallbackOption,
    GeneratorOption,
    JsonOption,
    LockOption,
    ModelOption,
    RetriesOption,
    TemperatureOption,
    TimeoutOption,
    generator_settings,
)
from cli.terminal import palettes_table
from paletteflow.errors import InputError
from paletteflow.palettes import check_palette_count, get_generator
from paletteflow.palettes.exports import EXPORTERS
from paletteflow.storage import write_local_atomically


def palettes(
    theme: Annotated[str, typer.Argument(help="Theme or mood of the brand.")],
    logo_desc: Annotated[str, typer.Option("--logo-desc", help="What the logo shows.")] = "",
    n: CountOption = 7,
    generator: GeneratorOption = "offline",
    lock: LockOption = [],  # noqa: B006 (typer reads the default, never mutates it)
    base_url: BaseUrlOption = None,
    model: ModelOption = None,
    temperature: TemperatureOption = 0.7,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
    fallback: FallbackOption = True,
    as_json: JsonOption = False,
    export_format: Annotated[
        str | None, typer.Option("--format", help="Export as json, css, gpl (GIMP) or ase (Adobe).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the export to this file.")
    ] = None,
) -> None:
    """Make palettes from text, without images or Prefect."""
    with user_errors():
        settings = generator_settings(
            locks=lock, base_url=base_url, model=model, temperature=temperature, timeout=timeout,
            retries=retries, fallback=fallback,
        )  # fmt: skip
        chosen = "json" if as_json and export_format is None else export_format
        if chosen is not None and chosen not in EXPORTERS:
            raise InputError(f"unknown format {chosen!r}; use one of {', '.join(EXPORTERS)}")
        if output is not None and chosen is None:
            raise InputError("-o needs --format (json, css, gpl or ase)")
        made = asyncio.run(
            get_generator(generator, settings).generate(theme, logo_desc, check_palette_count(n))
        )
        if chosen is None:
            out.print(palettes_table(made))
        elif output is not None:
            write_local_atomically(output, EXPORTERS[chosen](made))
            err.print(f"wrote {len(made)} palettes to {output}", highlight=False, soft_wrap=True)
        elif chosen == "ase":
            raise InputError("ase is binary: write it to a file with -o palettes.ase")
        else:
            sys.stdout.write(EXPORTERS[chosen](made).decode())
