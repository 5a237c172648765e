"""paletteflow: one logo, many colourways.

The library holds the colour maths, models, recolour engine, palette
generators, storage and image I/O; Prefect lives in `tasks/` and `flows/`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paletteflow")
except PackageNotFoundError:
    __version__ = "0+unknown"
