"""Sends the run's `paletteflow.variations.ready` or `...failed` event (see `paletteflow.pipeline.events`)."""

from __future__ import annotations

from prefect.events import emit_event

from paletteflow.models import Manifest
from paletteflow.pipeline.events import variations_event


def announce_variations(
    manifest: Manifest, manifest_path: str, manifest_location: str, min_variations: int
) -> None:
    """Queue the event; Prefect adds the flow run, flow and deployment as related resources."""
    event = variations_event(manifest, manifest_path, manifest_location, min_variations)
    emit_event(
        event=event.event, resource=event.resource, related=event.related, payload=event.payload
    )
