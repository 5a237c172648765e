"""How long the contact sheet and gallery take, and how large they are, for 7 and 20 variations.

    .venv/bin/python -m benchmarks.showcase [side]

Variations of the sample logo (default 1024x1024 RGBA) are made once into a
temporary folder with the library; then, for 7 and 20 of them, the contact
sheet and the gallery are each stored (draw, encode, write) REPEATS times, the
first into an empty place and the rest where the same bytes already are (a
re-run: everything but the write). The sheet is timed twice: in the process
that made the images, which kept their tiles (the flow on threads), and in a
fresh process that reads, decodes and shrinks every stored image (a sheet
made away from the images, as after a Dask run). Prints medians and sizes,
writes bench-results/showcase.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paletteflow.images.io import encode_png
from paletteflow.images.sample import draw_sample_logo
from paletteflow.models import Manifest, RunTimings, VariationRequest
from paletteflow.palettes.offline import generate_offline
from paletteflow.pipeline.base_image import store_base_image
from paletteflow.pipeline.variations import render_variation
from paletteflow.showcase.store import store_contact_sheet, store_gallery
from paletteflow.storage import Storage

COUNTS = (7, 20)
REPEATS = 5
THEME = "harbor at sunset, fresh and friendly"
LOGO = "a round badge with mountains, a rising sun and a river"
RESULTS = Path("bench-results")


def manifest_for(storage: Storage, n: int, side: int) -> Manifest:
    request = VariationRequest(image="logo.png", theme=THEME, logo_description=LOGO, n=n)
    base = store_base_image(
        storage, encode_png(draw_sample_logo(side)), user_id="bench", concept_id=f"n{n}"
    )
    palettes = generate_offline(THEME, LOGO, n)
    return Manifest(
        paletteflow_version="bench",
        request=request.model_dump(),
        base_image=base,
        palettes=palettes,
        variations=[render_variation(storage, base, palette) for palette in palettes],
        failures=[],
        timings=RunTimings(palettes_s=0, upload_s=0, variations_s=0, total_s=0),
    )


def timed(store, storage: Storage, manifest: Manifest) -> list[float]:
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        store(storage, manifest)
        seconds.append(time.perf_counter() - started)
    return seconds


def sheet_in_fresh_process(folder: str, manifest: Manifest) -> float:
    """Median seconds of the sheet's store step in a process that holds no tiles."""
    manifest_file = Path(folder) / f"manifest-{len(manifest.variations)}.json"
    manifest_file.write_text(manifest.model_dump_json())
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.showcase", "--sheet-only", folder, str(manifest_file)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(child.stdout.strip())


def sheet_only(folder: str, manifest_file: str) -> None:
    manifest = Manifest.model_validate_json(Path(manifest_file).read_text())
    print(statistics.median(timed(store_contact_sheet, Storage(folder), manifest)))


def main() -> None:
    if sys.argv[1:2] == ["--sheet-only"]:
        sheet_only(*sys.argv[2:4])
        return
    side = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    summary = []
    with tempfile.TemporaryDirectory(prefix="paletteflow-bench-") as folder:
        storage = Storage(folder)
        for n in COUNTS:
            manifest = manifest_for(storage, n, side)
            sheet = timed(store_contact_sheet, storage, manifest)
            from_storage = sheet_in_fresh_process(folder, manifest)
            gallery = timed(store_gallery, storage, manifest)
            concept = Path(folder) / manifest.base_image.concept_dir
            summary.append(
                {
                    "variations": n,
                    "side": side,
                    "sheet_first_s": round(sheet[0], 3),
                    "sheet_rerun_median_s": round(statistics.median(sheet[1:]), 3),
                    "sheet_from_storage_median_s": round(from_storage, 3),
                    "sheet_bytes": (concept / "contact-sheet.png").stat().st_size,
                    "gallery_first_s": round(gallery[0], 4),
                    "gallery_bytes": (concept / "index.html").stat().st_size,
                }
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "showcase.json").write_text(json.dumps(summary, indent=2))
    for row in summary:
        print(
            f"n={row['variations']:>2} {side}px: sheet {row['sheet_first_s']:.3f} s "
            f"(re-run {row['sheet_rerun_median_s']:.3f} s; from storage in a fresh process "
            f"{row['sheet_from_storage_median_s']:.3f} s), {row['sheet_bytes'] / 1e6:.2f} MB; "
            f"gallery {row['gallery_first_s'] * 1000:.1f} ms, {row['gallery_bytes'] / 1e3:.1f} kB"
        )


if __name__ == "__main__":
    main()
