"""An example of chaining on paletteflow's event: a deployment that runs whenever variations are ready.

    python -m deployments.on_variations_ready       serve it beside `paletteflow serve`

Its DeploymentEventTrigger makes the Prefect server start a run of this
deployment for every `paletteflow.variations.ready` event, with the event's
manifest location and concept as parameters. Replace the flow's body with the
next step of your own work (publish the colourways, notify a designer...).
docs/events.md describes the event and the same trigger in prefect.yaml.
"""

from __future__ import annotations

import json

import fsspec
from prefect import flow, get_run_logger, serve
from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger

from paletteflow.pipeline.events import READY

DEPLOYMENT_NAME = "on-variations-ready"

TRIGGER = DeploymentEventTrigger(
    name="run on-variations-ready when paletteflow variations are ready",
    expect={READY},
    # One run per event; "match" or "match_related" would narrow it, e.g. to one user:
    # match_related={"prefect.resource.role": "user", "prefect.resource.id": "paletteflow.user.acme"}
    parameters={
        "manifest": "{{ event.payload.manifest }}",
        "concept_id": "{{ event.payload.concept_id }}",
    },
)


@flow(name="on-variations-ready")
def on_variations_ready(manifest: str, concept_id: str) -> list[str]:
    """Read the run's manifest from its stable location and name the colourways it lists.

    The location needs the storage's credentials from the environment (s3://)
    or the same machine (file://); it never carries them itself.
    """
    with fsspec.open(manifest, "rb") as stream:
        record = json.load(stream)
    names = [variation["name"] for variation in record["variations"]]
    get_run_logger().info("%s: %d colourways ready: %s", concept_id, len(names), ", ".join(names))
    return names


def example_deployment() -> RunnerDeployment:
    return on_variations_ready.to_deployment(name=DEPLOYMENT_NAME, triggers=[TRIGGER])


if __name__ == "__main__":
    serve(example_deployment())
