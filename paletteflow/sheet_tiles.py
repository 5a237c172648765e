"""Contact-sheet tiles, made by the step that already holds the full-size pixels.

The sheet shows the base image and every variation at tile size. Reading each
one back from storage to shrink it costs more than the shrinking: a 4096 px
PNG takes about 0.3 s to decode, 0.14 s to shrink. So the upload and the
recolour steps shrink what they hold, and the sheet takes the tiles from here.
A sheet made in a process that did not make the images (a Dask run) reads
them from storage instead. Keys are storage keys, which are content-addressed,
so a key always names the same pixels.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PIL import Image

from paletteflow.contact_sheet import fit_tile

# A run's base and up to 20 variations, a few runs over: 64 tiles of 320 px are about 26 MB.
CAPACITY = 64


class TileCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._tiles: OrderedDict[str, Image.Image] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, key: str, image: Image.Image) -> None:
        tile = fit_tile(image)
        with self._lock:
            self._tiles[key] = tile
            self._tiles.move_to_end(key)
            while len(self._tiles) > self._capacity:
                self._tiles.popitem(last=False)

    def get(self, key: str) -> Image.Image | None:
        with self._lock:
            return self._tiles.get(key)


TILES = TileCache()
