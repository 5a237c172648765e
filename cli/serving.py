"""`serve` and `server start|status|stop`: deployments served from this process, and the local server."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.console import notice, say, user_errors
from cli.local_server import LocalServer, Status
from cli.prefect_api import apply_prefect_defaults

RUNNER_POLL_SETTING = "PREFECT_RUNNER_POLL_FREQUENCY"


def serve(
    storage: Annotated[
        str | None,
        typer.Option("--storage", help="Storage whose inbox/ the inbox deployment scans."),
    ] = None,
    inbox_cron: Annotated[
        str | None, typer.Option("--inbox-cron", help='Inbox schedule, default "*/5 * * * *".')
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Most flow runs at once, each a process; default PREFECT_RUNNER_PROCESS_LIMIT (5).",
        ),
    ] = None,
) -> None:
    """Serve the palette-variations and process-inbox deployments from this process."""
    with user_errors():
        apply_prefect_defaults()
        # A run started in the UI waits for the runner's next poll: Prefect's default is 10 s.
        os.environ.setdefault(RUNNER_POLL_SETTING, "1")
        from cli.prefect_api import settings_for_runs

        with settings_for_runs(notice, heartbeats=True, lasting=True):
            from deployments.serve import serve_all

            serve_all(storage=storage, inbox_cron=inbox_cron, limit=limit)


server_app = typer.Typer(
    no_args_is_help=True,
    help="The local Prefect server that runs report to when PREFECT_API_URL is not set.",
)


@server_app.command("start")
def server_start() -> None:
    """Start the local Prefect server (API and UI) in the background, if it is not running."""
    with user_errors():
        server = _local_server()
        if server.ensure_running():
            say(
                f"started the local Prefect server at {server.url}",
                f"log: {server.log_path}",
                "stop it with `paletteflow server stop`",
            )
        else:
            say(f"a Prefect server is already running at {server.url}")


@server_app.command("status")
def server_status() -> None:
    """Say whether the local Prefect server runs; exit code 1 when it does not."""
    with user_errors():
        server = _local_server()
        status = server.status()
        if status is Status.NONE:
            say(f"no Prefect server at {server.url}")
            raise typer.Exit(1)
        say(f"running at {server.url} ({status.value})")
        if status is Status.OURS:
            say(f"log: {server.log_path}")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server that paletteflow started."""
    with user_errors():
        server = _local_server()
        if server.stop():
            say(f"stopped the local Prefect server at {server.url}")
        elif server.answers():
            say(
                f"the Prefect server at {server.url} was not started by paletteflow; stop it where it runs"
            )
        else:
            say("no local Prefect server was running")


def _local_server() -> LocalServer:
    apply_prefect_defaults()
    from cli.prefect_api import local_server

    return local_server()
