"""A request queue in plain storage: drop a JSON file in `inbox/`, find the outcome in `done/` or `failed/`.

Nothing is lost and nothing runs twice, even with overlapping runs, because
a request is claimed by exclusively creating `processing/<name>.lease`
(O_EXCL locally, a conditional PUT on S3): exactly one run wins. The request
stays in `inbox/` until its outcome is written, so a run that dies leaves it
for the next run once the lease goes stale; outcomes are written before the
request is removed, and a request whose outcome exists is only cleaned up.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from paletteflow.errors import InputError, StorageError, first_problem
from paletteflow.models import VariationRequest
from paletteflow.storage import Storage

INBOX, PROCESSING, DONE, FAILED = "inbox", "processing", "done", "failed"
DEFAULT_LEASE_SECONDS = 3600


@dataclass(frozen=True)
class Lease:
    name: str
    token: str


class Inbox:
    def __init__(self, storage: Storage, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self.storage = storage
        self.lease_seconds = lease_seconds

    def pending(self) -> list[str]:
        """Request file names waiting in the inbox, oldest name first."""
        return [key.rsplit("/", 1)[1] for key in self.storage.list(INBOX) if key.endswith(".json")]

    def claim(self, name: str) -> Lease | None:
        """This run's lease on a request, or None when another run holds it or it is finished."""
        if self._finished(name):
            self.storage.delete(f"{INBOX}/{name}")
            return None
        lease = Lease(name=name, token=uuid.uuid4().hex)
        body = json.dumps({"token": lease.token, "claimed_at": time.time()}).encode()
        key = self._lease_key(name)
        if self.storage.create_exclusive(key, body):
            return lease
        if not self._stale(key):
            return None
        self.storage.delete(key)
        return lease if self.storage.create_exclusive(key, body) else None

    def read_request(self, name: str) -> VariationRequest:
        """Parse and validate a request; storage defaults to the inbox's own, images may be keys in it."""
        raw = self.storage.read(f"{INBOX}/{name}")
        try:
            fields = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(f"request {name} is not valid JSON ({error}); fix the file") from None
        if not isinstance(fields, dict):
            raise InputError(f"request {name} must be a JSON object with at least an 'image' field")
        fields.setdefault("storage", self.storage.base_url)
        if isinstance(fields.get("image"), str) and _is_storage_key(fields["image"]):
            fields["image"] = self.storage.fs.unstrip_protocol(
                self.storage.full_path(fields["image"])
            )
        try:
            return VariationRequest.model_validate(fields)
        except ValidationError as error:
            where, problem = first_problem(error, "request")
            raise InputError(f"request {name}: invalid {where}: {problem}") from None

    def release(self, lease: Lease) -> None:
        """Give the request back without an outcome: the next run claims it at once."""
        self.storage.delete(self._lease_key(lease.name))

    def complete(self, lease: Lease, outcome: dict[str, Any]) -> None:
        self._finish(lease, DONE, outcome)

    def fail(self, lease: Lease, outcome: dict[str, Any]) -> None:
        self._finish(lease, FAILED, outcome)

    def _finish(self, lease: Lease, folder: str, outcome: dict[str, Any]) -> None:
        """Outcome first, then the request, then the lease: a crash between steps loses nothing."""
        record = json.dumps({"request_file": lease.name, **outcome}, indent=2, default=str)
        self.storage.write(f"{folder}/{lease.name}", record.encode(), "application/json")
        self.storage.delete(f"{INBOX}/{lease.name}")
        self.storage.delete(self._lease_key(lease.name))

    def _finished(self, name: str) -> bool:
        return self.storage.exists(f"{DONE}/{name}") or self.storage.exists(f"{FAILED}/{name}")

    def _lease_key(self, name: str) -> str:
        return f"{PROCESSING}/{name}.lease"

    def _stale(self, key: str) -> bool:
        try:
            claimed_at = float(json.loads(self.storage.read(key))["claimed_at"])
        except StorageError:
            return False
        except (ValueError, KeyError, TypeError):
            return True
        return time.time() - claimed_at > self.lease_seconds


def _is_storage_key(location: str) -> bool:
    """A relative path with no scheme names an object beside the inbox, e.g. 'inbox/logo.png'."""
    return not urlsplit(location).scheme and not location.startswith("/")
