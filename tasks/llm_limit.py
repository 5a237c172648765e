"""One bound on simultaneous LLM calls across every run that talks to the same Prefect API.

A Prefect global concurrency limit, `paletteflow-llm`, created on first use
with PALETTEFLOW_LLM_CONCURRENCY slots (default 4) and never changed after, so
an operator's `prefect gcl update paletteflow-llm --limit N` sticks. Offline
palettes take no slot: they cost no provider quota.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.asyncio import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

LLM_LIMIT = "paletteflow-llm"
LLM_TAG = "paletteflow-llm"


def default_llm_slots() -> int:
    return int(os.environ.get("PALETTEFLOW_LLM_CONCURRENCY", "4"))


async def ensure_llm_limit() -> None:
    async with get_client() as client:
        try:
            await client.read_global_concurrency_limit_by_name(LLM_LIMIT)
        except ObjectNotFound:
            try:
                await client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=LLM_LIMIT, limit=default_llm_slots())
                )
            except ObjectAlreadyExists:
                return


@asynccontextmanager
async def llm_slot() -> AsyncIterator[None]:
    await ensure_llm_limit()
    async with concurrency(LLM_LIMIT, occupy=1, strict=True):
        yield
