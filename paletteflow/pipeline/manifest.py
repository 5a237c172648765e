"""Step 5: the run's manifest, assembled from what the steps made and stored beside the images."""

from __future__ import annotations

from pydantic import ValidationError

import paletteflow
from paletteflow.models import (
    BaseImage,
    Failure,
    Manifest,
    RunTimings,
    Variation,
    VariationRequest,
)
from paletteflow.pipeline.base_image import base_image_notes
from paletteflow.pipeline.results import GeneratedPalettes, StoredBase
from paletteflow.pipeline.variations import url_fields
from paletteflow.storage import Storage


def assemble_manifest(
    request: VariationRequest,
    stored: StoredBase,
    generated: GeneratedPalettes,
    variations: list[Variation],
    failures: list[Failure],
    timings: RunTimings,
) -> Manifest:
    """The record of one run; storage options are left out (they may name an endpoint's secrets)."""
    return Manifest(
        paletteflow_version=paletteflow.__version__,
        request=request.model_dump(exclude={"storage_options"}),
        base_image=stored.base,
        palettes=generated.palettes,
        variations=variations,
        failures=failures,
        notes=base_image_notes(stored.base),
        timings=timings,
    )


def manifest_key(base: BaseImage) -> str:
    return f"{base.concept_dir}/manifest.json"


_RUN_SPECIFIC = {"timings": True, "variations": {"__all__": {"timings", "reused"}}}


def write_manifest(storage: Storage, manifest: Manifest) -> str:
    """Store the manifest beside the images and return its URL.

    It records stable locations, whatever URLs the variations arrive with: it
    outlives presigned URLs, and they can carry a session token. A stored
    manifest that differs only in timings and reuse flags is left as it is, so
    re-running a request writes nothing.
    """
    key = manifest_key(manifest.base_image)
    record = manifest.model_copy(
        update={
            "variations": [
                variation.model_copy(update=url_fields(variation, storage.location))
                for variation in manifest.variations
            ]
        }
    )
    if not _stored_record_says_the_same(storage, key, record):
        storage.write(key, record.model_dump_json(indent=2).encode(), "application/json")
    return storage.url(key)


def _stored_record_says_the_same(storage: Storage, key: str, record: Manifest) -> bool:
    if not storage.exists(key):
        return False
    try:
        stored = Manifest.model_validate_json(storage.read(key))
    except ValidationError:
        return False
    stored_view = stored.model_dump(mode="json", exclude=_RUN_SPECIFIC)
    return stored_view == record.model_dump(mode="json", exclude=_RUN_SPECIFIC)
