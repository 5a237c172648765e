"""Which Prefect API a CLI run reports to, and the settings the CLI runs flows with.

A PREFECT_API_URL (from the environment or the Prefect profile) always wins,
and is checked before any work so that a server that is down is one line, not
a traceback. Without one, runs go to the local server of
`cli.local_server`, started on first use. PALETTEFLOW_SERVER=temporary
asks for Prefect's own behaviour instead: a temporary server inside the
process, nothing left running, seconds of start-up on every call.

The CLI's Prefect defaults are here too (`apply_prefect_defaults`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from cli.local_server import LocalServer
from paletteflow.errors import InputError

HEARTBEAT_SETTING = "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Prefect's client-side telemetry; off, like the server's, and its first-run notice with it.
    "DO_NOT_TRACK": "1",
    # PALETTEFLOW_SERVER=temporary: a new PREFECT_HOME migrates its database first, which can
    # outlast Prefect's default wait of 20 s on a loaded machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
SERVER_MODE = "PALETTEFLOW_SERVER"
SERVER_MODES = ("local", "temporary")


def apply_prefect_defaults() -> None:
    """The defaults above, each unless the environment already sets it."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def local_server() -> LocalServer:
    """The local server for Prefect's configured PREFECT_HOME, host and port."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    return LocalServer(
        home=Path(settings.home), host=settings.server.api.host, port=settings.server.api.port
    )


def settings_for_runs(
    notice: Callable[[str], None], *, heartbeats: bool, lasting: bool = False
) -> AbstractContextManager[object]:
    """A context in which flow runs report to the right Prefect API (see the module docstring).

    `notice` is told, in one line, when a server is started for these runs.
    Without `heartbeats` the runs send no flow-run heartbeats, unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set: heartbeats let a server mark a
    run whose process died as crashed, which matters for deployment runs
    (served or on a worker); a run started from the CLI has a person at the
    terminal who sees it end, and its heartbeat thread cost the run up to a
    second at its end, waiting to be joined. One settings context for both,
    since each one rebuilds Prefect's settings. `lasting` refuses a temporary
    API: serving needs a scheduler that outlives the process.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates: dict[Any, Any] = {}
    api_url = _local_api_url(notice, lasting)
    if api_url is not None:
        updates[PREFECT_API_URL] = api_url
    if not heartbeats and HEARTBEAT_SETTING not in os.environ:
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    return temporary_settings(updates=updates) if updates else nullcontext()


def _local_api_url(notice: Callable[[str], None], lasting: bool) -> str | None:
    """The local server's API, started if need be; None when Prefect's own choice stands."""
    from prefect.settings import get_current_settings

    mode = os.environ.get(SERVER_MODE, "local")
    if mode not in SERVER_MODES:
        raise InputError(f"{SERVER_MODE}={mode!r} is not one of {', '.join(SERVER_MODES)}")
    configured = get_current_settings().api.url
    if configured:
        _check_answers(configured)
        return None
    if mode == "temporary" and lasting:
        raise InputError(
            f"serve needs a Prefect server that outlives it; unset {SERVER_MODE}=temporary "
            "or set PREFECT_API_URL (a temporary API schedules nothing and dies with the process)"
        )
    if mode == "temporary":
        return None
    server = local_server()
    if server.ensure_running():
        notice(
            f"started a local Prefect server for paletteflow runs at {server.url} (UI and API; "
            f"log {server.log_path}); it keeps running for later runs: stop it with "
            "`paletteflow server stop`"
        )
    return server.api_url


def _check_answers(api_url: str) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise InputError(
            f"no Prefect API answers at {api_url} ({type(problem).__name__}); start that server, "
            "or unset PREFECT_API_URL to let paletteflow keep a local one"
        )
