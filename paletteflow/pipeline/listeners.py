"""What a run tells whoever watches it, as it happens: one stream of events, many listeners.

The CLI's progress bar and the run's Prefect artifacts both follow a run; the
flow reports each event once, to every listener. The CLI runs the flow in its
own process and wants a bar moved by real task completions: a Prefect
parameter cannot carry a live object (Prefect records and serialises
parameters), and log records are meant for people, so the caller installs a
listener in a context variable and the flow reports to whatever listener is
current. Without one, reports go nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Self

from paletteflow.models import Manifest


class RunListener:
    """The events of a run, in order; each does nothing here, so listeners override what they use.

    A listener is also a context manager around the run: leaving it calls `close`.
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.close()

    def close(self) -> None:
        """The run is over, or failed: finish whatever is still under way."""

    def variations_planned(self, names: list[str]) -> None:
        """The palettes are known; their variations are made next."""

    def variation_finished(self, name: str, error: str | None) -> None:
        """One variation reached its final state: stored (error None) or failed after retries."""

    def presenting(self) -> None:
        """Every variation is done; the contact sheet and gallery are being made."""

    def presented(self, manifest: Manifest, manifest_location: str) -> None:
        """The manifest, with its sheet and gallery, is stored at its stable location."""


class Broadcast(RunListener):
    """Every event to each of several listeners, in the order given."""

    def __init__(self, *listeners: RunListener) -> None:
        self.listeners = listeners

    def variations_planned(self, names: list[str]) -> None:
        for listener in self.listeners:
            listener.variations_planned(names)

    def variation_finished(self, name: str, error: str | None) -> None:
        for listener in self.listeners:
            listener.variation_finished(name, error)

    def presenting(self) -> None:
        for listener in self.listeners:
            listener.presenting()

    def presented(self, manifest: Manifest, manifest_location: str) -> None:
        for listener in self.listeners:
            listener.presented(manifest, manifest_location)


_CURRENT: ContextVar[RunListener | None] = ContextVar("paletteflow_listener", default=None)
_SILENT = RunListener()


def current_listener() -> RunListener:
    """The listener installed by the caller, or one that ignores every event."""
    return _CURRENT.get() or _SILENT


@contextmanager
def reporting_to(listener: RunListener) -> Iterator[RunListener]:
    """Send the events of runs started inside this block, in this context, to `listener`."""
    token = _CURRENT.set(listener)
    try:
        yield listener
    finally:
        _CURRENT.reset(token)
