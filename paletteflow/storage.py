"""One fsspec-backed store for every result: local folders, memory, S3, any fsspec URL.

Callers speak in keys relative to the base ("user/concept/variations/x.png"), so
the same code and the same keys work on every backend; URLs are made here.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

from paletteflow.errors import StorageError
from paletteflow.imageio import redact_url

PRESIGN_EXPIRY_S = 7 * 24 * 3600
_EXCLUSIVE_CREATE_LOCK = threading.Lock()


class Storage:
    """A base URL plus its filesystem; writes are whole-object and never half-visible locally."""

    def __init__(self, base_url: str, storage_options: dict[str, Any] | None = None) -> None:
        self.base_url = base_url
        self._shown = redact_url(base_url)
        try:
            self.fs, root = fsspec.core.url_to_fs(base_url, **(storage_options or {}))
        except (ImportError, ValueError) as error:
            raise StorageError(f"cannot open storage {self._shown}: {error}") from None
        self.root = root.rstrip("/") if root not in ("/", "") else root
        self.is_local = isinstance(self.fs, LocalFileSystem)

    def full_path(self, key: str) -> str:
        return f"{self.root}/{key}" if self.root else key

    def write(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store bytes under key and return the key; a failure surfaces as StorageError."""
        path = self.full_path(key)
        try:
            if self.is_local:
                write_local_atomically(Path(path), data)
            else:
                self.fs.pipe_file(path, data, **self._content_type_option(content_type))
        except OSError as error:
            raise StorageError(f"could not write {key} to {self._shown}: {error}") from error
        return key

    def _content_type_option(self, content_type: str) -> dict[str, str]:
        protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        return {"ContentType": content_type} if protocol in ("s3", "s3a") else {}

    def read(self, key: str) -> bytes:
        try:
            return self.fs.cat_file(self.full_path(key))
        except FileNotFoundError:
            raise StorageError(f"{key} is missing from {self._shown}") from None
        except OSError as error:
            raise StorageError(f"could not read {key} from {self._shown}: {error}") from error

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self.full_path(key)))

    def create_exclusive(self, key: str, data: bytes) -> bool:
        """Write only if nothing is there yet; False when another writer got there first.

        Local files use O_EXCL, S3 a conditional PUT (If-None-Match: *), memory
        a check under a process-wide lock: on every backend exactly one of
        several racing writers wins, which is what claims and leases need.
        """
        path = self.full_path(key)
        try:
            if self.is_local:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            with _EXCLUSIVE_CREATE_LOCK:
                self.fs.pipe_file(path, data, mode="create")
        except FileExistsError:
            return False
        except OSError as error:
            if _is_precondition_failure(error):
                return False
            raise StorageError(f"could not create {key} in {self._shown}: {error}") from error
        return True

    def list(self, prefix: str) -> list[str]:
        """Keys of the objects directly under prefix, sorted, without the base."""
        try:
            entries = self.fs.ls(self.full_path(prefix), detail=True)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StorageError(f"could not list {prefix} in {self._shown}: {error}") from error
        start = len(self.full_path(""))
        return sorted(
            _strip_protocol(entry["name"])[start:].lstrip("/")
            for entry in entries
            if entry.get("type") == "file"
        )

    def delete(self, key: str) -> None:
        """Remove an object; one already gone is not an error, since deleting is idempotent."""
        try:
            self.fs.rm_file(self.full_path(key))
        except FileNotFoundError:
            return
        except OSError as error:
            raise StorageError(f"could not delete {key} from {self._shown}: {error}") from error

    def url(self, key: str) -> str:
        """A URL a person or program can open: file:// locally, presigned HTTPS for S3."""
        path = self.full_path(key)
        if self.is_local:
            return Path(path).resolve().as_uri()
        try:
            return self.fs.sign(path, expiration=PRESIGN_EXPIRY_S)
        except NotImplementedError:
            return self.fs.unstrip_protocol(path)


def write_local_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _strip_protocol(name: str) -> str:
    return name.split("://", 1)[1] if "://" in name else name


def _is_precondition_failure(error: OSError) -> bool:
    """A lost conditional PUT, when the server's 412 lacks the detail s3fs maps to FileExistsError."""
    return "Precondition" in str(error)
