"""The palette-variations flow: palettes and upload side by side, then one recolour task per palette."""

from __future__ import annotations

import os
import time
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner

import paletteflow
from paletteflow.errors import VariationError
from paletteflow.models import Failure, Manifest, RunTimings, Variation, VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.variations import base_image_notes, manifest_key, slugify
from tasks.palettes import generate_palettes
from tasks.recolor import recolor_variation
from tasks.storage import upload_base_image, write_manifest


def max_workers() -> int:
    """Recolour and PNG encoding release the GIL, so a thread per core plus one for I/O overlap."""
    configured = os.environ.get("PALETTEFLOW_MAX_WORKERS")
    return int(configured) if configured else (os.cpu_count() or 1) + 1


def _run_name() -> str:
    request = flow_run.parameters.get("request", {})
    fields = request if isinstance(request, dict) else request.model_dump()
    label = fields.get("concept_id") or fields.get("logo_description") or fields.get("theme")
    return f"{slugify(label or 'concept', 32)}-{fields.get('n', 7)}-palettes"


@flow(
    name="palette-variations",
    flow_run_name=_run_name,
    task_runner=ThreadPoolTaskRunner(max_workers=max_workers()),
    validate_parameters=True,
)
def palette_variations(request: VariationRequest) -> list[dict[str, Any]]:
    """Make `request.n` recoloured variations of one image and return their dicts.

    Each dict has the old service's keys (name, colors, description,
    image_path, image_url) plus roles, timings and the manifest's location.
    Palettes that fail after their retries are listed in the manifest, logged,
    and named in the run's final state message and its summary artifact; the
    run fails only when fewer than `request.min_variations` were stored. The
    flow returns a Completed state carrying the list, so callers get the list.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    get_generator(request.generator)
    storage = request.storage_settings()
    palettes_future = generate_palettes.submit(
        request.theme, request.logo_description, request.n, request.generator
    )
    base_future = upload_base_image.submit(request)
    generated = palettes_future.result()
    uploaded = base_future.result()
    palettes_done = time.perf_counter()

    futures = recolor_variation.map(
        generated.value,
        base=unmapped(uploaded.value),
        storage=unmapped(storage),
        strength=unmapped(request.strength),
    )
    variations: list[Variation] = []
    failures: list[Failure] = []
    for palette, future in zip(generated.value, futures, strict=True):
        try:
            variations.append(future.result())
        except Exception as error:
            failures.append(Failure(palette=palette.name, error=f"{type(error).__name__}: {error}"))
            logger.warning("palette %s failed after its retries: %s", palette.name, error)
    finished = time.perf_counter()

    manifest = Manifest(
        paletteflow_version=paletteflow.__version__,
        request=request.model_dump(exclude={"storage_options"}),
        base_image=uploaded.value,
        palettes=generated.value,
        variations=variations,
        failures=failures,
        notes=base_image_notes(uploaded.value),
        timings=RunTimings(
            palettes_s=generated.seconds,
            upload_s=uploaded.seconds,
            variations_s=finished - palettes_done,
            total_s=finished - started,
        ),
    )
    manifest_url = write_manifest(storage, manifest)
    manifest_path = manifest_key(uploaded.value)
    summary = _summary(len(variations), failures)
    logger.info(
        "%s in %.3f s; manifest at %s", summary, time.perf_counter() - started, manifest_path
    )
    _publish_summary(variations, failures, summary)
    if len(variations) < request.min_variations:
        raise VariationError(
            f"{summary}, fewer than the {request.min_variations} required; the manifest "
            f"{manifest_path} lists every failure"
        )
    return Completed(
        message=summary,
        data=[
            {**variation.model_dump(), "manifest_path": manifest_path, "manifest_url": manifest_url}
            for variation in variations
        ],
    )


def _summary(stored: int, failures: list[Failure]) -> str:
    line = f"{stored} of {stored + len(failures)} variations stored"
    if failures:
        first = failures[0]
        line += f"; {len(failures)} failed, first {first.palette}: {first.error}"
    return line


def _publish_summary(variations: list[Variation], failures: list[Failure], summary: str) -> None:
    """One table per run in the Prefect UI: every palette, stored, reused or failed, with why."""
    rows = [
        {
            "palette": variation.name,
            "status": "reused" if variation.reused else "stored",
            "path": variation.image_path,
        }
        for variation in variations
    ]
    rows += [{"palette": f.palette, "status": "failed", "path": f.error} for f in failures]
    create_table_artifact(table=rows, key="palette-variations", description=summary)
