"""The manifest is rewritten only when what it describes changes, never for new timings."""

from __future__ import annotations

import json

from conftest import BASE, PALETTE

from paletteflow.models import (
    Failure,
    Manifest,
    RunTimings,
    Variation,
    VariationRequest,
    VariationTimings,
)
from paletteflow.pipeline.manifest import manifest_key, write_manifest
from paletteflow.storage import Storage


def manifest(seconds: float, *, reused: bool, failures: list[Failure]) -> Manifest:
    variation = Variation(
        **PALETTE.model_dump(),
        image_path="u/c/variations/harbor-dusk-0123456789ab.png",
        image_url="https://bucket.example/presigned?X-Amz-Security-Token=pf-token",
        timings=VariationTimings(recolor_s=seconds, encode_s=seconds, store_s=seconds),
        reused=reused,
    )
    return Manifest(
        paletteflow_version="test",
        request=VariationRequest(image="logo.png", n=2).model_dump(),
        base_image=BASE,
        palettes=[PALETTE, PALETTE.model_copy(update={"name": "Second"})],
        variations=[variation],
        failures=failures,
        timings=RunTimings(palettes_s=seconds, upload_s=seconds, variations_s=seconds, total_s=1),
    )


def test_new_timings_alone_do_not_rewrite_the_manifest_but_new_outcomes_do(tmp_path):
    storage = Storage(str(tmp_path))
    path = tmp_path / manifest_key(BASE)
    write_manifest(storage, manifest(0.5, reused=False, failures=[]))
    first = path.stat()
    record = json.loads(path.read_text())
    assert record["variations"][0]["image_url"] == storage.location(
        "u/c/variations/harbor-dusk-0123456789ab.png"
    )
    assert "pf-token" not in path.read_text()

    write_manifest(storage, manifest(0.1, reused=True, failures=[]))
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)

    write_manifest(
        storage, manifest(0.1, reused=True, failures=[Failure(palette="Second", error="x")])
    )
    assert path.stat().st_ino != first.st_ino
    assert json.loads(path.read_text())["failures"] == [{"palette": "Second", "error": "x"}]
