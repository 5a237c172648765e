"""One fsspec-backed store for every result: local folders, memory, S3, any fsspec URL.

Callers speak in keys relative to the base ("user/concept/variations/x.png"), so
the same code and the same keys work on every backend; URLs are made here.
Every backend failure leaves as one StorageError whose text has no credentials
in it, so the CLI, the logs and the manifest can show it as it is.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import fsspec
from botocore.exceptions import NoCredentialsError, ParamValidationError, PartialCredentialsError
from fsspec.implementations.local import LocalFileSystem
from pydantic import BaseModel, ConfigDict, Field

from paletteflow.errors import InputError, StorageError, StorageRefusedError
from paletteflow.secrets import redact_url, scrub, secret_values, url_secrets

PRESIGN_EXPIRY_S = 7 * 24 * 3600
STALE_TEMPORARY_S = 3600
TEMPORARY_SUFFIX = ".part"
PROBE_KEY = ".paletteflow-probe"

# Botocore's legacy mode retries connection errors 5 times with growing sleeps, under s3fs's
# and the tasks' own retries; "standard" with 3 attempts keeps an unreachable store's error
# within seconds. SigV4 is what AWS accepts for presigned URLs (up to 7 days).
S3_CONFIG_DEFAULTS: dict[str, Any] = {
    "signature_version": "s3v4",
    "retries": {"mode": "standard", "max_attempts": 3},
}

_UNSAFE_KEY_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\%]")
_EXCLUSIVE_CREATE_LOCK = threading.Lock()
_REFUSALS = (
    PermissionError,
    FileNotFoundError,
    NoCredentialsError,
    PartialCredentialsError,
    ParamValidationError,
)


class StorageSettings(BaseModel):
    """Where results go and how they are addressed: all a task needs to open the storage.

    Credentials are not here: tasks receive these settings as parameters, which
    Prefect records, so secrets are resolved from `credentials_block` in the task.
    """

    model_config = ConfigDict(frozen=True)

    base_url: str
    options: dict[str, Any] = Field(default_factory=dict)
    credentials_block: str | None = None
    public_base_url: str | None = None
    url_expiry_s: int = PRESIGN_EXPIRY_S


class Storage:
    """A base URL plus its filesystem; writes are whole-object and never half-visible locally."""

    def __init__(
        self,
        base_url: str,
        storage_options: dict[str, Any] | None = None,
        *,
        public_base_url: str | None = None,
        url_expiry_s: int = PRESIGN_EXPIRY_S,
    ) -> None:
        self.base_url = base_url
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.url_expiry_s = url_expiry_s
        self._secrets = secret_values(storage_options or {}) | url_secrets(base_url)
        self._shown = self._say(redact_url(base_url))
        self.protocol = fsspec.core.split_protocol(base_url)[0] or "file"
        self.options = with_backend_defaults(self.protocol, storage_options or {})
        try:
            self.fs, root = fsspec.core.url_to_fs(base_url, **self.options)
        except (ImportError, ValueError, TypeError) as error:
            raise StorageError(
                f"cannot open storage {self._shown}: {self._say(str(error))}; "
                "check the storage URL and storage_options"
            ) from None
        self.root = root.rstrip("/") if root not in ("/", "") else root
        self.is_local = isinstance(self.fs, LocalFileSystem)

    @classmethod
    def from_settings(
        cls, settings: StorageSettings, credentials: dict[str, Any] | None = None
    ) -> Storage:
        return cls(
            settings.base_url,
            {**settings.options, **(credentials or {})},
            public_base_url=settings.public_base_url,
            url_expiry_s=settings.url_expiry_s,
        )

    def full_path(self, key: str) -> str:
        key = checked_key(key)
        return f"{self.root}/{key}" if self.root else key

    def write(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store bytes under key and return the key; a failure surfaces as StorageError."""
        path = self.full_path(key)
        try:
            if self.is_local:
                write_local_atomically(Path(path), data)
            else:
                self.fs.pipe_file(path, data, **self._content_type_option(content_type))
        except Exception as error:
            raise self._failure(f"could not write {key} to", error) from None
        return key

    def write_if_changed(self, key: str, data: bytes, content_type: str) -> bool:
        """Write unless these exact bytes are stored already; True when written.

        For files at fixed names (the contact sheet, the gallery) that are made
        again on every run: re-running a request then writes nothing.
        """
        if self.exists(key) and self.read(key) == data:
            return False
        self.write(key, data, content_type)
        return True

    def _content_type_option(self, content_type: str) -> dict[str, str]:
        return {"ContentType": content_type} if self.protocol in ("s3", "s3a") else {}

    def read(self, key: str) -> bytes:
        path = self.full_path(key)
        try:
            return self.fs.cat_file(path)
        except FileNotFoundError:
            raise StorageError(f"{key} is missing from {self._shown}") from None
        except Exception as error:
            raise self._failure(f"could not read {key} from", error) from None

    def exists(self, key: str) -> bool:
        return self._exists(key, f"could not look up {key} in")

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
        except Exception as error:
            if _is_precondition_failure(error):
                return False
            raise self._failure(f"could not create {key} in", error) from None
        return True

    def list(self, prefix: str) -> list[str]:
        """Keys of the objects directly under prefix, sorted, without the base."""
        try:
            entries = self.fs.ls(self.full_path(prefix), detail=True)
        except FileNotFoundError:
            return []
        except Exception as error:
            raise self._failure(f"could not list {prefix} in", error) from None
        start = len(f"{self.root}/" if self.root else "")
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
        except Exception as error:
            raise self._failure(f"could not delete {key} from", error) from None

    def probe(self) -> None:
        """One metadata request, so an unreachable or refusing store fails before any work starts."""
        self._exists(PROBE_KEY, "cannot reach storage")

    def _exists(self, key: str, action: str) -> bool:
        path = self.full_path(key)
        try:
            return bool(self.fs.exists(path))
        except Exception as error:
            raise self._failure(action, error) from None

    def url(self, key: str) -> str:
        """A URL a person or program can open: public or file:// as they are, presigned on S3."""
        if self.public_base_url or self.is_local:
            return self.location(key)
        try:
            return self.fs.sign(self.full_path(key), expiration=self.url_expiry_s)
        except NotImplementedError:
            return self.location(key)
        except Exception as error:
            raise self._failure(f"could not sign a URL for {key} in", error) from None

    def location(self, key: str) -> str:
        """A stable address without credentials, for records (manifests) that outlive presigned URLs."""
        if self.public_base_url:
            return f"{self.public_base_url}/{checked_key(key)}"
        path = self.full_path(key)
        return Path(path).resolve().as_uri() if self.is_local else self.fs.unstrip_protocol(path)

    def options_for(self, location: str) -> dict[str, Any]:
        """Options to read an input with: the storage's own when it lives on the same kind of store.

        An s3:// image beside s3:// results usually needs the same endpoint and
        credentials; an input elsewhere gets none, so they never travel to a third party.
        """
        protocol = fsspec.core.split_protocol(location)[0] or "file"
        return self.options if protocol == self.protocol else {}

    def sweep_temporaries(self, prefix: str, older_than_s: float = STALE_TEMPORARY_S) -> list[str]:
        """Delete the temporaries of local writes that died mid-way (a killed process), return their keys.

        Only temporaries untouched for `older_than_s` go, so a write in progress in
        another run is left alone. Object stores have none: a PUT is all or nothing.
        """
        if not self.is_local:
            return []
        folder = Path(self.full_path(prefix))
        cutoff = time.time() - older_than_s
        removed = []
        for temporary in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
            try:
                if temporary.is_file() and temporary.stat().st_mtime < cutoff:
                    temporary.unlink()
                    removed.append(f"{prefix}/{temporary.relative_to(folder).as_posix()}")
            except FileNotFoundError:
                continue
        return removed

    def _say(self, text: str) -> str:
        return scrub(text, self._secrets)

    def _failure(self, action: str, error: Exception) -> StorageError:
        detail = self._say(f"{type(error).__name__}: {error}")
        if isinstance(error, _REFUSALS):
            return StorageRefusedError(
                f"{action} {self._shown} ({detail}); check the bucket, credentials and permissions"
            )
        return StorageError(
            f"{action} {self._shown} ({detail}); check the storage URL, endpoint_url and network"
        )


def with_backend_defaults(protocol: str, options: dict[str, Any]) -> dict[str, Any]:
    """The caller's options over paletteflow's defaults for that backend (only S3 has any)."""
    if protocol not in ("s3", "s3a"):
        return dict(options)
    config = {**S3_CONFIG_DEFAULTS, **options.get("config_kwargs", {})}
    return {**options, "config_kwargs": config}


def checked_key(key: str) -> str:
    """Refuse any key that could climb out of the base or mean something else to a backend.

    Keys are relative, '/'-separated, with no empty, '.' or '..' part (so no
    leading '/' and no 'scheme://'), no backslash, no '%' (a backend that
    decodes it could turn '%2e%2e' into '..') and no control character.
    """
    parts = key.split("/")
    if _UNSAFE_KEY_CHARACTERS.search(key) or any(part in ("", ".", "..") for part in parts):
        raise InputError(
            f"unsafe storage key {key[:80]!r}; keys are relative paths without empty, '.' or "
            "'..' parts, backslashes, '%' or control characters"
        )
    return key


def write_local_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, flush to disk, rename: readers see no file or the whole file.

    A process killed mid-write leaves only a hidden `.<name>.<random>.part`
    temporary, which `Storage.sweep_temporaries` removes once it is stale.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _strip_protocol(name: str) -> str:
    return name.split("://", 1)[1] if "://" in name else name


def _is_precondition_failure(error: Exception) -> bool:
    """A lost conditional PUT, when the server's 412 lacks the detail s3fs maps to FileExistsError."""
    return "Precondition" in str(error)
