"""The scheduled inbox flow: every request file in `{storage}/inbox/` becomes a palette-variations subflow."""

from __future__ import annotations

import os
import time
from typing import Annotated, Any

import httpx
from prefect import flow, get_run_logger
from prefect.exceptions import PrefectHTTPStatusError
from pydantic import BaseModel, Field

from flows.palette_variations import palette_variations
from paletteflow.inbox import DEFAULT_LEASE_SECONDS, Inbox
from paletteflow.models import DEFAULT_STORAGE, VariationRequest
from paletteflow.storage import Storage


class InboxReport(BaseModel):
    done: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(
        default_factory=list, description="Held by another run, or already finished."
    )
    deferred: list[str] = Field(
        default_factory=list,
        description="Left in the inbox because the Prefect API kept failing; the next run takes them.",
    )


# A subflow that failed because the Prefect API did (SQLite's "database is locked" is a 503, after
# the client's own retries) is run again, API_ATTEMPTS in all, waiting API_PAUSE_S times the attempt
# number between them (tests set it small), before it is deferred.
API_ATTEMPTS = 3
API_PAUSE_S = float(os.environ.get("PALETTEFLOW_API_RETRY_PAUSE_S", "5"))


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
            variations = _variations(request, name)
        except _PrefectAPIFailed as failed:
            logger.warning("request %s stays in the inbox for the next run: %s", name, failed)
            inbox.release(lease)
            report.deferred.append(name)
            continue
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
        "inbox: %d done, %d failed, %d skipped, %d deferred",
        len(report.done),
        len(report.failed),
        len(report.skipped),
        len(report.deferred),
    )
    return report


class _PrefectAPIFailed(Exception):
    """The Prefect API, not the request, failed every attempt at a request's subflow."""


def _variations(request: VariationRequest, name: str) -> list[dict[str, Any]]:
    """The request's subflow; again after a failure of the Prefect API, which is not the request's.

    An attempt after such a failure reuses what the failed one stored (its tasks
    are cached, its files content-addressed), so nothing is made twice.
    """
    attempt = 1
    while True:
        try:
            return palette_variations(request)
        except Exception as error:
            if not _is_api_failure(error):
                raise
            if attempt == API_ATTEMPTS:
                raise _PrefectAPIFailed(f"{type(error).__name__}: {error}") from error
            get_run_logger().warning(
                "request %s: the Prefect API failed (%s); attempt %d of %d in %.0f s",
                name, error, attempt + 1, API_ATTEMPTS, API_PAUSE_S * attempt,
            )  # fmt: skip
        time.sleep(API_PAUSE_S * attempt)
        attempt += 1


def _is_api_failure(error: BaseException) -> bool:
    """A 5xx or 429 from the Prefect API, or no answer from it at all."""
    if isinstance(error, PrefectHTTPStatusError):
        return error.response.status_code >= 500 or error.response.status_code == 429
    return isinstance(error, httpx.TransportError)
