"""The run's contact sheet and gallery, made from its manifest and stored beside it.

Both live at fixed names in the concept's folder (`contact-sheet.png`,
`index.html`), like the manifest, and show what the manifest describes. They
are made again on every run but written only when their bytes change, so a
re-run writes nothing. Tiles come from `sheet_tiles` when this process made
the images; otherwise images are read by their keys and shrunk one per core at
a time (decoding and resampling release the GIL, so the cores share the work),
and twenty full-size variations never sit in memory together.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from paletteflow.images.io import decode_image, encode_png
from paletteflow.models import BaseImage, Manifest, StoredFile
from paletteflow.showcase.contact_sheet import SheetEntry, fit_tile, render_contact_sheet
from paletteflow.showcase.gallery import GALLERY_NAME, render_gallery
from paletteflow.showcase.tiles import TILES
from paletteflow.storage import Storage

CONTACT_SHEET_NAME = "contact-sheet.png"
GALLERY_CONTENT_TYPE = "text/html; charset=utf-8"


def contact_sheet_key(base: BaseImage) -> str:
    return f"{base.concept_dir}/{CONTACT_SHEET_NAME}"


def gallery_key(base: BaseImage) -> str:
    return f"{base.concept_dir}/{GALLERY_NAME}"


def sheet_entries(storage: Storage, manifest: Manifest) -> list[SheetEntry]:
    """The original first, then each variation, then each failed palette with its error."""
    base = manifest.base_image
    palettes = {palette.name: palette for palette in manifest.palettes}
    keys = [base.path, *(variation.image_path for variation in manifest.variations)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        original, *tiles = pool.map(lambda key: _tile(storage, key), keys)
    entries = [
        SheetEntry(
            name="Original", image=original, caption=f"{base.width} x {base.height} {base.format}"
        )
    ]
    entries += [
        SheetEntry(name=v.name, colors=tuple(v.colors), image=tile)
        for v, tile in zip(manifest.variations, tiles, strict=True)
    ]
    entries += [
        SheetEntry(
            name=failure.palette,
            colors=tuple(palettes[failure.palette].colors) if failure.palette in palettes else (),
            caption=failure.error,
        )
        for failure in manifest.failures
    ]
    return entries


def store_contact_sheet(storage: Storage, manifest: Manifest) -> StoredFile:
    """Render the sheet as PNG and store it beside the manifest."""
    sheet = render_contact_sheet(
        manifest.title(), manifest.count_line(), sheet_entries(storage, manifest)
    )
    key = contact_sheet_key(manifest.base_image)
    storage.write_if_changed(key, encode_png(sheet.image), "image/png")
    return StoredFile(path=key, url=storage.location(key))


def store_gallery(storage: Storage, manifest: Manifest) -> StoredFile:
    """Render the page and store it beside the manifest; it links the sheet only if the manifest has one."""
    key = gallery_key(manifest.base_image)
    storage.write_if_changed(key, render_gallery(manifest).encode(), GALLERY_CONTENT_TYPE)
    return StoredFile(path=key, url=storage.location(key))


def _tile(storage: Storage, key: str) -> Image.Image:
    return TILES.get(key) or fit_tile(decode_image(storage.read(key)))
