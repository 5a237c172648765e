"""The `paletteflow` command: runs the flow, makes palettes, recolours one image.

Prefect is imported only by the commands that run a flow, so `palettes` and
`recolor` start fast. Expected failures print one line and exit with code 2.
A run on a terminal shows a progress bar on stderr, moved by the flow's own
reports of finished tasks; while it is up (and with --quiet) Prefect's console
log is held to CRITICAL so its lines do not tear the bar, and the failures it
would have logged appear in the table instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from paletteflow.errors import InputError, PaletteflowError
from paletteflow.exports import EXPORTERS
from paletteflow.imageio import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    ImageFormat,
    check_image_format,
    decode_image,
    encode_image,
    encode_png,
    output_format,
    read_image_source,
    sniff_format,
)
from paletteflow.local_server import LocalServer, Status
from paletteflow.models import DEFAULT_STORAGE, GeneratorSettings, Palette, VariationRequest
from paletteflow.neutrals import DEFAULT_KEEP, parse_keep
from paletteflow.palettes import check_palette_count, get_generator
from paletteflow.palettes.locks import assign_roles
from paletteflow.progress import reporting_to
from paletteflow.recolor import recolor_image
from paletteflow.sample import draw_sample_logo
from paletteflow.storage import Storage, write_local_atomically
from paletteflow.svg import is_svg
from paletteflow.svg.recolor import recolor_svg_data
from paletteflow.svg.variation import rendered
from paletteflow.terminal import TerminalProgress, location_lines, results_table
from paletteflow.variations import check_inputs

USER_ERROR = 2
DEMO_THEME = "harbor at sunset, fresh and friendly"
DEMO_LOGO = "a round badge with mountains, a rising sun and a river"

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Prefect's client-side telemetry; off, like the server's, and its first-run notice with it.
    "DO_NOT_TRACK": "1",
    # PALETTEFLOW_SERVER=temporary: a new PREFECT_HOME migrates its database first, which can
    # outlast Prefect's default wait of 20 s on a loaded machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
# Prefect's own console handler; its level can be set from the environment (logging.yml).
CONSOLE_LOG_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
RUNNER_POLL_SETTING = "PREFECT_RUNNER_POLL_FREQUENCY"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="One logo, many colourways: palettes from text, recoloured images, stored anywhere.",
)
# Swatches need 24-bit colour; a pipe or file gets plain text.
out = Console(color_system="truecolor" if sys.stdout.isatty() else None)
err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and exit code 2, with no traceback."""
    try:
        yield
    except PaletteflowError as error:
        _fail(str(error))
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        _fail(f"invalid {where}: {problem['msg'].removeprefix('Value error, ')}")


def _fail(message: str) -> NoReturn:
    err.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    raise typer.Exit(USER_ERROR)


def apply_prefect_defaults() -> None:
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _run_flow(
    request: VariationRequest, task_runner: str | None = None, dask_address: str | None = None
) -> list[dict[str, Any]]:
    apply_prefect_defaults()
    from paletteflow.prefect_api import settings_for_runs

    run_settings = settings_for_runs(_notice, heartbeats=False)
    from flows.palette_variations import palette_variations
    from flows.task_runners import make_task_runner

    flow = palette_variations
    if task_runner or dask_address:
        flow = flow.with_options(task_runner=make_task_runner(task_runner or "dask", dask_address))
    with run_settings:
        return flow(request)


def _notice(message: str) -> None:
    """A line the user must see whatever --quiet or --json say: a process was started for them."""
    err.print(Text.assemble(("note: ", "bold"), message), soft_wrap=True, highlight=False)


def _finish_run(
    request: VariationRequest, as_json: bool, quiet: bool, **runner: str | None
) -> None:
    """Run the flow, then print JSON (--json), the locations (--quiet) or the table and locations."""
    show_bar = not (as_json or quiet) and err.is_terminal
    if show_bar or quiet:
        os.environ.setdefault(CONSOLE_LOG_LEVEL, "CRITICAL")
    with TerminalProgress(err, show=show_bar) as progress, reporting_to(progress):
        variations = _run_flow(request, **runner)
    if as_json:
        sys.stdout.write(json.dumps(variations, indent=2) + "\n")
    else:
        if not quiet:
            out.print(results_table(variations, progress.failures))
        for line in location_lines(variations[0]):
            out.print(line, highlight=False, soft_wrap=True)
    if len(variations) < request.n:
        err.print(
            f"warning: {len(variations)} of {request.n} variations were made; the manifest "
            f"{variations[0]['manifest_path']} lists the failures",
            highlight=False,
            soft_wrap=True,
        )


def _parse_storage_options(pairs: list[str]) -> dict[str, Any]:
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
        help="Neutrals left as they are: black, white, grey, comma-separated, or none.",
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


def _generator_settings(
    *, locks: list[str], base_url: str | None, model: str | None, temperature: float,
    timeout: float, retries: int, fallback: bool, **more: Any,
) -> GeneratorSettings:  # fmt: skip
    return GeneratorSettings(
        locks=tuple(locks), base_url=base_url, model=model, temperature=temperature,
        read_timeout_s=timeout, max_retries=retries, fallback=fallback, **more,
    )  # fmt: skip


@app.command()
def demo(
    storage: StorageOption = DEFAULT_STORAGE,
    n: CountOption = 7,
    image_format: ImageFormatOption = "auto",
    keep: KeepOption = DEFAULT_KEEP_OPTION,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Recolour the project's own sample logo into N colourways, stored locally."""
    with user_errors(), tempfile.TemporaryDirectory(prefix="paletteflow-demo-") as folder:
        sample = Path(folder) / "sample-logo.png"
        sample.write_bytes(encode_png(draw_sample_logo()))
        request = VariationRequest(
            image=str(sample),
            theme=DEMO_THEME,
            logo_description=DEMO_LOGO,
            n=n,
            storage=storage,
            format=image_format,
            keep=keep,
        )
        _finish_run(request, as_json, quiet)


@app.command()
def run(
    image: Annotated[str, typer.Argument(help="Image path, fsspec URL or http(s) URL.")],
    theme: Annotated[str, typer.Option("--theme", help="Theme or mood of the brand.")] = "",
    logo_desc: Annotated[str, typer.Option("--logo-desc", help="What the logo shows.")] = "",
    n: CountOption = 7,
    storage: StorageOption = DEFAULT_STORAGE,
    user_id: Annotated[str, typer.Option("--user-id")] = "anonymous",
    concept_id: Annotated[str | None, typer.Option("--concept-id")] = None,
    strength: Annotated[float, typer.Option("--strength", help="0 keeps the original.")] = 1.0,
    keep: KeepOption = DEFAULT_KEEP_OPTION,
    image_format: ImageFormatOption = "auto",
    generator: GeneratorOption = "offline",
    lock: LockOption = [],  # noqa: B006 (typer reads the default, never mutates it)
    image_palettes: Annotated[
        int, typer.Option("--image-palettes", help="Palettes seeded from the image's own colours.")
    ] = 1,
    base_url: BaseUrlOption = None,
    model: ModelOption = None,
    api_key_secret: Annotated[
        str | None, typer.Option("--api-key-secret", help="Prefect Secret block with the API key.")
    ] = None,
    temperature: TemperatureOption = 0.7,
    timeout: TimeoutOption = 60.0,
    retries: RetriesOption = 3,
    fallback: FallbackOption = True,
    storage_option: Annotated[
        list[str] | None,
        typer.Option(
            "--storage-option",
            help="fsspec option KEY=VALUE, repeatable (endpoint_url=...); no credentials.",
        ),
    ] = None,
    public_base_url: Annotated[
        str | None, typer.Option("--public-base-url", help="Public URL of the storage base.")
    ] = None,
    min_variations: Annotated[
        int, typer.Option("--min-variations", help="Fail when fewer were stored.")
    ] = 1,
    max_image_bytes: Annotated[int, typer.Option("--max-image-bytes")] = DEFAULT_MAX_BYTES,
    max_image_pixels: Annotated[int, typer.Option("--max-image-pixels")] = DEFAULT_MAX_PIXELS,
    task_runner: Annotated[
        str | None, typer.Option("--task-runner", help="thread (default) or dask.")
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="An existing Dask scheduler, tcp://host:8786."),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Run the palette-variations flow on one image."""
    with user_errors():
        settings = _generator_settings(
            locks=lock, base_url=base_url, model=model, temperature=temperature, timeout=timeout,
            retries=retries, fallback=fallback, image_palettes=image_palettes,
            api_key_secret=api_key_secret,
        )  # fmt: skip
        request = VariationRequest(
            image=image,
            theme=theme,
            logo_description=logo_desc,
            n=n,
            storage=storage,
            storage_options=_parse_storage_options(storage_option or []),
            public_base_url=public_base_url,
            user_id=user_id,
            concept_id=concept_id,
            strength=strength,
            keep=keep,
            format=image_format,
            generator=generator,
            generator_settings=settings,
            min_variations=min_variations,
            max_image_bytes=max_image_bytes,
            max_image_pixels=max_image_pixels,
        )
        get_generator(generator, settings)
        assign_roles(settings.parsed_locks())
        check_inputs(request, Storage.from_settings(request.storage_settings()))
        _finish_run(request, as_json, quiet, task_runner=task_runner, dask_address=dask_address)


@app.command()
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
        settings = _generator_settings(
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
            _show_palettes(made)
        elif output is not None:
            write_local_atomically(output, EXPORTERS[chosen](made))
            err.print(f"wrote {len(made)} palettes to {output}", highlight=False, soft_wrap=True)
        elif chosen == "ase":
            raise InputError("ase is binary: write it to a file with -o palettes.ase")
        else:
            sys.stdout.write(EXPORTERS[chosen](made).decode())


def _show_palettes(made: list[Palette]) -> None:
    """One row per palette: name and checks, swatches in the palette's order with their roles."""
    table = Table(show_header=True, show_lines=True)
    table.add_column("palette")
    table.add_column("colours", no_wrap=True)
    table.add_column("description")
    for palette in made:
        failed = [name for name, ok in (palette.checks or {}).items() if not ok]
        verdict = f"fails {', '.join(failed)}" if failed else "all checks pass"
        role_of = {colour: role for role, colour in (palette.roles or {}).items()}
        labelled = [(role_of.get(colour, i), colour) for i, colour in enumerate(palette.colors, 1)]
        colours = Text()
        for label, colour in labelled:
            colours.append("   ", style=f"on {colour}").append(f" {colour} {label}\n")
        colours.rstrip()
        table.add_row(
            Text(f"{palette.name}\n{palette.source or ''}\n{verdict}"),
            colours,
            palette.description,
        )
    out.print(table)


@app.command()
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


@app.command()
def serve(
    storage: Annotated[
        str | None,
        typer.Option("--storage", help="Storage whose inbox/ the inbox deployment scans."),
    ] = None,
    inbox_cron: Annotated[
        str | None, typer.Option("--inbox-cron", help='Inbox schedule, default "*/5 * * * *".')
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Most flow runs at once, each a process; default PREFECT_RUNNER_PROCESS_LIMIT (5).",
        ),
    ] = None,
) -> None:
    """Serve the palette-variations and process-inbox deployments from this process."""
    with user_errors():
        apply_prefect_defaults()
        # A run started in the UI waits for the runner's next poll: Prefect's default is 10 s.
        os.environ.setdefault(RUNNER_POLL_SETTING, "1")
        from paletteflow.prefect_api import settings_for_runs

        with settings_for_runs(_notice, heartbeats=True, lasting=True):
            from deployments.serve import serve_all

            serve_all(storage=storage, inbox_cron=inbox_cron, limit=limit)


server_app = typer.Typer(
    no_args_is_help=True,
    help="The local Prefect server that runs report to when PREFECT_API_URL is not set.",
)
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start() -> None:
    """Start the local Prefect server (API and UI) in the background, if it is not running."""
    with user_errors():
        server = _local_server()
        if server.ensure_running():
            out.print(f"started the local Prefect server at {server.url}", highlight=False)
            out.print(f"log: {server.log_path}", highlight=False)
            out.print("stop it with `paletteflow server stop`", highlight=False)
        else:
            out.print(f"a Prefect server is already running at {server.url}", highlight=False)


@server_app.command("status")
def server_status() -> None:
    """Say whether the local Prefect server runs; exit code 1 when it does not."""
    with user_errors():
        server = _local_server()
        status = server.status()
        if status is Status.NONE:
            out.print(f"no Prefect server at {server.url}", highlight=False)
            raise typer.Exit(1)
        out.print(f"running at {server.url} ({status.value})", highlight=False)
        if status is Status.OURS:
            out.print(f"log: {server.log_path}", highlight=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server that paletteflow started."""
    with user_errors():
        server = _local_server()
        if server.stop():
            out.print(f"stopped the local Prefect server at {server.url}", highlight=False)
        elif server.answers():
            out.print(
                f"the Prefect server at {server.url} was not started by paletteflow; "
                "stop it where it runs",
                highlight=False,
            )
        else:
            out.print("no local Prefect server was running", highlight=False)


def _local_server() -> LocalServer:
    apply_prefect_defaults()
    from paletteflow.prefect_api import local_server

    return local_server()


def main() -> None:
    app()
