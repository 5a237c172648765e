"""Error types that separate the user's mistakes from the world's.

Expected failures carry one line that names the problem and the fix; callers
(the CLI, the flow's retry condition) tell them apart by type, never by text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class PaletteflowError(Exception):
    """An expected failure whose message is fit to show a user as it is."""


class InputError(PaletteflowError):
    """The request itself is wrong; retrying cannot help, so tasks never retry it."""


class ImageInputError(InputError):
    """The base image is missing, unreadable, or outside the configured limits."""


class PaletteGenerationError(PaletteflowError):
    """A palette generator or provider failed or answered with something unusable."""


class ProviderConfigError(InputError):
    """A provider refused the request itself (bad key, model, URL or body): fix settings, don't retry."""


class VariationError(PaletteflowError):
    """No variation could be produced (out of memory, timed out, or every palette failed)."""


class StorageError(PaletteflowError):
    """The storage backend failed a read or write; it may pass, so tasks retry it."""


class StorageRefusedError(StorageError, InputError):
    """The store answers but refuses (no bucket, no credentials, access denied): retrying cannot help."""


def first_problem(error: ValidationError, whole: str) -> tuple[str, str]:
    """Where pydantic's first problem is (the field path, else `whole`) and what it is.

    One problem is enough for a one-line error; the message loses pydantic's
    "Value error, " prefix, which says nothing to a user.
    """
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or whole
    return where, problem["msg"].removeprefix("Value error, ")


def is_retryable(error: BaseException) -> bool:
    """Transient failures (I/O, provider hiccups) deserve a retry; bad input never does."""
    return not isinstance(error, InputError | ValueError | TypeError)
