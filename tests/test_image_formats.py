"""Output formats: PNG and lossless WebP hold the same pixels, in the same bytes every time."""

import io
import struct

import numpy as np
import pytest
from conftest import BASE, FAST_S3_OPTIONS, PALETTE, flat_logo, photo_like
from PIL import Image

from paletteflow.errors import ImageInputError
from paletteflow.images.io import RASTER_FORMATS, check_image_format, decode_image, encode_image
from paletteflow.models import VariationRequest
from paletteflow.pipeline.base_image import check_inputs, store_base_image
from paletteflow.pipeline.variations import render_variation, variation_key
from paletteflow.storage import Storage


def hidden_color_logo() -> Image.Image:
    """A logo whose fully transparent pixels still carry a colour, which WebP drops unless exact."""
    pixels = np.asarray(flat_logo(64)).copy()
    pixels[pixels[..., 3] == 0, :3] = (200, 30, 90)
    return Image.fromarray(pixels, "RGBA")


@pytest.mark.parametrize("image_format", RASTER_FORMATS)
@pytest.mark.parametrize("make", [hidden_color_logo, photo_like], ids=["rgba", "rgb"])
def test_every_format_is_lossless_and_byte_deterministic(image_format, make):
    image = make()
    data = encode_image(image, image_format)
    assert encode_image(make(), image_format) == data
    decoded = decode_image(data)
    assert decoded.mode == image.mode
    assert np.array_equal(np.asarray(decoded), np.asarray(image))


def png_chunk_types(data: bytes) -> list[bytes]:
    types, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        types.append(data[offset + 4 : offset + 8])
        offset += length + 12
    return types


def test_nothing_but_pixels_is_written():
    """No time, text, profile or EXIF chunk: the bytes depend on the pixels alone."""
    image = hidden_color_logo()
    assert set(png_chunk_types(encode_image(image, "png"))) == {b"IHDR", b"IDAT", b"IEND"}
    webp = encode_image(image, "webp")
    # A simple lossless file is one VP8L chunk; metadata would need the extended (VP8X) layout.
    assert webp[8:16] == b"WEBPVP8L"
    assert struct.unpack("<I", webp[4:8])[0] == len(webp) - 8


def test_format_names_are_checked_and_webp_size_limit_is_named():
    assert check_image_format(" WebP ") == "webp"
    with pytest.raises(ValueError, match="unknown image format 'gif'; use png, webp or svg"):
        check_image_format("gif")
    wide = Image.new("RGB", (16384, 1))
    with pytest.raises(ImageInputError, match="webp holds at most 16383 pixels a side"):
        encode_image(wide, "webp")
    assert encode_image(wide, "png").startswith(b"\x89PNG")


def test_a_run_too_wide_for_webp_is_refused_before_it_starts(tmp_path):
    image = tmp_path / "banner.png"
    image.write_bytes(encode_image(Image.new("RGB", (16384, 2)), "png"))
    storage = Storage(str(tmp_path / "out"))
    check_inputs(VariationRequest(image=str(image)), storage)
    with pytest.raises(ImageInputError, match="16384x2; use png or downscale it"):
        check_inputs(VariationRequest(image=str(image), format="webp"), storage)


def test_png_keys_change_only_with_what_decides_the_pixels():
    """The fingerprint is pinned: the format adds to it only for WebP, and kept neutrals count.

    It last changed with recolour version 13 (a grainy picture keeps its grain).
    """
    assert variation_key(BASE, PALETTE, 1.0) == "u/c/variations/harbor-dusk-fa2f707f08dc.png"
    assert variation_key(BASE, PALETTE, 1.0, "webp").endswith(".webp")
    assert variation_key(BASE, PALETTE, 1.0, keep=("black", "white")) != variation_key(
        BASE, PALETTE, 1.0
    )


def test_key_extension_and_media_type_follow_the_format(bucket, sample_logo_png):
    storage = Storage(
        f"s3://{bucket.name}/base", {"endpoint_url": bucket.endpoint, **FAST_S3_OPTIONS}
    )
    base = store_base_image(storage, sample_logo_png, user_id="u", concept_id="c")
    png = render_variation(storage, base, PALETTE)
    webp = render_variation(storage, base, PALETTE, image_format="webp")
    assert png.image_path.startswith("u/c/variations/harbor-dusk-")
    assert png.image_path.endswith(".png") and webp.image_path.endswith(".webp")
    assert not webp.reused, "a PNG of the same palette is not a WebP"
    assert bucket.content_type(f"base/{png.image_path}") == "image/png"
    assert bucket.content_type(f"base/{webp.image_path}") == "image/webp"
    stored = bucket.read(f"base/{webp.image_path}")
    assert Image.open(io.BytesIO(stored)).format == "WEBP"
    assert np.array_equal(
        np.asarray(decode_image(stored)),
        np.asarray(decode_image(bucket.read(f"base/{png.image_path}"))),
    )
