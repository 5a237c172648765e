"""Serve both deployments from one process, built from the same prefect.yaml that `prefect deploy` uses.

    paletteflow serve [--storage URL] [--inbox-cron "*/5 * * * *"]

Served deployments need a Prefect server that outlives them: PREFECT_API_URL's,
or the local server that `paletteflow serve` starts like `paletteflow run` does.
A temporary API runs no scheduler and dies with the process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron

PREFECT_YAML = Path(__file__).with_name("prefect.yaml")
PROJECT_ROOT = PREFECT_YAML.parent.parent


def deployment_specs(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text())["deployments"]


def build_deployments(
    storage: str | None = None, inbox_cron: str | None = None, path: Path = PREFECT_YAML
) -> list[RunnerDeployment]:
    """RunnerDeployments for every entry of prefect.yaml, with the serve-time overrides applied."""
    deployments = []
    for spec in deployment_specs(path):
        flow = load_flow_from_entrypoint(str(PROJECT_ROOT / spec["entrypoint"]))
        parameters = dict(spec.get("parameters") or {})
        schedules = [
            Cron(schedule["cron"], timezone=schedule.get("timezone", "UTC"))
            for schedule in spec.get("schedules") or []
        ]
        if spec["name"] == "process-inbox":
            if storage:
                parameters["storage"] = storage
            if inbox_cron:
                schedules = [Cron(inbox_cron, timezone="UTC")]
        deployments.append(
            flow.to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                tags=spec.get("tags"),
                parameters=parameters,
                schedules=schedules,
            )
        )
    return deployments


def serve_all(
    storage: str | None = None, inbox_cron: str | None = None, limit: int | None = None
) -> None:
    """Serve every deployment, at most `limit` flow runs at once (PREFECT_RUNNER_PROCESS_LIMIT).

    Each run is a process of its own. `prefect.serve` sets no limit unless given
    one (its runner's default of PREFECT_RUNNER_PROCESS_LIMIT applies only when
    the runner is made without it), so a burst of runs would start that many
    processes at once; the runs beyond the limit wait, Scheduled, for a slot.
    """
    from prefect.settings import get_current_settings

    limit = limit or get_current_settings().runner.process_limit
    serve(*build_deployments(storage, inbox_cron), limit=limit)
