"""Every deployment in prefect.yaml builds, with valid schedules and parameters, as serve builds it."""

import subprocess
import sys
from pathlib import Path

import pytest
from prefect.exceptions import ParameterTypeError
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema

from deployments.serve import PROJECT_ROOT, build_deployments, deployment_specs
from paletteflow.models import GENERATOR_NAMES
from paletteflow.palettes import GENERATORS


def test_prefect_yaml_names_the_two_deployments():
    specs = {spec["name"]: spec for spec in deployment_specs()}
    assert set(specs) == {"palette-variations", "process-inbox"}
    assert not specs["palette-variations"].get("schedules")
    assert specs["process-inbox"]["schedules"][0]["cron"] == "*/5 * * * *"


MINIMAL_RUN = {"palette-variations": {"request": {"image": "logo.png"}}, "process-inbox": {}}


@pytest.mark.parametrize("spec", deployment_specs(), ids=lambda spec: spec["name"])
def test_each_entry_builds_and_a_minimal_run_validates(spec):
    flow = load_flow_from_entrypoint(str(PROJECT_ROOT / spec["entrypoint"]))
    deployment = flow.to_deployment(name=spec["name"], parameters=spec.get("parameters") or {})
    assert deployment.entrypoint == spec["entrypoint"]
    flow.validate_parameters({**(spec.get("parameters") or {}), **MINIMAL_RUN[spec["name"]]})


def test_the_ui_form_carries_descriptions_and_bounds():
    flow = load_flow_from_entrypoint(
        str(PROJECT_ROOT / "flows/palette_variations.py:palette_variations")
    )
    form = parameter_schema(flow).model_dump()
    request = form["definitions"]["VariationRequest"]
    assert request["required"] == ["image"]
    assert request["properties"]["n"]["maximum"] == 20
    assert request["properties"]["format"]["enum"] == ["auto", "png", "webp", "svg"]
    assert request["properties"]["generator"]["enum"] == ["offline", "openai", "jigsawstack"]
    assert all(field.get("description") for field in request["properties"].values())
    with pytest.raises(ParameterTypeError, match="less than or equal to 20"):
        flow.validate_parameters({"request": {"image": "logo.png", "n": 50}})


def test_the_forms_generator_list_is_the_registry():
    assert set(GENERATOR_NAMES) == set(GENERATORS)


def test_serve_builds_the_same_deployments_with_overrides():
    deployments = {
        d.name: d for d in build_deployments(storage="s3://bucket/brand", inbox_cron="*/10 * * * *")
    }
    assert set(deployments) == {"palette-variations", "process-inbox"}
    inbox = deployments["process-inbox"]
    assert [s.schedule.cron for s in inbox.schedules] == ["*/10 * * * *"]
    assert inbox.parameters == {"storage": "s3://bucket/brand"}
    assert deployments["palette-variations"].schedules == []


def test_bad_cron_is_refused():
    with pytest.raises(ValueError):
        build_deployments(inbox_cron="every five minutes")


def test_serve_on_a_temporary_api_says_why_not():
    cli = str(Path(sys.executable).parent / "paletteflow")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PALETTEFLOW_SERVER": "temporary"}
    result = subprocess.run([cli, "serve"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: serve needs a Prefect server that outlives it")
    assert "Traceback" not in result.stderr
