"""Keeping credentials out of everything paletteflow says: messages, logs, manifests, parameters.

Storage and image errors quote URLs and backend messages, and flow parameters
are stored by Prefect, so credentials are recognised by their option names and
removed from text before it leaves the library.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

_CREDENTIAL_NAME = re.compile(
    r"secret|token|passw|credential|connection_?string|private_?key|account_?key|username"
    r"|(^|_)key($|_)",
    re.IGNORECASE,
)
REDACTED = "***"
# Shorter values are too likely to occur in ordinary text to be replaced in it.
MIN_SECRET_LENGTH = 4


def redact_url(location: str) -> str:
    """Drop user:password from a URL so credentials never reach a message or log."""
    parts = urlsplit(location)
    if parts.password is None and parts.username is None:
        return location
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def url_secrets(location: str) -> frozenset[str]:
    """The user name and password embedded in a URL, if any."""
    parts = urlsplit(location)
    return frozenset(part for part in (parts.username, parts.password) if part)


def is_credential_name(name: str) -> bool:
    return bool(_CREDENTIAL_NAME.search(name))


def credential_option_names(options: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted names of every option, however deeply nested, whose name marks it as a credential."""
    return [name for name, _ in _credential_items(options, prefix)]


def secret_values(options: dict[str, Any]) -> frozenset[str]:
    """The credential values in storage options, to be scrubbed from any text shown."""
    return frozenset(str(value) for _, value in _credential_items(options, "") if value)


def _credential_items(options: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for name, value in options.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _credential_items(value, f"{dotted}.")
        elif is_credential_name(str(name)):
            yield dotted, value


def scrub(text: str, secrets: frozenset[str]) -> str:
    """Text on one line with every known secret value replaced, longest first so overlaps go too.

    Backend messages (botocore's) span lines; a user error must fit on one.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) < MIN_SECRET_LENGTH:
            continue
        text = text.replace(secret, REDACTED)
    return " ".join(text.split())
