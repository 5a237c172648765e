"""Another flow calling palette_variations as a subflow."""

import asyncio

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
)

from flows.concept_pipeline import concept_pipeline
from paletteflow.storage import Storage


async def _child_runs(parent_id):
    async with get_client() as client:
        return await client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["palette-variations"])),
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])
            ),
        )


def test_parent_flow_runs_palette_variations_as_a_subflow(
    prefect_api, memory_storage_url, logo_file
):
    state = concept_pipeline(
        str(logo_file), theme="citrus", n=2, storage=memory_storage_url, return_state=True
    )
    variations = state.result()
    assert len(variations) == 2
    assert all(Storage(memory_storage_url).exists(v["image_path"]) for v in variations)
    children = asyncio.run(_child_runs(state.state_details.flow_run_id))
    assert [child.state.is_completed() for child in children] == [True]
