"""How a run tells whoever started it in this process what has finished, as it finishes.

The CLI runs the flow in its own process and wants a progress bar moved by
real task completions. A Prefect parameter cannot carry a live object (Prefect
records and serialises parameters), and log records are meant for people, so
the caller installs a listener in a context variable and the flow reports to
whatever listener is current. Without one, reports go nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class RunProgress:
    """What a run reports, in order; each method does nothing here, so listeners override what they show."""

    def variations_planned(self, names: list[str]) -> None:
        """The palettes are known; their recolour tasks are submitted next."""

    def variation_finished(self, name: str, error: str | None) -> None:
        """One recolour task reached its final state: stored (error None) or failed after retries."""

    def presenting(self) -> None:
        """Every variation is done; the contact sheet and gallery are being made."""


_CURRENT: ContextVar[RunProgress | None] = ContextVar("paletteflow_progress", default=None)
_SILENT = RunProgress()


def current_progress() -> RunProgress:
    """The listener installed by the caller, or one that ignores every report."""
    return _CURRENT.get() or _SILENT


@contextmanager
def reporting_to(listener: RunProgress) -> Iterator[RunProgress]:
    """Send the reports of runs started inside this block, in this context, to `listener`."""
    token = _CURRENT.set(listener)
    try:
        yield listener
    finally:
        _CURRENT.reset(token)
