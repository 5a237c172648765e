"""The palette-variations flow: palettes and upload side by side, then one recolour task per palette.

Each numbered step is a task wrapping one step of `paletteflow.pipeline`; the
flow only orders them, reports each outcome once to the run's listeners (the
caller's progress bar and the run's artifacts) and says how the run ended.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.artifacts import RunArtifacts
from flows.events import announce_variations
from flows.task_runners import make_task_runner
from paletteflow.errors import InputError, VariationError
from paletteflow.images.io import output_format
from paletteflow.models import BaseImage, Failure, Palette, RunTimings, Variation, VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.pipeline.listeners import Broadcast, RunListener, current_listener
from paletteflow.pipeline.manifest import assemble_manifest, manifest_key
from paletteflow.pipeline.palettes import complete_palettes, image_palettes_missed
from paletteflow.pipeline.results import summary, variation_dicts
from paletteflow.pipeline.variations import as_reused
from paletteflow.slugs import slugify
from paletteflow.storage import Storage
from tasks.palettes import text_palettes_task
from tasks.recolor import recolor_variation
from tasks.showcase import present_variations
from tasks.storage import open_storage, upload_base_image


def _run_name() -> str:
    request = flow_run.parameters.get("request", {})
    fields = request if isinstance(request, dict) else request.model_dump()
    label = fields.get("concept_id") or fields.get("logo_description") or fields.get("theme")
    return f"{slugify(label or 'concept', 32)}-{fields.get('n', 7)}-palettes"


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
    A caller in this process hears each event of the run through the listener
    of `paletteflow.pipeline.listeners.reporting_to`.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    get_generator(request.generator)
    _check_storage_reaches_workers(request.storage)
    settings = request.storage_settings()

    # 1, 2. Store the base image (and read its colours) while the words give their palettes.
    base_future = upload_base_image.submit(request)
    text_future = text_palettes_task(request).submit(request)
    stored = base_future.result()
    # 3. Complete them with palettes seeded from the image's colours.
    if image_palettes_missed(request, stored.colors):
        logger.warning("the base image has no visible colours; no palette seeded from it")
    generated = complete_palettes(request, stored.colors, text_future.result())
    palettes_done = time.perf_counter()

    storage = open_storage(settings)
    concept = stored.base.concept_dir.rsplit("/", 1)[-1]
    manifest_path = manifest_key(stored.base)
    with RunArtifacts(concept, len(generated.palettes), storage) as artifacts:
        listeners = Broadcast(current_listener(), artifacts)
        # 4. One recolour task per palette.
        variations, failures = _recolor_all(
            request, generated.palettes, stored.base, storage, listeners
        )
        finished = time.perf_counter()
        # 5. The contact sheet, the gallery and the manifest.
        listeners.presenting()
        timings = RunTimings(
            palettes_s=generated.seconds,
            upload_s=stored.seconds,
            variations_s=finished - palettes_done,
            total_s=finished - started,
        )
        manifest = assemble_manifest(request, stored, generated, variations, failures, timings)
        manifest, manifest_url = present_variations(settings, manifest)
        listeners.presented(manifest, storage.location(manifest_path))
    announce_variations(
        manifest, manifest_path, storage.location(manifest_path), request.min_variations
    )
    outcome = summary(len(variations), failures)
    logger.info(
        "%s in %.3f s; manifest at %s", outcome, time.perf_counter() - started, manifest_path
    )
    if len(variations) < request.min_variations:
        raise VariationError(
            f"{outcome}, fewer than the {request.min_variations} required; the manifest "
            f"{manifest_path} lists every failure"
        )
    return Completed(  # type: ignore[return-value]  (Prefect hands callers the data)
        message=outcome, data=variation_dicts(manifest, manifest_path, manifest_url, storage)
    )


def _check_storage_reaches_workers(storage: str) -> None:
    """memory:// lives in one process; Dask workers in other processes would never see the base image."""
    runner = FlowRunContext.get().task_runner
    if storage.startswith("memory://") and not isinstance(runner, ThreadPoolTaskRunner):
        raise InputError(
            f"memory:// storage cannot be shared with {type(runner).__name__} workers; "
            "use a folder or s3:// storage"
        )


def _recolor_all(
    request: VariationRequest,
    palettes: list[Palette],
    base: BaseImage,
    storage: Storage,
    listeners: RunListener,
) -> tuple[list[Variation], list[Failure]]:
    """One recolour task per palette; each outcome is reported as it lands, then kept in palette order."""
    listeners.variations_planned([palette.name for palette in palettes])
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
        outcome = _outcome(future, palettes[index], request, base, storage)
        outcomes[index] = outcome
        listeners.variation_finished(
            palettes[index].name, outcome.error if isinstance(outcome, Failure) else None
        )
    ordered = [outcomes[index] for index in sorted(outcomes)]
    return (
        [outcome for outcome in ordered if isinstance(outcome, Variation)],
        [outcome for outcome in ordered if isinstance(outcome, Failure)],
    )


def _outcome(
    future: PrefectFuture[Variation],
    palette: Palette,
    request: VariationRequest,
    base: BaseImage,
    storage: Storage,
) -> Variation | Failure:
    """The variation a recolour task made or reused, or the failure it ended with."""
    try:
        variation = future.result()
    except Exception as error:
        get_run_logger().warning("palette %s failed after its retries: %s", palette.name, error)
        return Failure(palette=palette.name, error=f"{type(error).__name__}: {error}")
    if future.state.name != "Cached":
        return variation
    if storage.exists(variation.image_path):
        return as_reused(variation)
    # A cached variation whose image was since deleted from storage is made again, not reported.
    return recolor_variation.with_options(refresh_cache=True)(
        palette,
        base,
        request.storage_settings(),
        request.strength,
        output_format(request.format, base.format),
        tuple(request.keep),
    )
