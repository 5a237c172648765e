"""How the CLI runs a flow on Prefect: its temporary API launched early, no flow-run heartbeats.

Without PREFECT_API_URL, Prefect starts a temporary API server (SQLite, in a
process of its own) the first time a flow talks to the API. To launch it, the
calling process first imports all of Prefect's server code, only for the
server process to import it again. The CLI launches that same server process
itself, with the command and environment Prefect 3 uses, as soon as it knows a
flow will run, and imports the flow while the server starts:
`/usr/bin/time paletteflow demo --quiet` took 14.9 to 15.1 s of user CPU
Prefect's way, 11.8 to 11.9 s this way. Whatever goes wrong here (the process
exits, it never answers) only sends the run back to Prefect's own start-up.

Flow-run heartbeats are dropped for the same runs: see `without_heartbeats`.

Part of the CLI, the one place in the library that imports Prefect.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import httpx

POLL_INTERVAL_S = 0.1
HEARTBEAT_SETTING = "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"


class TemporaryApi:
    """One server process for this CLI run; stopped when the process exits, as Prefect's own is."""

    def __init__(
        self, process: subprocess.Popen[bytes], url: str, startup_timeout_s: float
    ) -> None:
        self._process = process
        self.url = url
        self._startup_timeout_s = startup_timeout_s
        atexit.register(self.stop)

    @classmethod
    def launch(cls) -> TemporaryApi | None:
        """The server, starting; None when a PREFECT_API_URL is set or ephemeral mode is off."""
        import prefect
        from prefect.settings import get_current_settings

        settings = get_current_settings()
        if settings.api.url or not settings.server.ephemeral.enabled:
            return None
        port = _free_port()
        process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn",
                "--app-dir", str(prefect.__module_path__.parent),
                "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "error", "--lifespan", "on",
            ],
            env={
                **os.environ,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **settings.to_environment_variables(exclude_unset=True),
            },
        )  # fmt: skip
        return cls(
            process,
            f"http://127.0.0.1:{port}/api",
            settings.server.ephemeral.startup_timeout_seconds,
        )

    def wait_until_healthy(self) -> bool:
        """True once the API answers; False (and the process stopped) if it exits or times out."""
        deadline = time.monotonic() + self._startup_timeout_s
        with httpx.Client(timeout=2.0) as client:
            while self._process.poll() is None and time.monotonic() < deadline:
                try:
                    if client.get(f"{self.url}/health").status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(POLL_INTERVAL_S)
        self.stop()
        return False

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def start_temporary_api() -> AbstractContextManager[object]:
    """Launch the API now; the returned context waits for it and points Prefect at it.

    Do the slow imports after this call, then run the flow inside the
    returned context. With no server launched, or one that failed to start,
    the context changes nothing and Prefect starts its own.
    """
    api = TemporaryApi.launch()
    return _using(api) if api is not None else nullcontext()


@contextmanager
def _using(api: TemporaryApi) -> Iterator[None]:
    if not api.wait_until_healthy():
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api.url}):
        yield


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Run the flow without Prefect's flow-run heartbeats, unless the environment asks for them.

    Heartbeats let a server mark a run whose process died as crashed; that
    matters for deployment runs (served or on a worker), which keep them. A
    run started here has a person at the terminal who sees it end, and on the
    ephemeral API nothing would be left to watch it anyway; its heartbeat
    thread only cost the run up to a second at its end, waiting to be joined.
    Setting PREFECT_FLOWS_HEARTBEAT_FREQUENCY keeps them on.
    """
    if HEARTBEAT_SETTING in os.environ:
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
