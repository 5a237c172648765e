"""The local Prefect server that paletteflow keeps running between CLI calls.

Every flow run reports to a Prefect API. Without PREFECT_API_URL, Prefect
starts a temporary server inside each process and stops it at exit, so every
CLI call paid for a server start (and, on a new PREFECT_HOME, for every
database migration) only to throw it away. Instead paletteflow starts Prefect's
own public command, `prefect server start`, once: detached, on 127.0.0.1,
its output in a log file under PREFECT_HOME. Later calls find it through a
small state file beside that log. It is an ordinary Prefect server with its
UI, so every run shows there, and it keeps running until
`paletteflow server stop`; the CLI says so on stderr whenever it starts one.

Only Prefect's command line and HTTP API are used here, never its private
start-up code, so an upgrade of Prefect cannot silently change what runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import httpx

from paletteflow.errors import InputError, PaletteflowError

STATE_FILE = "paletteflow-server.json"
LOG_FILE = "paletteflow-server.log"
LOCK_FILE = "paletteflow-server.lock"
# A new PREFECT_HOME runs every database migration first; a loaded machine can take minutes.
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 15.0
POLL_INTERVAL_S = 0.1
# The server's own telemetry would try to reach the internet from a machine that may be offline.
SERVER_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


class ServerStartError(PaletteflowError):
    """The local Prefect server exited or never answered while starting."""


class Status(Enum):
    """Who answers on the local server's address."""

    OURS = "started by paletteflow"
    OTHER = "a Prefect server paletteflow did not start"
    NONE = "no server"


@dataclass(frozen=True)
class LocalServer:
    """Prefect's server for one PREFECT_HOME, on Prefect's configured host and port."""

    home: Path
    host: str
    port: int

    @property
    def url(self) -> str:
        """The UI's address; the API is under /api."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def log_path(self) -> Path:
        return self.home / LOG_FILE

    def status(self) -> Status:
        if not self.answers():
            return Status.NONE
        return Status.OURS if self._recorded_pid() is not None else Status.OTHER

    def answers(self) -> bool:
        """True when a Prefect API answers its health check on this address."""
        try:
            response = httpx.get(f"{self.api_url}/health", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.text.strip() == "true"

    def ensure_running(self) -> bool:
        """Start the server unless one answers already; True when this call started it.

        A lock file serialises concurrent CLI calls, so two first runs start one
        server between them, not two fighting over the port.
        """
        with self._locked():
            if self.answers():
                return False
            self._forget()
            if not _port_is_free(self.host, self.port):
                raise InputError(
                    f"port {self.port} on {self.host} is taken by something that is not a Prefect "
                    "server; set PREFECT_SERVER_API_PORT to a free port, or PREFECT_API_URL to "
                    "your Prefect server"
                )
            self._start()
            return True

    def stop(self) -> bool:
        """Stop the server this paletteflow started; False when none was running."""
        with self._locked():
            pid = self._recorded_pid()
            self._forget()
            if pid is None:
                return False
            terminate_group(pid)
            return True

    def _start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "prefect", "server", "start",
            "--host", self.host, "--port", str(self.port),
        ]  # fmt: skip
        env = {**os.environ, **SERVER_ENV, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        with self.log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                # Its own session: no terminal hang-up or Ctrl-C of the calling shell reaches it.
                start_new_session=True,
            )
        (self.home / STATE_FILE).write_text(json.dumps({"pid": process.pid, "url": self.url}))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.answers():
            if process.poll() is not None or time.monotonic() > deadline:
                reason = (
                    f"exited with code {process.returncode}"
                    if process.returncode is not None
                    else f"did not answer within {START_TIMEOUT_S:.0f} s"
                )
                self._forget()
                terminate_group(process.pid)
                raise ServerStartError(
                    f"the local Prefect server {reason}; its log is {self.log_path}"
                )
            time.sleep(POLL_INTERVAL_S)

    def _recorded_pid(self) -> int | None:
        """The pid in the state file, if that process still lives and this is its address."""
        try:
            state = json.loads((self.home / STATE_FILE).read_text())
        except (OSError, ValueError):
            return None
        if state.get("url") != self.url or not _alive(int(state["pid"])):
            return None
        return int(state["pid"])

    def _forget(self) -> None:
        (self.home / STATE_FILE).unlink(missing_ok=True)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / LOCK_FILE).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate_group(pid: int) -> None:
    """SIGTERM to the process group `pid` leads, SIGKILL if it outlives the grace period.

    The benchmarks and tests stop the servers they start with it too.
    """
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not _group_alive(pid):
            return
        time.sleep(POLL_INTERVAL_S)
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # A zombie leader (our own unreaped child) still counts; reap it if it is ours.
    try:
        finished, _ = os.waitpid(pgid, os.WNOHANG)
    except ChildProcessError:
        return True
    return finished == 0
