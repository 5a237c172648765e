"""The run's artifacts in the Prefect UI: live progress, then a results table and image previews."""

from __future__ import annotations

from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from paletteflow.models import Failure, Variation
from paletteflow.report import previews_markdown, variation_rows
from paletteflow.variations import slugify


class RunArtifacts:
    """Artifacts keyed by concept, so the UI's Artifacts page keeps each concept's history."""

    def __init__(self, concept: str, total: int) -> None:
        self.key = slugify(concept, 40)
        self.total = total
        self.finished = 0
        self.progress_id: UUID = create_progress_artifact(
            progress=0.0,
            key=f"{self.key}-progress",
            description=f"0 of {total} variations finished",
        )

    def variation_finished(self) -> None:
        self.finished += 1
        update_progress_artifact(
            self.progress_id,
            progress=100.0 * self.finished / self.total,
            description=f"{self.finished} of {self.total} variations finished",
        )

    def publish(
        self, variations: list[Variation], failures: list[Failure], manifest_location: str
    ) -> None:
        create_table_artifact(
            table=variation_rows(variations, failures),
            key=f"{self.key}-variations",
            description=f"{len(variations)} made, {len(failures)} failed; manifest {manifest_location}",
        )
        create_markdown_artifact(
            markdown=previews_markdown(variations, failures, manifest_location),
            key=f"{self.key}-previews",
            description="Palettes and images of this run",
        )
