import io

import numpy as np
import pytest
from PIL import Image

from paletteflow.errors import ImageInputError
from paletteflow.imageio import decode_image, read_image_source
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


def test_modes_are_normalised():
    palette_image = Image.new("P", (8, 8))
    palette_image.info["transparency"] = 0
    assert decode_image(_png(palette_image, transparency=0)).mode == "RGBA"
    assert decode_image(_png(Image.new("LA", (8, 8)))).mode == "RGBA"
    sixteen = Image.fromarray(np.full((8, 8), 65535, dtype=np.uint16))
    decoded = decode_image(_png(sixteen))
    assert decoded.mode == "RGB" and decoded.getpixel((0, 0)) == (255, 255, 255)
    cmyk = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 0, 0, 0)).save(cmyk, format="JPEG")
    assert decode_image(cmyk.getvalue()).mode == "RGB"


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (20, 10), "red")
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert decode_image(buffer.getvalue()).size == (10, 20)


def test_credentials_are_redacted_from_urls():
    assert (
        redact_url("https://user:secret@example.test:8443/a.png")
        == "https://example.test:8443/a.png"
    )
    assert redact_url("s3://bucket/key.png") == "s3://bucket/key.png"
