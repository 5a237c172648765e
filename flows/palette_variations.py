"""The palette-variations flow: palettes and upload side by side, then one recolour task per palette."""

from __future__ import annotations

import os
import time
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

import paletteflow
from paletteflow.errors import VariationError
from paletteflow.models import Failure, Manifest, RunTimings, VariationRequest
from paletteflow.palettes import get_generator
from paletteflow.variations import manifest_key, slugify
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
    Palettes that fail after their retries are listed in the manifest; the
    run fails only when none succeeded.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    get_generator(request.generator)
    base_future = upload_base_image.submit(request)
    seeds_from_image = request.generator_settings.image_palettes > 0
    palettes_future = generate_palettes.submit(request, base_future if seeds_from_image else None)
    uploaded = base_future.result()
    generated = palettes_future.result()
    palettes_done = time.perf_counter()

    futures = recolor_variation.map(
        generated.value,
        base=unmapped(uploaded.value),
        storage_url=unmapped(request.storage),
        storage_options=unmapped(request.storage_options),
        strength=unmapped(request.strength),
    )
    variations, failures = [], []
    for palette, future in zip(generated.value, futures, strict=True):
        try:
            variations.append(future.result())
        except Exception as error:
            failures.append(Failure(palette=palette.name, error=f"{type(error).__name__}: {error}"))
    finished = time.perf_counter()

    manifest = Manifest(
        paletteflow_version=paletteflow.__version__,
        request=request.model_dump(exclude={"storage_options"}),
        base_image=uploaded.value,
        palettes=generated.value,
        variations=variations,
        failures=failures,
        timings=RunTimings(
            palettes_s=generated.seconds,
            upload_s=uploaded.seconds,
            variations_s=finished - palettes_done,
            total_s=finished - started,
        ),
    )
    manifest_url = write_manifest(request.storage, request.storage_options, manifest)
    logger.info(
        "%d of %d variations in %.3f s; manifest at %s",
        len(variations),
        request.n,
        time.perf_counter() - started,
        manifest_url,
    )
    if not variations:
        raise VariationError(
            f"no variation was made; first failure: {failures[0].palette}: {failures[0].error}"
        )
    manifest_path = manifest_key(uploaded.value)
    return [
        {**variation.model_dump(), "manifest_path": manifest_path, "manifest_url": manifest_url}
        for variation in variations
    ]
