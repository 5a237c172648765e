"""The scheduled inbox flow: every request file in `{storage}/inbox/` becomes a palette-variations subflow."""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow, get_run_logger
from pydantic import BaseModel, Field

from flows.palette_variations import palette_variations
from paletteflow.inbox import DEFAULT_LEASE_SECONDS, Inbox
from paletteflow.models import DEFAULT_STORAGE
from paletteflow.storage import Storage


class InboxReport(BaseModel):
    done: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(
        default_factory=list, description="Held by another run, or already finished."
    )


@flow(name="process-inbox", flow_run_name="inbox-{storage}")
def process_inbox(
    storage: Annotated[
        str, Field(description="Folder or fsspec URL holding inbox/.")
    ] = DEFAULT_STORAGE,
    storage_options: Annotated[
        dict[str, Any] | None,
        Field(description="fsspec options; credentials belong in the environment."),
    ] = None,
    max_requests: Annotated[
        int, Field(ge=1, le=1000, description="Requests handled per run.")
    ] = 20,
    lease_seconds: Annotated[
        float, Field(gt=0, description="After this long a claimed request is taken over.")
    ] = DEFAULT_LEASE_SECONDS,
) -> InboxReport:
    """Process up to `max_requests` waiting requests, one subflow each, and report what happened.

    A request that fails is moved to `failed/` with its error and does not
    stop the others; a request another run holds is left alone.
    """
    logger = get_run_logger()
    inbox = Inbox(Storage(storage, storage_options), lease_seconds=lease_seconds)
    report = InboxReport()
    for name in inbox.pending()[:max_requests]:
        lease = inbox.claim(name)
        if lease is None:
            report.skipped.append(name)
            continue
        try:
            request = inbox.read_request(name)
            variations = palette_variations(request)
        except Exception as error:
            logger.warning("request %s failed: %s", name, error)
            inbox.fail(lease, {"error": f"{type(error).__name__}: {error}"})
            report.failed.append(name)
            continue
        inbox.complete(
            lease,
            {
                "request": request.model_dump(exclude={"storage_options"}),
                "manifest_path": variations[0]["manifest_path"],
                "image_paths": [variation["image_path"] for variation in variations],
            },
        )
        report.done.append(name)
    logger.info(
        "inbox: %d done, %d failed, %d skipped",
        len(report.done),
        len(report.failed),
        len(report.skipped),
    )
    return report
