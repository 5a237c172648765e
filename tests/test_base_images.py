"""The base image is decoded once and analysed once per process, whichever step asks first."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from paletteflow.errors import ImageInputError
from paletteflow.images.cache import BaseImageCache
from paletteflow.pipeline.base_image import store_base_image
from paletteflow.storage import Storage


def test_the_image_decoded_to_validate_it_is_the_one_analysed(sample_logo_png, tmp_path):
    cache = BaseImageCache()
    storage = Storage(str(tmp_path))
    checked = cache.decode(sample_logo_png, max_pixels=10**6)
    base = store_base_image(storage, sample_logo_png, user_id="u", concept_id="c")
    storage.delete(base.path)
    image, analysis = cache.analysed(storage, base)
    assert image is checked, "analysed from memory: the stored copy is gone"
    assert cache.analysed(storage, base) == (image, analysis)


def test_a_cached_image_is_still_held_to_each_callers_pixel_limit(sample_logo_png):
    cache = BaseImageCache()
    cache.decode(sample_logo_png, max_pixels=10**6)
    with pytest.raises(ImageInputError, match="256x256 has more than 1000 pixels"):
        cache.decode(sample_logo_png, max_pixels=1000)


def test_concurrent_tasks_share_one_analysis_read_from_storage(sample_logo_png, tmp_path):
    storage = Storage(str(tmp_path))
    base = store_base_image(storage, sample_logo_png, user_id="u", concept_id="c")
    cache = BaseImageCache()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: cache.analysed(storage, base), range(8)))
    assert all(result[1] is results[0][1] for result in results)


def test_the_oldest_base_makes_room(sample_logo_png, tmp_path):
    storage = Storage(str(tmp_path))
    base = store_base_image(storage, sample_logo_png, user_id="u", concept_id="c")
    cache = BaseImageCache(capacity=1)
    first, _ = cache.analysed(storage, base)
    cache.decode(sample_logo_png, max_pixels=10**6, sha256="another image")
    again, _ = cache.analysed(storage, base)
    assert again is not first, "decoded again from storage after being pushed out"
