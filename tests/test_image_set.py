"""The recolour benchmark's image set: complete, credited, the planned modes, the same every time."""

from __future__ import annotations

import numpy as np

from benchmarks.image_set import (
    IMAGES,
    OTHER_GROUP,
    SIDE,
    gradient,
    group_of,
    load_image_set,
    photo_like,
)


def test_every_image_is_1024_square_in_the_engines_modes_and_emoji_are_credited() -> None:
    images = dict(load_image_set())
    credits = (IMAGES / "CREDITS.md").read_text()
    shipped = sorted(path.name for path in IMAGES.glob("*.png"))
    assert len(shipped) >= 10
    assert all(f"| {name} |" in credits for name in shipped)
    assert all(image.size == (SIDE, SIDE) for image in images.values())
    assert all(images[name.removesuffix(".png")].mode == "RGBA" for name in shipped)
    opaque = [name for name in images if "-on-" in name]
    assert len(opaque) == 3 + sum(group_of(name) != OTHER_GROUP for name in shipped)
    for name in opaque:
        border = np.asarray(images[name])[0]
        assert images[name].mode == "RGB"
        assert (border == border[0]).all()


def test_generated_images_are_deterministic() -> None:
    assert np.array_equal(np.asarray(gradient()), np.asarray(gradient()))
    assert np.array_equal(np.asarray(photo_like()), np.asarray(photo_like()))
