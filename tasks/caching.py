"""Cache keys from content hashes and storage keys, never from image bytes.

Prefect would otherwise hash every task input. Here a recolour is identified
by what determines its pixels and where it is stored (the same
content-addressed key its image gets), palettes by the request text and
generator, so a re-run of the same request skips finished tasks and shows
them as Cached. Results go to Prefect's default result storage, an fsspec
filesystem block: a local folder unless PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK
names a shared one (needed when Dask workers or several machines share runs).
Nothing is written to the run's own storage before its input is validated.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from prefect.context import TaskRunContext

from paletteflow.neutrals import DEFAULT_KEEP
from paletteflow.pipeline.variations import variation_key

CACHE_EXPIRATION = timedelta(days=1)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def recolor_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    key = variation_key(
        parameters["base"],
        parameters["palette"],
        parameters["strength"],
        parameters["image_format"],
        parameters.get("keep", DEFAULT_KEEP),
    )
    return _digest("recolor", parameters["storage"].model_dump_json(), key)


def palettes_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """The text, count, generator and its settings: not storage, ids or timings, which change no palette."""
    fields = parameters["request"].model_dump(
        mode="json", include={"theme", "logo_description", "n", "generator", "generator_settings"}
    )
    return _digest("palettes", json.dumps(fields, sort_keys=True))
