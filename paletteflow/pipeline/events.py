"""What a finished run tells the world: the event other work chains on (Prefect automations).

Prefect's own flow-run events say only that a run ended. This one says what
it made: `paletteflow.variations.ready` when at least `min_variations` were
stored, `paletteflow.variations.failed` when fewer were (the run then fails).
Its resource is the run's manifest; the concept, the user and the storage are
related resources, so an automation can match on any of them; the payload has
the manifest's location, the counts and every palette with its image's stored
location. Events are kept and shown by Prefect, so only stable locations go in,
never presigned URLs (they can carry a session token) or credentials.

Built here without Prefect; `flows/events.py` sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paletteflow.models import Manifest, StoredFile

READY = "paletteflow.variations.ready"
FAILED = "paletteflow.variations.failed"


@dataclass(frozen=True)
class VariationsEvent:
    """The arguments of `prefect.events.emit_event`, in its own shapes (resources as label dicts)."""

    event: str
    resource: dict[str, str]
    related: list[dict[str, str]]
    payload: dict[str, Any]


def variations_event(
    manifest: Manifest, manifest_path: str, manifest_location: str, min_variations: int
) -> VariationsEvent:
    """The event for a run whose manifest is stored at `manifest_location` (key `manifest_path`)."""
    storage = _storage_location(manifest_path, manifest_location)
    user, _, concept = manifest.base_image.concept_dir.rpartition("/")
    stored, failed = len(manifest.variations), len(manifest.failures)
    return VariationsEvent(
        event=READY if stored >= min_variations else FAILED,
        resource={
            "prefect.resource.id": f"paletteflow.manifest.{manifest_location}",
            "prefect.resource.name": manifest.title(),
        },
        related=[
            _related("concept", f"{user}.{concept}", concept),
            _related("user", user, user),
            _related("storage", storage, storage),
        ],
        payload={
            "manifest": manifest_location,
            "manifest_path": manifest_path,
            "storage": storage,
            "user_id": user,
            "concept_id": concept,
            "counts": {
                "palettes": len(manifest.palettes),
                "stored": stored,
                "failed": failed,
                "min_variations": min_variations,
            },
            "palettes": [
                {
                    "name": variation.name,
                    "colors": list(variation.colors),
                    "roles": dict(variation.roles or {}),
                    "image_path": variation.image_path,
                    "image": f"{storage}/{variation.image_path}",
                }
                for variation in manifest.variations
            ],
            "failures": [failure.model_dump() for failure in manifest.failures],
            "contact_sheet": _stored_location(storage, manifest.contact_sheet),
            "gallery": _stored_location(storage, manifest.gallery),
        },
    )


def _storage_location(manifest_path: str, manifest_location: str) -> str:
    """The storage base's stable location: every stored location is it, '/', then the key."""
    if not manifest_location.endswith(f"/{manifest_path}"):
        raise ValueError(f"{manifest_location!r} is not the location of key {manifest_path!r}")
    return manifest_location[: -len(manifest_path) - 1]


def _stored_location(storage: str, stored: StoredFile | None) -> str | None:
    return f"{storage}/{stored.path}" if stored is not None else None


def _related(role: str, identity: str, name: str) -> dict[str, str]:
    return {
        "prefect.resource.id": f"paletteflow.{role}.{identity}",
        "prefect.resource.role": role,
        "prefect.resource.name": name,
    }
