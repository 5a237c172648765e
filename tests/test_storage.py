import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from conftest import FAST_S3_OPTIONS

from paletteflow.errors import InputError, StorageError, StorageRefusedError, is_retryable
from paletteflow.storage import Storage


def test_local_writes_are_whole_and_leave_no_temporaries(tmp_path):
    storage = Storage(str(tmp_path / "out"))
    key = storage.write("u/c/variations/a.png", b"\x89PNG data")
    assert storage.read(key) == b"\x89PNG data"
    assert storage.url(key) == (tmp_path / "out" / "u/c/variations/a.png").resolve().as_uri()
    assert [p.name for p in (tmp_path / "out/u/c/variations").iterdir()] == ["a.png"]
    storage.write(key, b"second")
    assert storage.read(key) == b"second"


def test_memory_storage_urls(memory_storage_url):
    storage = Storage(memory_storage_url)
    storage.write("u/c/manifest.json", b"{}", "application/json")
    assert storage.exists("u/c/manifest.json")
    assert storage.url("u/c/manifest.json").startswith("memory://")


@pytest.mark.parametrize(
    "key",
    ["../x", "/abs", "a/../b", "a//b", "s3://other-bucket/x", "a\nb", "%2e%2e/x", "./a", "a/.", ""],
)
def test_keys_that_could_leave_the_base_are_refused(tmp_path, key):
    storage = Storage(str(tmp_path / "out"))
    with pytest.raises(InputError, match="unsafe storage key"):
        storage.write(key, b"data")
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_are_swept_and_fresh_ones_kept(tmp_path):
    storage = Storage(str(tmp_path))
    folder = tmp_path / "u" / "c" / "variations"
    folder.mkdir(parents=True)
    stale = folder / ".a.png.k3j4.part"
    fresh = folder / ".b.png.x9y8.part"
    kept = folder / "a.png"
    for path in (stale, fresh, kept):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))

    assert storage.sweep_temporaries("u/c") == ["u/c/variations/.a.png.k3j4.part"]
    assert sorted(p.name for p in folder.iterdir()) == [".b.png.x9y8.part", "a.png"]


LIMITED_WRITER = """
import resource, signal, sys
from pathlib import Path
from paletteflow.storage import write_local_atomically
if sys.argv[2] == "killed":
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
write_local_atomically(Path(sys.argv[1]), b"n" * 1_000_000)
"""


@pytest.mark.parametrize("ending", ["killed", "failed"])
def test_a_write_that_dies_midway_leaves_the_old_object_whole(tmp_path, ending):
    """RLIMIT_FSIZE stops the writer 64 KiB in: killed by SIGXFSZ, or failing with EFBIG.

    Killed, it cannot clean up, so only a hidden temporary is left (for the
    sweep); failing, it removes its temporary itself. Either way the object
    under the real name is the old one, complete.
    """
    target = tmp_path / "u" / "c" / "variations" / "a.png"
    Storage(str(tmp_path)).write("u/c/variations/a.png", b"old complete object")
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_WRITER, str(target), ending],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert target.read_bytes() == b"old complete object"
    leftovers = [p for p in target.parent.iterdir() if p != target]
    if ending == "killed":
        assert result.returncode == -signal.SIGXFSZ
        assert [p.name[:7] for p in leftovers] == [".a.png."]
        assert leftovers[0].name.endswith(".part") and leftovers[0].stat().st_size == 65536
    else:
        assert result.returncode == 1 and "File too large" in result.stderr
        assert leftovers == []


def test_content_types_and_urls_on_s3(bucket):
    storage = Storage(
        f"s3://{bucket.name}/base",
        {"endpoint_url": bucket.endpoint, **FAST_S3_OPTIONS},
        url_expiry_s=120,
    )
    storage.write("u/c/a.png", b"\x89PNG", "image/png")
    storage.write("u/c/manifest.json", b"{}", "application/json")
    assert bucket.content_type("base/u/c/a.png") == "image/png"
    assert bucket.content_type("base/u/c/manifest.json") == "application/json"
    assert storage.location("u/c/a.png") == f"s3://{bucket.name}/base/u/c/a.png"
    signed = storage.url("u/c/a.png")
    assert "X-Amz-Expires=120" in signed and "X-Amz-Signature=" in signed
    assert httpx.get(signed, timeout=10).content == b"\x89PNG"


def test_missing_bucket_is_a_refusal_not_worth_retrying(moto_endpoint):
    storage = Storage(
        "s3://pf-no-such-bucket/x", {"endpoint_url": moto_endpoint, **FAST_S3_OPTIONS}
    )
    with pytest.raises(StorageRefusedError, match="check the bucket, credentials and permissions"):
        storage.write("u/c/a.png", b"x", "image/png")
    try:
        storage.write("u/c/a.png", b"x", "image/png")
    except StorageRefusedError as error:
        assert not is_retryable(error)


def test_credentials_in_the_url_or_options_never_reach_a_message(moto_endpoint):
    storage = Storage(
        "s3://pfuser:pf-url-secret-77@pf-bucket/x",
        {"endpoint_url": moto_endpoint, "secret": "pf-option-secret-88", **FAST_S3_OPTIONS},
    )
    with pytest.raises(StorageError) as raised:
        storage.write("u/c/a.png", b"x")
    message = str(raised.value)
    assert "pf-url-secret-77" not in message and "pfuser" not in message
    assert "pf-option-secret-88" not in message
    assert "\n" not in message


def test_inputs_beside_the_results_share_their_options(tmp_path):
    storage = Storage("memory://pf-options/x", {"skip_instance_cache": True})
    assert storage.options_for("memory://pf-options/in.png") == {"skip_instance_cache": True}
    assert storage.options_for("https://example.test/in.png") == {}
    assert storage.options_for(str(tmp_path / "in.png")) == {}
