"""The palette-variations flow: palettes and upload side by side, then one recolour task per palette."""

from __future__ import annotations

import time
from logging import Logger, LoggerAdapter
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner

import paletteflow
from flows.artifacts import RunArtifacts
from flows.events import announce_variations
from flows.task_runners import make_task_runner
from paletteflow.errors import InputError, VariationError
from paletteflow.imageio import output_format
from paletteflow.models import (
    BaseImage,
    Failure,
    Manifest,
    Palette,
    RunTimings,
    StoredFile,
    Variation,
    VariationRequest,
)
from paletteflow.palettes import get_generator
from paletteflow.progress import current_progress
from paletteflow.storage import Storage, StorageSettings
from paletteflow.variations import as_reused, base_image_notes, manifest_key, openable, slugify
from tasks.palettes import add_image_palettes, text_palettes_task
from tasks.recolor import recolor_variation
from tasks.showcase import present_variations
from tasks.storage import open_storage, upload_base_image


def _run_name() -> str:
    request = flow_run.parameters.get("request", {})
    fields = request if isinstance(request, dict) else request.model_dump()
    label = fields.get("concept_id") or fields.get("logo_description") or fields.get("theme")
    return f"{slugify(label or 'concept', 32)}-{fields.get('n', 7)}-palettes"


def _check_storage_reaches_workers(storage: str) -> None:
    """memory:// lives in one process; Dask workers in other processes would never see the base image."""
    runner = FlowRunContext.get().task_runner
    if storage.startswith("memory://") and not isinstance(runner, ThreadPoolTaskRunner):
        raise InputError(
            f"memory:// storage cannot be shared with {type(runner).__name__} workers; "
            "use a folder or s3:// storage"
        )


def _reuse_or_remake(
    variation: Variation,
    storage: Storage,
    palette: Palette,
    request: VariationRequest,
    base: BaseImage,
) -> Variation:
    """A cached variation whose image was since deleted from storage is made again, not reported."""
    if storage.exists(variation.image_path):
        return as_reused(variation)
    return recolor_variation.with_options(refresh_cache=True)(
        palette,
        base,
        request.storage_settings(),
        request.strength,
        output_format(request.format, base.format),
        tuple(request.keep),
    )


@flow(
    name="palette-variations",
    flow_run_name=_run_name,
    task_runner=make_task_runner(),
    validate_parameters=True,
    persist_result=True,
    result_serializer="json",
)
def palette_variations(request: VariationRequest) -> list[dict[str, Any]]:
    """Make `request.n` recoloured variations of one image and return their dicts.

    Each dict has the old service's keys (name, colors, description,
    image_path, image_url) plus roles, timings and the locations of the
    manifest, the contact sheet and the gallery (None when one could not be
    made: a note in the manifest says why, and the variations are kept).
    Palettes that fail after their retries are listed in the manifest, logged,
    named in the run's final state message and in the results artifact; the
    run fails only when fewer than `request.min_variations` were stored. The
    flow returns a Completed state carrying the list, so callers get the list.
    A caller in this process sees each variation finish through the listener
    of `paletteflow.progress.reporting_to`.
    """
    logger = get_run_logger()
    progress = current_progress()
    started = time.perf_counter()
    get_generator(request.generator)
    _check_storage_reaches_workers(request.storage)
    settings: StorageSettings = request.storage_settings()
    base_future = upload_base_image.submit(request)
    text_palettes = text_palettes_task(request).submit(request)
    uploaded = base_future.result()
    generated = add_image_palettes(request, uploaded.colours, text_palettes.result())
    palettes_done = time.perf_counter()

    storage = open_storage(settings)
    manifest_path = manifest_key(uploaded.base)
    concept = uploaded.base.concept_dir.rsplit("/", 1)[-1]
    with RunArtifacts(concept, len(generated.palettes)) as artifacts:
        variations, failures = _recolour_all(
            request, generated.palettes, uploaded.base, storage, artifacts, logger
        )
        finished = time.perf_counter()
        progress.presenting()
        manifest = Manifest(
            paletteflow_version=paletteflow.__version__,
            request=request.model_dump(exclude={"storage_options"}),
            base_image=uploaded.base,
            palettes=generated.palettes,
            variations=variations,
            failures=failures,
            notes=base_image_notes(uploaded.base),
            timings=RunTimings(
                palettes_s=generated.seconds,
                upload_s=uploaded.seconds,
                variations_s=finished - palettes_done,
                total_s=finished - started,
            ),
        )
        manifest, manifest_url = present_variations(settings, manifest)
        artifacts.publish(
            variations, failures, storage.location(manifest_path), storage, manifest.contact_sheet
        )
    announce_variations(
        manifest, manifest_path, storage.location(manifest_path), request.min_variations
    )
    summary = _summary(len(variations), failures)
    logger.info(
        "%s in %.3f s; manifest at %s", summary, time.perf_counter() - started, manifest_path
    )
    if len(variations) < request.min_variations:
        raise VariationError(
            f"{summary}, fewer than the {request.min_variations} required; the manifest "
            f"{manifest_path} lists every failure"
        )
    locations = {
        "manifest_path": manifest_path,
        "manifest_url": manifest_url,
        **_openable_file("contact_sheet", manifest.contact_sheet, storage),
        **_openable_file("gallery", manifest.gallery, storage),
    }
    return Completed(
        message=summary,
        data=[
            {**openable(variation, storage).model_dump(), **locations} for variation in variations
        ],
    )


def _recolour_all(
    request: VariationRequest,
    palettes: list[Palette],
    base: BaseImage,
    storage: Storage,
    artifacts: RunArtifacts,
    logger: Logger | LoggerAdapter,
) -> tuple[list[Variation], list[Failure]]:
    """One recolour task per palette; each outcome is reported as it lands, then kept in palette order."""
    progress = current_progress()
    progress.variations_planned([palette.name for palette in palettes])
    futures = recolor_variation.map(
        palettes,
        base=unmapped(base),
        storage=unmapped(request.storage_settings()),
        strength=unmapped(request.strength),
        image_format=unmapped(output_format(request.format, base.format)),
        keep=unmapped(tuple(request.keep)),
    )
    position = {future.task_run_id: index for index, future in enumerate(futures)}
    outcomes: dict[int, Variation | Failure] = {}
    for future in as_completed(futures):
        index = position[future.task_run_id]
        palette = palettes[index]
        try:
            variation = future.result()
        except Exception as error:
            outcomes[index] = Failure(
                palette=palette.name, error=f"{type(error).__name__}: {error}"
            )
            logger.warning("palette %s failed after its retries: %s", palette.name, error)
        else:
            if future.state.name == "Cached":
                variation = _reuse_or_remake(variation, storage, palette, request, base)
            outcomes[index] = variation
        artifacts.variation_finished()
        outcome = outcomes[index]
        progress.variation_finished(
            palette.name, outcome.error if isinstance(outcome, Failure) else None
        )
    ordered = [outcomes[index] for index in sorted(outcomes)]
    return (
        [outcome for outcome in ordered if isinstance(outcome, Variation)],
        [outcome for outcome in ordered if isinstance(outcome, Failure)],
    )


def _openable_file(
    field: str, stored: StoredFile | None, storage: Storage
) -> dict[str, str | None]:
    """`<field>_path` and `<field>_url` for the flow's result: a URL to open now, like image_url."""
    return {
        f"{field}_path": stored.path if stored else None,
        f"{field}_url": storage.url(stored.path) if stored else None,
    }


def _summary(stored: int, failures: list[Failure]) -> str:
    line = f"{stored} of {stored + len(failures)} variations stored"
    if failures:
        first = failures[0]
        line += f"; {len(failures)} failed, first {first.palette}: {first.error}"
    return line
