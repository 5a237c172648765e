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

from PIL import Image

from paletteflow.images.recent import RecentlyUsed
from paletteflow.showcase.contact_sheet import fit_tile

# A run's base and up to 20 variations, a few runs over: 64 tiles of 320 px are about 26 MB.
CAPACITY = 64


class TileCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._tiles: RecentlyUsed[Image.Image] = RecentlyUsed(capacity)

    def keep(self, key: str, image: Image.Image) -> None:
        self._tiles.put(key, fit_tile(image))

    def get(self, key: str) -> Image.Image | None:
        return self._tiles.get(key)


TILES = TileCache()
