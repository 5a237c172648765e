"""What the steps hand on, and what a run gives back to its caller.

Step results carry their own duration, since concurrent steps cannot be timed
by whoever waits for them; they are concrete models rather than one generic,
because a cached task result is read back from JSON and only a concrete type
restores the nested palettes as Palette objects.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from paletteflow.models import BaseImage, Failure, Manifest, Palette, StoredFile
from paletteflow.pipeline.variations import openable
from paletteflow.storage import Storage


class StoredBase(BaseModel):
    """The stored base image, the seconds its upload took, its dominant colours, and the
    number of stale temporaries of interrupted writes that were swept from its folder."""

    base: BaseImage
    seconds: float
    colors: list[str]
    swept: int = 0


class GeneratedPalettes(BaseModel):
    palettes: list[Palette]
    seconds: float


def variation_dicts(
    manifest: Manifest, manifest_path: str, manifest_url: str, storage: Storage
) -> list[dict[str, Any]]:
    """One dict per stored variation: the old service's keys, roles, timings and the run's files.

    Every `*_url` is one to open now (presigned on S3), like `image_url`; the
    manifest itself keeps stable locations.
    """
    locations = {
        "manifest_path": manifest_path,
        "manifest_url": manifest_url,
        **_openable_file("contact_sheet", manifest.contact_sheet, storage),
        **_openable_file("gallery", manifest.gallery, storage),
    }
    return [
        {**openable(variation, storage).model_dump(), **locations}
        for variation in manifest.variations
    ]


def _openable_file(
    field: str, stored: StoredFile | None, storage: Storage
) -> dict[str, str | None]:
    return {
        f"{field}_path": stored.path if stored else None,
        f"{field}_url": storage.url(stored.path) if stored else None,
    }


def summary(stored: int, failures: list[Failure]) -> str:
    """The run's one line: "5 of 7 variations stored; 2 failed, first Vivid Tide: ..."."""
    line = f"{stored} of {stored + len(failures)} variations stored"
    if failures:
        first = failures[0]
        line += f"; {len(failures)} failed, first {first.palette}: {first.error}"
    return line
