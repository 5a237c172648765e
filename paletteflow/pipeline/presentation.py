"""Step 5: the run's contact sheet and gallery, then its manifest naming both, beside the images.

They are made in turn: the gallery links the sheet only if it exists, and the
manifest names both. A sheet or gallery that cannot be made costs the picture
or the page, never the variations: the caller decides, per failure, whether to
let it through (to be tried again) or to keep going with a note in the
manifest saying why. Every write here is idempotent and the sheet and gallery
are rewritten only when their bytes change, so trying again rewrites nothing
already stored. A manifest that cannot be written fails the step.
"""

from __future__ import annotations

from collections.abc import Callable

from paletteflow.models import Manifest, StoredFile
from paletteflow.pipeline.manifest import write_manifest
from paletteflow.showcase.store import store_contact_sheet, store_gallery
from paletteflow.storage import Storage

SHOWCASE: tuple[tuple[str, str, Callable[[Storage, Manifest], StoredFile]], ...] = (
    ("contact_sheet", "contact sheet", store_contact_sheet),
    ("gallery", "gallery", store_gallery),
)


def present(
    storage: Storage,
    manifest: Manifest,
    keep_going: Callable[[str, Exception], bool] = lambda _what, _error: True,
) -> tuple[Manifest, str]:
    """The manifest with its sheet and gallery (or notes saying why not), stored; and its URL.

    `keep_going(what, error)` is asked when making the sheet or the gallery
    fails: True notes the failure and goes on, False lets the error through.
    """
    for field, what, store in SHOWCASE:
        try:
            stored: StoredFile | None = store(storage, manifest)
        except Exception as error:
            if not keep_going(what, error):
                raise
            note = f"the {what} could not be made: {type(error).__name__}: {error}"
            manifest = manifest.model_copy(update={field: None, "notes": [*manifest.notes, note]})
        else:
            manifest = manifest.model_copy(update={field: stored})
    return manifest, write_manifest(storage, manifest)
