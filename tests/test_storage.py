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
