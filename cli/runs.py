"""`run` and `demo`: the palette-variations flow on one image, reported to a Prefect API.

Prefect is imported only once a flow is about to run, so every mistake that
can be found first is a one-line error before any Prefect start-up. A run on a
terminal shows a progress bar on stderr, moved by the flow's own reports of
finished tasks; while it is up (and with --quiet) Prefect's console log is held
to CRITICAL so its lines do not tear the bar, and the failures it would have
logged appear in the table instead.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.console import err, notice, out, user_errors
from cli.options import (
    DEFAULT_KEEP_OPTION,
    BaseUrlOption,
    CountOption,
    FallbackOption,
    GeneratorOption,
    ImageFormatOption,
    JsonOption,
    KeepOption,
    LockOption,
    ModelOption,
    QuietOption,
    RetriesOption,
    StorageOption,
    TemperatureOption,
    TimeoutOption,
    generator_settings,
    parse_storage_options,
)
from cli.prefect_api import apply_prefect_defaults
from cli.terminal import TerminalProgress, location_lines, results_table
from paletteflow.images.io import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, encode_png
from paletteflow.images.sample import DEMO_LOGO, DEMO_THEME, draw_sample_logo
from paletteflow.models import DEFAULT_STORAGE, VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.palettes.locks import assign_roles
from paletteflow.pipeline.base_image import check_inputs
from paletteflow.pipeline.listeners import reporting_to
from paletteflow.storage import Storage

# Prefect's own console handler; its level can be set from the environment (logging.yml).
CONSOLE_LOG_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


def run_flow(
    request: VariationRequest, task_runner: str | None = None, dask_address: str | None = None
) -> list[dict[str, Any]]:
    apply_prefect_defaults()
    from cli.prefect_api import settings_for_runs

    run_settings = settings_for_runs(notice, heartbeats=False)
    from flows.palette_variations import palette_variations
    from flows.task_runners import make_task_runner

    flow = palette_variations
    if task_runner or dask_address:
        flow = flow.with_options(task_runner=make_task_runner(task_runner or "dask", dask_address))
    with run_settings:
        return flow(request)


def finish_run(request: VariationRequest, as_json: bool, quiet: bool, **runner: str | None) -> None:
    """Run the flow, then print JSON (--json), the locations (--quiet) or the table and locations."""
    show_bar = not (as_json or quiet) and err.is_terminal
    if show_bar or quiet:
        os.environ.setdefault(CONSOLE_LOG_LEVEL, "CRITICAL")
    with TerminalProgress(err, show=show_bar) as progress, reporting_to(progress):
        variations = run_flow(request, **runner)
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


def demo(
    storage: StorageOption = DEFAULT_STORAGE,
    n: CountOption = 7,
    image_format: ImageFormatOption = "auto",
    keep: KeepOption = DEFAULT_KEEP_OPTION,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Recolour the project's own sample logo into N colourways, stored locally."""
    with tempfile.TemporaryDirectory(prefix="paletteflow-demo-") as folder:
        sample = Path(folder) / "sample-logo.png"
        sample.write_bytes(encode_png(draw_sample_logo()))
        run(
            str(sample), theme=DEMO_THEME, logo_desc=DEMO_LOGO, n=n, storage=storage,
            image_format=image_format, keep=keep, as_json=as_json, quiet=quiet,
        )  # fmt: skip


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
        settings = generator_settings(
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
            storage_options=parse_storage_options(storage_option or []),
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
        finish_run(request, as_json, quiet, task_runner=task_runner, dask_address=dask_address)
