"""paletteflow's PNG writer: valid files that decode, in Pillow, to exactly the pixels written."""

import io

import numpy as np
import pytest
from PIL import Image

from paletteflow.images.io import decode_image, encode_png
from paletteflow.images.png import ROWS_PER_BLOCK, write_png


def noise(mode: str, width: int, height: int, seed: int = 0) -> Image.Image:
    shape = (height, width, len(mode)) if len(mode) > 1 else (height, width)
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, np.uint8), mode)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
@pytest.mark.parametrize(
    ("width", "height"),
    [(1, 1), (7, ROWS_PER_BLOCK + 1), (513, ROWS_PER_BLOCK), (64, 3 * ROWS_PER_BLOCK - 5)],
)
def test_what_is_written_decodes_to_the_same_pixels(mode, width, height):
    image = noise(mode, width, height)
    data = write_png(image)
    with Image.open(io.BytesIO(data)) as checked:
        checked.verify()
    decoded = decode_image(data)
    assert decoded.mode == mode and decoded.size == (width, height)
    assert np.array_equal(np.asarray(decoded), np.asarray(image))


def test_flat_art_compresses_and_the_same_pixels_give_the_same_bytes(sample_logo):
    first = encode_png(sample_logo)
    assert first == encode_png(sample_logo.copy())
    assert len(first) < len(sample_logo.tobytes()) / 4
    assert np.array_equal(np.asarray(decode_image(first)), np.asarray(sample_logo))


@pytest.mark.parametrize("mode", ["L", "LA", "P", "I;16"])
def test_other_modes_go_to_pillow_and_keep_their_pixels(mode):
    image = noise("L", 9, 5).convert(mode)
    assert write_png(image) is None
    with Image.open(io.BytesIO(encode_png(image))) as decoded:
        assert decoded.mode == image.mode
        assert np.array_equal(np.asarray(decoded), np.asarray(image))
