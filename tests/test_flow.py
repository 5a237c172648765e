"""The flow end to end on a real Prefect API, with memory:// and file:// storage."""

import asyncio
import base64
import http.server
import io
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from types import SimpleNamespace

import fsspec
import numpy as np
import pytest
from conftest import flat_logo
from PIL import Image
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
)

from flows.artifacts import RunArtifacts
from flows.palette_variations import palette_variations
from paletteflow.images.io import decode_image
from paletteflow.models import GeneratorSettings, VariationRequest
from paletteflow.pipeline.listeners import RunListener, reporting_to
from paletteflow.showcase.report import PICTURE_WIDTH
from paletteflow.storage import Storage
from tasks.llm_limit import LLM_TAG

OLD_SERVICE_KEYS = {"name", "colors", "description", "image_path", "image_url"}


@pytest.fixture(params=["memory", "file"])
def storage_url(request, tmp_path, memory_storage_url) -> str:
    return memory_storage_url if request.param == "memory" else (tmp_path / "results").as_uri()


def test_flow_stores_every_variation_and_a_manifest(
    prefect_api, storage_url, sample_logo_png, logo_file
):
    request = VariationRequest(
        image=str(logo_file),
        theme="ocean sunset",
        logo_description="a badge",
        n=4,
        storage=storage_url,
    )
    variations = palette_variations(request)

    assert len(variations) == 4
    storage = Storage(storage_url)
    base = Image.open(io.BytesIO(sample_logo_png))
    images = []
    for variation in variations:
        assert set(variation) >= OLD_SERVICE_KEYS
        assert set(variation["timings"]) == {"recolor_s", "encode_s", "store_s"}
        data = storage.read(variation["image_path"])
        images.append(data)
        result = Image.open(io.BytesIO(data))
        assert result.size == base.size and result.mode == "RGBA"
        assert np.array_equal(np.asarray(result)[..., 3], np.asarray(base)[..., 3])
    assert len(set(images)) == 4, "every palette must give a different image"

    manifest = json.loads(storage.read(variations[0]["manifest_path"]))
    assert [v["image_path"] for v in manifest["variations"]] == [
        v["image_path"] for v in variations
    ]
    assert manifest["failures"] == []
    assert manifest["request"]["theme"] == "ocean sunset"
    assert "storage_options" not in manifest["request"]
    assert storage.read(manifest["base_image"]["path"]) == sample_logo_png
    assert manifest["timings"]["total_s"] > 0

    concept = manifest["base_image"]["concept_dir"]
    for field, name in (("contact_sheet", "contact-sheet.png"), ("gallery", "index.html")):
        assert manifest[field]["path"] == f"{concept}/{name}"
        assert manifest[field]["url"] == storage.location(f"{concept}/{name}")
        assert {(v[f"{field}_path"], v[f"{field}_url"]) for v in variations} == {
            (f"{concept}/{name}", storage.url(f"{concept}/{name}"))
        }
    sheet = Image.open(io.BytesIO(storage.read(manifest["contact_sheet"]["path"])))
    assert sheet.format == "PNG" and sheet.width > 2 * base.width
    gallery = storage.read(manifest["gallery"]["path"]).decode()
    for variation in variations:
        assert f">{variation['name']}</h3>" in gallery


def test_rerun_hits_the_cache_and_remakes_what_was_deleted(
    prefect_api, memory_storage_url, logo_file
):
    request = VariationRequest(
        image=str(logo_file), theme="forest", n=2, storage=memory_storage_url
    )
    first = palette_variations(request)
    storage = Storage(memory_storage_url)
    kept = storage.read(first[0]["image_path"])
    storage.delete(first[1]["image_path"])

    second_state = palette_variations(request, return_state=True)
    second = second_state.result()

    assert [v["image_path"] for v in second] == [v["image_path"] for v in first]
    assert [v["reused"] for v in first] == [False, False]
    assert [v["reused"] for v in second] == [True, False]
    assert storage.read(first[0]["image_path"]) == kept
    assert storage.exists(first[1]["image_path"])
    states = asyncio.run(_task_states(second_state.state_details.flow_run_id))
    assert states["generate-palettes"] == ["Cached"]
    assert sorted(states["recolor"]) == ["Cached", "Cached", "Completed"]


def test_webp_run_stores_the_png_runs_pixels_in_the_same_bytes_every_time(
    prefect_api, memory_storage_url, logo_file
):
    png_request = VariationRequest(
        image=str(logo_file), theme="lagoon", n=2, storage=memory_storage_url
    )
    webp_request = png_request.model_copy(update={"format": "webp"})
    as_png = palette_variations(png_request)
    as_webp = palette_variations(webp_request)
    storage = Storage(memory_storage_url)

    assert [v["name"] for v in as_webp] == [v["name"] for v in as_png]
    assert [v["reused"] for v in as_webp] == [False, False], "PNG results are not WebP results"
    first_bytes = storage.read(as_webp[0]["image_path"])
    for png, webp in zip(as_png, as_webp, strict=True):
        assert png["image_path"].endswith(".png") and webp["image_path"].endswith(".webp")
        data = storage.read(webp["image_path"])
        assert Image.open(io.BytesIO(data)).format == "WEBP"
        assert np.array_equal(
            np.asarray(decode_image(data)),
            np.asarray(decode_image(storage.read(png["image_path"]))),
        )
    manifest = json.loads(storage.read(as_webp[0]["manifest_path"]))
    assert manifest["request"]["format"] == "webp"
    sheet = storage.read(manifest["contact_sheet"]["path"])
    assert Image.open(io.BytesIO(sheet)).format == "PNG"
    gallery = storage.read(manifest["gallery"]["path"]).decode()
    assert all(f'src="{v["image_path"].split("/", 2)[2]}"' in gallery for v in as_webp)

    storage.delete(as_webp[0]["image_path"])
    again = palette_variations(webp_request)
    assert again[0]["image_path"] == as_webp[0]["image_path"] and not again[0]["reused"]
    assert storage.read(again[0]["image_path"]) == first_bytes


def test_kept_neutrals_reach_the_recolor_and_name_their_own_variations(
    prefect_api, memory_storage_url, tmp_path
):
    image = Image.new("RGB", (96, 96), "#ffffff")
    image.paste(flat_logo(64), (16, 16), flat_logo(64))
    image.paste((0, 0, 0), (40, 4, 56, 12))
    image_path = tmp_path / "logo.png"
    image.save(image_path)
    # A dark ground locked in, so the white ground must change when white is not kept.
    keep_white = VariationRequest(
        image=str(image_path),
        theme="lagoon",
        n=1,
        storage=memory_storage_url,
        keep="white",
        generator_settings=GeneratorSettings(locks=("background=#16324a",)),
    )
    storage = Storage(memory_storage_url)
    white = palette_variations(keep_white)[0]
    assert json.loads(storage.read(white["manifest_path"]))["request"]["keep"] == ["white"]
    none = palette_variations(keep_white.model_copy(update={"keep": []}))[0]
    assert white["image_path"] != none["image_path"]
    kept = np.asarray(decode_image(storage.read(white["image_path"])))
    recolored = np.asarray(decode_image(storage.read(none["image_path"])))
    assert (kept[1, 1] == 255).all() and not (recolored[1, 1] == 255).all()


def test_artifacts_show_progress_table_and_previews(prefect_api, memory_storage_url, logo_file):
    request = VariationRequest(image=str(logo_file), theme="tulip", n=3, storage=memory_storage_url)
    state = palette_variations(request, return_state=True)
    artifacts = asyncio.run(_artifacts(state.state_details.flow_run_id))
    by_type = {artifact.type: artifact for artifact in artifacts if artifact.key}
    assert set(by_type) == {"progress", "table", "markdown"}
    concept = state.result()[0]["manifest_path"].split("/")[1]
    assert {artifact.key for artifact in by_type.values()} == {
        f"{concept}-{suffix}" for suffix in ("progress", "variations", "previews")
    }
    assert by_type["progress"].data == 100.0
    table = json.loads(by_type["table"].data)
    assert [row["palette"] for row in table] == [v["name"] for v in state.result()]
    markdown = by_type["markdown"].data
    assert "## " in markdown
    (picture,) = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", markdown)
    assert picture.startswith("data:image/webp;base64,"), "memory:// cannot be fetched: inline"
    shown = Image.open(io.BytesIO(base64.b64decode(picture.split(",", 1)[1])))
    sheet_path = memory_storage_url + "/" + state.result()[0]["contact_sheet_path"]
    with fsspec.open(sheet_path, "rb") as stream:
        sheet = Image.open(io.BytesIO(stream.read()))
    assert shown.width == PICTURE_WIDTH < sheet.width
    assert abs(shown.height / shown.width - sheet.height / sheet.width) < 0.01


async def _task_states(flow_run_id) -> dict[str, list[str]]:
    """Task run states by task name ("recolor", "generate-palettes", ...)."""
    async with get_client() as client:
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    states: dict[str, list[str]] = {}
    for run in runs:
        task_name = "recolor" if run.name.startswith("recolor-") else run.name.rsplit("-", 1)[0]
        states.setdefault(task_name, []).append(run.state.name)
    return states


async def _artifacts(flow_run_id):
    async with get_client() as client:
        return await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )


def test_bad_image_fails_the_run_without_storing(prefect_api, memory_storage_url, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image at all")
    with pytest.raises(Exception, match="not an image"):
        palette_variations(VariationRequest(image=str(broken), n=2, storage=memory_storage_url))
    storage = Storage(memory_storage_url)
    assert not storage.fs.exists(storage.root)


def test_flow_passes_generator_settings_and_seeds_a_palette_from_the_image(
    prefect_api, memory_storage_url, logo_file, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-flow-never-stored")
    request = VariationRequest(
        image=str(logo_file),
        theme="forest",
        n=3,
        storage=memory_storage_url,
        generator_settings=GeneratorSettings(locks=("primary=#0b5394",)),
    )
    variations = palette_variations(request)
    assert [v["source"] for v in variations] == ["offline", "offline", "image"]
    assert all(v["roles"]["primary"] == "#0b5394" and all(v["checks"].values()) for v in variations)
    raw_manifest = Storage(memory_storage_url).read(variations[0]["manifest_path"]).decode()
    assert json.loads(raw_manifest)["request"]["generator_settings"]["locks"] == ["primary=#0b5394"]
    assert "sk-flow-never-stored" not in raw_manifest


def test_text_palettes_run_alongside_the_upload_and_the_color_reading(
    prefect_api, scripted_api, memory_storage_url, sample_logo_png
):
    """The image server holds the download until the LLM request has arrived: a rendezvous.

    Run one after the other, the upload would wait for a palettes call that never starts, and
    the server would give up after its bound. Run side by side, both go ahead at once, however
    long Prefect takes to start either task (its client backs off 2 s on a busy SQLite API).
    The upload task then reads the image's colours while the LLM still answers (4 s).
    """
    from test_providers import GOOD, chat

    scripted_api.script((200, chat(GOOD), {}, 4.0))
    with _image_server_after(sample_logo_png, lambda: bool(scripted_api.requests)) as server:
        request = VariationRequest(
            image=server.url,
            theme=f"forest {uuid.uuid4().hex}",
            n=3,
            storage=memory_storage_url,
            generator="openai",
            generator_settings=GeneratorSettings(
                base_url=scripted_api.url, model="test-model", image_palettes=0
            ),
        )
        state = palette_variations(request, return_state=True)
    assert len(state.result()) == 3
    assert server.waited_for == [True], "the download was answered before the LLM was asked"
    runs = asyncio.run(_task_runs(state.state_details.flow_run_id))
    palettes, upload = runs["generate-palettes"], runs["upload-base-image"]
    assert palettes.state.name == "Completed", "a unique theme keeps the palettes out of the cache"
    assert palettes.tags == [LLM_TAG]
    times = {name: (run.start_time, run.end_time) for name, run in runs.items()}
    assert palettes.start_time < upload.end_time and upload.start_time < palettes.end_time, times
    assert upload.end_time < palettes.end_time, "the upload reads the colours meanwhile"


def test_offline_palettes_take_no_llm_tag_so_no_slot_lease(
    prefect_api, memory_storage_url, logo_file
):
    request = VariationRequest(
        image=str(logo_file), theme=f"dunes {uuid.uuid4().hex}", n=2, storage=memory_storage_url
    )
    state = palette_variations(request, return_state=True)
    runs = asyncio.run(_task_runs(state.state_details.flow_run_id))
    assert runs["generate-palettes"].state.name == "Completed"
    assert runs["generate-palettes"].tags == []


async def _task_runs(flow_run_id):
    async with get_client() as client:
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {run.name.rsplit("-", 1)[0]: run for run in runs if not run.name.startswith("recolor-")}


@contextmanager
def _image_server_after(data: bytes, ready: Callable[[], bool], bound_s: float = 20.0):
    """Serves `data` once `ready()` holds, or after `bound_s`; `waited_for` records which."""
    waited_for: list[bool] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            deadline = time.monotonic() + bound_s
            while not ready() and time.monotonic() < deadline:
                time.sleep(0.02)
            waited_for.append(ready())
            self.send_response(200)
            self.send_header("content-type", "image/png")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield SimpleNamespace(
            url=f"http://127.0.0.1:{server.server_address[1]}/logo.png", waited_for=waited_for
        )
    finally:
        server.shutdown()
        server.server_close()


def test_animated_base_image_is_recolored_from_its_first_frame_and_noted(
    prefect_api, memory_storage_url, tmp_path
):
    frames = [flat_logo(64, background=color) for color in ((255, 255, 255), (0, 0, 0))]
    path = tmp_path / "animated.gif"
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    variations = palette_variations(
        VariationRequest(image=str(path), theme="forest", n=2, storage=memory_storage_url)
    )
    storage = Storage(memory_storage_url)
    manifest = json.loads(storage.read(variations[0]["manifest_path"]))
    assert manifest["base_image"]["frames"] == 2
    assert manifest["base_image"]["path"].endswith(".gif")
    assert manifest["notes"] == [
        "the base image is animated (2 frames); the first frame was recoloured"
    ]
    result = Image.open(io.BytesIO(storage.read(variations[0]["image_path"])))
    assert (result.format, getattr(result, "n_frames", 1), result.size) == ("PNG", 1, (64, 64))


class Recorder(RunListener):
    """Notes each report together with what storage held at that moment."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.events: list[tuple] = []

    def stored(self, pattern: str) -> int:
        return len(list(self.folder.rglob(pattern)))

    def variations_planned(self, names: list[str]) -> None:
        self.events.append(("planned", tuple(names), self.stored("variations/*.png")))

    def variation_finished(self, name: str, error: str | None) -> None:
        self.events.append(("finished", name, error, self.stored("variations/*.png")))

    def presenting(self) -> None:
        self.events.append(("presenting", self.stored("contact-sheet.png")))


def test_a_listener_in_this_process_hears_each_variation_as_it_is_stored(
    prefect_api, tmp_path, logo_file
):
    folder = tmp_path / "results"
    request = VariationRequest(image=str(logo_file), theme="meadow", n=4, storage=str(folder))
    with reporting_to(Recorder(folder)) as recorder:
        variations = palette_variations(request)

    planned, *finished, presenting = recorder.events
    assert planned[0] == "planned" and planned[2] == 0
    assert sorted(planned[1]) == sorted(v["name"] for v in variations)
    assert [event[0] for event in finished] == ["finished"] * 4
    assert sorted(event[1] for event in finished) == sorted(planned[1])
    assert all(event[2] is None for event in finished)
    for count, event in enumerate(finished, 1):
        assert event[3] >= count, "reported only once its image was in storage"
    assert presenting == ("presenting", 0), "after every variation, before the sheet is stored"
    assert recorder.stored("contact-sheet.png") == 1


@flow
def _report_progress(finished: int, total: int, interval_s: float) -> None:
    storage = Storage("memory://paletteflow-tests/progress-check")
    with RunArtifacts("progress-check", total, storage, interval_s) as artifacts:
        for _ in range(finished):
            artifacts.variation_finished("palette", None)


@pytest.mark.parametrize(
    ("finished", "interval_s", "shown"),
    [(2, 3600.0, []), (3, 3600.0, [100.0]), (2, 0.0, [200 / 3])],
    ids=["held-back", "always-at-the-end", "each-when-no-interval"],
)
def test_progress_artifact_moves_at_most_once_per_interval_and_always_at_the_end(
    prefect_api, finished, interval_s, shown
):
    """Made at its first move, not at 0: held back, there is none yet."""
    state = _report_progress(finished, 3, interval_s, return_state=True)
    progress = asyncio.run(_artifacts(state.state_details.flow_run_id))
    assert [artifact.data for artifact in progress] == pytest.approx(shown)
