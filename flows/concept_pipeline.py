"""Two ways for another flow to get colourways of its logo.

`concept_pipeline` calls palette_variations as a subflow: it runs in the
caller's process, shares its Prefect API and storage, and needs nothing
deployed. Use it when the caller runs where the work can run.

`concept_pipeline_via_deployment` asks the served `palette-variations`
deployment to do the work with run_deployment: the work runs wherever that
deployment's worker or `paletteflow serve` runs (another machine, more
memory, Dask behind it), and the caller waits for it. Its result comes back
through Prefect's persisted results, so both sides must reach the same result
storage (the default local folder works when they share a machine; set
PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK to a shared block otherwise).
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.deployments import run_deployment

from flows.palette_variations import palette_variations
from paletteflow.errors import VariationError
from paletteflow.models import DEFAULT_STORAGE, VariationRequest

PALETTE_VARIATIONS_DEPLOYMENT = "palette-variations/palette-variations"


@flow(name="concept-pipeline")
def concept_pipeline(
    logo: str,
    theme: str = "",
    logo_description: str = "",
    n: int = 7,
    storage: str = DEFAULT_STORAGE,
) -> list[dict[str, Any]]:
    """A parent flow that makes the logo's colourways in-process, as a subflow.

    Args:
        logo: path or URL of the logo image.
        theme: theme or mood of the brand.
        logo_description: what the logo shows.
        n: how many colourways.
        storage: where results go.
    """
    return palette_variations(
        VariationRequest(
            image=logo, theme=theme, logo_description=logo_description, n=n, storage=storage
        )
    )


@flow(name="concept-pipeline-via-deployment")
def concept_pipeline_via_deployment(
    request: VariationRequest,
    deployment: str = PALETTE_VARIATIONS_DEPLOYMENT,
    timeout_seconds: float = 900,
) -> list[dict[str, Any]]:
    """A parent flow that hands a request to the served palette-variations deployment and waits.

    The request goes as it is: its image and storage must be reachable from
    where the deployment runs.

    Args:
        request: what to make, as the palette-variations flow takes it.
        deployment: the deployment to run, as flow-name/deployment-name.
        timeout_seconds: how long to wait for the run to finish.
    """
    child = run_deployment(
        name=deployment, parameters={"request": request.model_dump()}, timeout=timeout_seconds
    )
    if child.state is None or not child.state.is_completed():
        state = child.state.name if child.state else "unknown"
        raise VariationError(
            f"deployment run {child.name} ended {state}; see its logs in the Prefect UI"
        )
    return child.state.result()
