import io

import numpy as np
import pytest
from odd_images import (
    animated_gif,
    animated_png,
    cmyk_jpeg,
    exif_rotated_jpeg,
    grey_alpha_png,
    palette_png_with_transparency,
    rgb16_png,
)
from PIL import Image

from paletteflow.errors import ImageInputError
from paletteflow.images.io import decode_image, frame_count, read_image_source
from paletteflow.secrets import redact_url


def _png(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj", "not an image"),
        (b"<!doctype html><html></html>", "not an image"),
    ],
)
def test_non_images_get_one_clear_error(data, message):
    with pytest.raises(ImageInputError, match=message):
        decode_image(data)


def test_truncated_png_is_refused(sample_logo_png):
    with pytest.raises(ImageInputError, match="truncated or corrupt"):
        decode_image(sample_logo_png[: len(sample_logo_png) // 2])


def test_pixel_limit_is_checked_before_decoding():
    data = _png(Image.new("L", (400, 300)))
    with pytest.raises(ImageInputError, match="400x300 has more than 100000 pixels"):
        decode_image(data, max_pixels=100_000)


def test_byte_limit_and_missing_file(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(ImageInputError, match="larger than 1000 bytes"):
        read_image_source(str(path), max_bytes=1000)
    with pytest.raises(ImageInputError, match="image not found"):
        read_image_source(str(tmp_path / "absent.png"))


@pytest.mark.parametrize(
    ("data", "mode", "size", "pixels"),
    [
        (animated_gif(), "RGB", (16, 16), {(0, 0): (255, 0, 0)}),
        (animated_png(), "RGBA", (16, 16), {(0, 0): (255, 0, 0, 255)}),
        (rgb16_png((65535, 32896, 0)), "RGB", (4, 4), {(0, 0): (255, 128, 0)}),
        (
            _png(Image.fromarray(np.full((8, 8), 65535, dtype=np.uint16))),
            "RGB",
            (8, 8),
            {(0, 0): (255, 255, 255)},
        ),
        (cmyk_jpeg((0, 255, 255, 0)), "RGB", (16, 16), {(8, 8): (255, 0, 0)}),
        (cmyk_jpeg((0, 0, 0, 0)), "RGB", (16, 16), {(8, 8): (255, 255, 255)}),
        (
            palette_png_with_transparency(),
            "RGBA",
            (2, 2),
            {(0, 0): (0, 0, 0, 0), (1, 0): (255, 0, 0, 255)},
        ),
        (
            grey_alpha_png(),
            "RGBA",
            (4, 4),
            {(0, 0): (200, 200, 200, 255), (3, 0): (200, 200, 200, 0)},
        ),
        (exif_rotated_jpeg(), "RGB", (10, 20), {(5, 2): (0, 0, 255), (5, 17): (255, 0, 0)}),
    ],
    ids=[
        "animated GIF",
        "animated PNG",
        "16-bit RGB PNG",
        "16-bit grey PNG",
        "CMYK JPEG red",
        "CMYK JPEG white",
        "palette PNG with transparency",
        "grey with alpha",
        "EXIF-rotated JPEG",
    ],
)
def test_unusual_images_are_handled_not_refused(data, mode, size, pixels):
    """Upright, first frame, 8-bit RGB or RGBA, colours and transparency kept."""
    image = decode_image(data)
    assert (image.mode, image.size) == (mode, size)
    for position, expected in pixels.items():
        assert np.abs(np.subtract(image.getpixel(position), expected)).max() <= 3, position


def test_frames_are_counted_for_the_manifest():
    counts = [
        frame_count(animated_gif()),
        frame_count(animated_png()),
        frame_count(rgb16_png((0, 0, 0))),
    ]
    assert counts == [3, 2, 1]


def test_credentials_are_redacted_from_urls():
    assert (
        redact_url("https://user:secret@example.test:8443/a.png")
        == "https://example.test:8443/a.png"
    )
    assert redact_url("s3://bucket/key.png") == "s3://bucket/key.png"
