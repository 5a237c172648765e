"""The wider logo check's parts that can go wrong quietly: which SVGs it takes, and how it draws
them. (Fetching the package needs the network and is not tested here.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.image_set import SIDE
from benchmarks.wider_logos import gradient_logos, rendered

GRADIENT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#0a7"/>'
    '<stop offset="1" stop-color="#7cf"/></linearGradient></defs>'
    '<rect width="40" height="20" fill="url(#g)"/></svg>'
)
FLAT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10" fill="#f00"/></svg>'
)


def icon(icons: Path, folder: str, name: str, text: str) -> Path:
    path = icons / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_it_takes_original_logos_with_a_gradient_that_the_image_set_does_not_have(tmp_path):
    wanted = icon(tmp_path, "maven", "maven-original.svg", GRADIENT_SVG)
    icon(tmp_path, "kotlin", "kotlin-original.svg", GRADIENT_SVG)  # in the image set
    icon(tmp_path, "flat", "flat-original.svg", FLAT_SVG)  # no gradient
    icon(tmp_path, "maven", "maven-plain.svg", GRADIENT_SVG)  # not the original style
    assert gradient_logos(tmp_path) == [("devicon-maven", wanted)]


def test_a_wide_logo_is_drawn_centred_on_a_transparent_square_at_the_sets_side(tmp_path):
    image = rendered(icon(tmp_path, "wide", "wide-original.svg", GRADIENT_SVG))
    assert image.mode == "RGBA" and image.size == (SIDE, SIDE)
    alpha = np.asarray(image)[..., 3]
    rows = np.flatnonzero(alpha.max(axis=1))
    assert (
        alpha[0].max() == 0 and alpha[-1].max() == 0
    )  # the wide viewBox leaves bands above and below
    assert rows[-1] - rows[0] + 1 == SIDE // 2
    assert abs((rows[0] + rows[-1]) / 2 - (SIDE - 1) / 2) <= 1
