"""The options several commands share, and the settings they build."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from paletteflow.errors import InputError
from paletteflow.models import GeneratorSettings
from paletteflow.neutrals import DEFAULT_KEEP


def parse_storage_options(pairs: list[str]) -> dict[str, Any]:
    """KEY=VALUE pairs; a VALUE that parses as JSON (numbers, objects) is taken as JSON."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise InputError(f"--storage-option {pair!r} is not KEY=VALUE; e.g. endpoint_url=...")
        try:
            options[name] = json.loads(value)
        except json.JSONDecodeError:
            options[name] = value
    return options


StorageOption = Annotated[
    str,
    typer.Option("--storage", help="Local folder or fsspec URL for results."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress, table or Prefect log lines: print only the contact sheet, gallery and "
        "manifest locations (or the JSON, with --json).",
    ),
]
CountOption = Annotated[int, typer.Option("-n", "--n", help="How many palettes (1-20).")]
ImageFormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help="File format of the variations: png, webp (lossless and smaller), svg, or auto "
        "(svg for an SVG image, else png).",
    ),
]
KeepOption = Annotated[
    str,
    typer.Option(
        "--keep",
        help="Neutrals left as they are: black, white, grey, comma-separated; auto (black unless "
        "the palette has a dark colour to draw it, the default); or none.",
    ),
]
DEFAULT_KEEP_OPTION = ",".join(DEFAULT_KEEP)
GeneratorOption = Annotated[
    str, typer.Option("--generator", help="Palette generator: offline, openai or jigsawstack.")
]
LockOption = Annotated[
    list[str],
    typer.Option(
        "--lock", help='Keep a colour in every palette: "#1a73e8" or "primary=#1a73e8"; repeatable.'
    ),
]
BaseUrlOption = Annotated[
    str | None, typer.Option("--base-url", help="Provider API base URL (openai, jigsawstack).")
]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="Model for OpenAI-compatible APIs.")
]
TemperatureOption = Annotated[
    float, typer.Option("--temperature", help="Provider sampling temperature.")
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Provider read timeout, seconds.")]
RetriesOption = Annotated[
    int, typer.Option("--retries", help="Provider retries on 429, 5xx and errors.")
]
FallbackOption = Annotated[
    bool,
    typer.Option(
        "--fallback/--no-fallback", help="Fill up from offline when a provider gives too few."
    ),
]


def generator_settings(
    *, locks: list[str], base_url: str | None, model: str | None, temperature: float,
    timeout: float, retries: int, fallback: bool, **more: Any,
) -> GeneratorSettings:  # fmt: skip
    return GeneratorSettings(
        locks=tuple(locks), base_url=base_url, model=model, temperature=temperature,
        read_timeout_s=timeout, max_retries=retries, fallback=fallback, **more,
    )  # fmt: skip
