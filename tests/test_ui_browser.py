"""The run's colourways as a picture in the real Prefect UI, opened in Debian's headless Chromium.

As a user meets it: `paletteflow server start` (Prefect's server with its UI) on
a new PREFECT_HOME and a free port, `paletteflow run` on local files, then the
run's previews artifact opened in the UI. Local files are exactly the storage
a browser cannot fetch from the UI, so the picture must travel inside the
artifact. A screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from s3_servers import closed_port
from test_contact_sheet import ARTIFACTS
from test_gallery_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.prefect]  # the UI of a server the CLI starts

CLI = str(Path(sys.executable).parent / "paletteflow")
SCREENSHOT = ARTIFACTS / "prefect-ui-previews.png"
PAGE_TIMEOUT_MS = 60_000


def user_env(home: Path, port: int) -> dict[str, str]:
    """This environment without Prefect's settings of the test session, as a new user has it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_API_PORT": str(port)}


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The local server with its UI; its URL and the environment that reaches it."""
    env = user_env(tmp_path_factory.mktemp("prefect-home"), closed_port())
    subprocess.run([CLI, "server", "start"], env=env, check=True, timeout=300)
    try:
        yield f"http://127.0.0.1:{env['PREFECT_SERVER_API_PORT']}", env
    finally:
        subprocess.run([CLI, "server", "stop"], env=env, timeout=120)


def previews_artifact(api: str) -> dict:
    """The previews artifact of the only flow run on this server."""
    (run,) = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=30).json()
    artifacts = httpx.post(
        f"{api}/artifacts/filter",
        json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}, "type": {"any_": ["markdown"]}}},
        timeout=30,
    ).json()
    (previews,) = [artifact for artifact in artifacts if artifact["key"].endswith("-previews")]
    return previews


def test_the_run_page_shows_the_colorways_as_a_picture(ui_server, tmp_path, logo_file):
    url, env = ui_server
    storage = tmp_path / "results"
    subprocess.run(
        [CLI, "run", str(logo_file), "-n", "4", "--theme", "harbor at sunset", "--logo-desc",
         "a round badge", "--storage", str(storage), "--quiet"],
        env=env, check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    artifact = previews_artifact(f"{url}/api")
    assert "file://" in artifact["data"], "the storage is one the browser cannot fetch from"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{url}/artifacts/artifact/{artifact['id']}", timeout=PAGE_TIMEOUT_MS)
            picture = page.locator('img[src^="data:image/webp;base64,"]')
            picture.wait_for(timeout=PAGE_TIMEOUT_MS)
            page.wait_for_function(
                "image => image.complete", arg=picture.element_handle(), timeout=PAGE_TIMEOUT_MS
            )
            width, height, shown = picture.evaluate(
                "image => [image.naturalWidth, image.naturalHeight, image.getBoundingClientRect().width]"
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert width == 720 and height > 0, "the picture decoded"
    assert shown > 300, "the UI shows it at a readable size"
    assert "![contact sheet of 4 colourways](data:image/webp;base64," in artifact["data"]
    assert errors == []
