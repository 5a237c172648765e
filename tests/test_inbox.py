"""The inbox: claims are exclusive, outcomes land in done/ or failed/, overlapping runs share the work."""

import json
import threading
import time

import pytest
from api_proxy import APIFaultProxy
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

from flows.process_inbox import process_inbox
from paletteflow.inbox import Inbox
from paletteflow.storage import Storage


@pytest.fixture(params=["memory", "file"])
def inbox_storage(request, tmp_path, memory_storage_url) -> Storage:
    return Storage(memory_storage_url if request.param == "memory" else str(tmp_path / "store"))


def _drop(storage: Storage, name: str, body) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    storage.write(f"inbox/{name}", text.encode(), "application/json")


def test_only_one_claim_wins_and_stale_leases_are_taken_over(inbox_storage):
    _drop(inbox_storage, "a.json", {"image": "x.png"})
    first, second = Inbox(inbox_storage), Inbox(inbox_storage, lease_seconds=3600)
    assert first.claim("a.json") is not None
    assert second.claim("a.json") is None
    time.sleep(0.05)
    impatient = Inbox(inbox_storage, lease_seconds=0.01)
    assert impatient.claim("a.json") is not None


def test_finished_requests_are_cleaned_up_not_rerun(inbox_storage):
    _drop(inbox_storage, "a.json", {"image": "x.png"})
    inbox = Inbox(inbox_storage)
    lease = inbox.claim("a.json")
    inbox_storage.write("done/a.json", b"{}")
    assert inbox.claim("a.json") is None
    assert inbox.pending() == []
    assert lease is not None


def test_a_released_request_waits_in_the_inbox_for_the_next_claim(inbox_storage):
    _drop(inbox_storage, "a.json", {"image": "x.png"})
    inbox = Inbox(inbox_storage)
    lease = inbox.claim("a.json")
    assert Inbox(inbox_storage).claim("a.json") is None
    inbox.release(lease)
    assert inbox.pending() == ["a.json"]
    assert inbox_storage.list("processing") == [] and inbox_storage.list("failed") == []
    assert Inbox(inbox_storage).claim("a.json") is not None


def test_inbox_flow_end_to_end(prefect_api, inbox_storage, sample_logo_png):
    inbox_storage.write("uploads/logo.png", sample_logo_png, "image/png")
    _drop(inbox_storage, "good.json", {"image": "uploads/logo.png", "theme": "forest", "n": 2})
    _drop(inbox_storage, "not-json.json", "{broken")
    _drop(inbox_storage, "bad-n.json", {"image": "uploads/logo.png", "n": 99})
    _drop(inbox_storage, "missing-image.json", {"image": "uploads/absent.png", "n": 1})

    report = process_inbox(storage=inbox_storage.base_url)

    assert report.done == ["good.json"]
    assert sorted(report.failed) == ["bad-n.json", "missing-image.json", "not-json.json"]
    assert inbox_storage.list("inbox") == []
    assert inbox_storage.list("processing") == []
    done = json.loads(inbox_storage.read("done/good.json"))
    assert len(done["image_paths"]) == 2
    assert all(inbox_storage.exists(path) for path in done["image_paths"])
    assert inbox_storage.exists(done["manifest_path"])
    reasons = {
        name: json.loads(inbox_storage.read(f"failed/{name}"))["error"] for name in report.failed
    }
    assert "not valid JSON" in reasons["not-json.json"]
    assert "invalid n" in reasons["bad-n.json"]
    assert "image not found" in reasons["missing-image.json"]


def test_overlapping_inbox_runs_process_each_request_once(prefect_api, tmp_path, sample_logo_png):
    storage = Storage(str(tmp_path / "store"))
    storage.write("uploads/logo.png", sample_logo_png, "image/png")
    names = [f"request-{index}.json" for index in range(4)]
    for index, name in enumerate(names):
        _drop(storage, name, {"image": "uploads/logo.png", "theme": f"theme {index}", "n": 1})

    reports = []
    runs = [
        threading.Thread(target=lambda: reports.append(process_inbox(storage=storage.base_url)))
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=300)

    assert len(reports) == 2
    done = [name for report in reports for name in report.done]
    assert sorted(done) == names, "every request processed exactly once across both runs"
    assert sorted(storage.list("done")) == [f"done/{name}" for name in names]
    assert storage.list("inbox") == [] and storage.list("failed") == []


def test_a_request_failed_by_the_prefect_api_is_tried_again_then_left_for_the_next_run(
    prefect_api, tmp_path, sample_logo_png
):
    """503s from the API (a busy SQLite) are not the request's fault: never failed/, never lost."""
    storage = Storage(str(tmp_path / "store"))
    storage.write("uploads/logo.png", sample_logo_png, "image/png")
    refusals = {"left": 1}

    def refuse(method: str, path: str) -> bool:
        if method != "POST" or not path.endswith("/task_runs/") or refusals["left"] == 0:
            return False
        refusals["left"] -= 1
        return True

    proxy = APIFaultProxy(prefect_api, refuse)
    try:
        # One 503 is one failure: Prefect's client would otherwise retry it for a minute.
        with temporary_settings({PREFECT_API_URL: proxy.url, PREFECT_CLIENT_MAX_RETRIES: 0}):
            _drop(storage, "again.json", {"image": "uploads/logo.png", "theme": "moss", "n": 1})
            first = process_inbox(storage=storage.base_url)
            assert (first.done, first.failed, first.deferred) == (["again.json"], [], [])
            assert len(proxy.refused) == 1

            refusals["left"] = -1  # every task run's creation, on every attempt
            _drop(storage, "later.json", {"image": "uploads/logo.png", "theme": "fern", "n": 1})
            second = process_inbox(storage=storage.base_url)
    finally:
        proxy.close()
    assert (second.done, second.failed, second.deferred) == ([], [], ["later.json"])
    assert len(proxy.refused) == 1 + 3, "three attempts at the subflow"
    assert storage.list("inbox") == ["inbox/later.json"]
    assert storage.list("processing") == [] and storage.list("failed") == []
    assert sorted(storage.list("done")) == ["done/again.json"]
