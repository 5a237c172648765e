"""Each base image decoded and analysed once per process, by whichever step needs it first.

A run touches its base image at several steps: the CLI checks it before the
run, the upload task validates it, the image-seeded palettes need its colours,
and every recolour task needs its analysis. Decoding at each step and
analysing in each task would cost more than the recolouring itself. Entries
are keyed by the bytes' SHA-256, so any storage backend and any run with the
same bytes share one; a task in another process (a Dask worker) fills that
process's cache once, from storage.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from PIL import Image

from paletteflow.images.io import check_pixel_limit, decode_image
from paletteflow.images.recent import RecentlyUsed
from paletteflow.models import BaseImage
from paletteflow.recolor import Analysis, analyze
from paletteflow.storage import Storage


@dataclass
class _Entry:
    image: Image.Image
    analysis: Analysis | None = None


class BaseImageCache:
    """The last `capacity` base images: a run needs one, a few runs at once need a few."""

    def __init__(self, capacity: int = 2) -> None:
        self._entries: RecentlyUsed[_Entry] = RecentlyUsed(capacity)
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def decode(self, data: bytes, *, max_pixels: int, sha256: str | None = None) -> Image.Image:
        """Validated pixels of `data`; a cached image is still held to this caller's pixel limit."""
        key = sha256 or hashlib.sha256(data).hexdigest()
        entry = self._entries.get(key)
        if entry is not None:
            check_pixel_limit(entry.image.size, max_pixels)
            return entry.image
        image = decode_image(data, max_pixels=max_pixels)
        self._entries.put(key, _Entry(image))
        return image

    def analysed(self, storage: Storage, base: BaseImage) -> tuple[Image.Image, Analysis]:
        """Pixels and analysis of a stored base; concurrent callers wait for one analysis."""
        entry = self._entries.get(base.sha256)
        if entry is not None and entry.analysis is not None:
            return entry.image, entry.analysis
        with self._lock:
            loading = self._loading.setdefault(base.sha256, threading.Lock())
        with loading:
            entry = self._entries.get(base.sha256)
            if entry is None:
                # Stored only after validation, so its own size is the limit to hold it to.
                entry = _Entry(
                    decode_image(storage.read(base.path), max_pixels=base.width * base.height)
                )
            if entry.analysis is None:
                entry = _Entry(entry.image, analyze(entry.image))
                self._entries.put(base.sha256, entry)
            with self._lock:
                self._loading.pop(base.sha256, None)
            return entry.image, entry.analysis


BASE_IMAGES = BaseImageCache()
