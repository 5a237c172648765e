"""The wider check's parts that can go wrong quietly: which art it takes, and how it draws it.
(Fetching the packages needs the network and is not tested here.)"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.image_set import SIDE
from benchmarks.wider_art import EMOJI_STRIDE, gradient_logos, outlined_emoji, rendered

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


def icon(package: Path, folder: str, name: str, text: str) -> None:
    path = package / "icons" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_it_takes_original_logos_with_a_gradient_that_the_image_set_does_not_have(tmp_path):
    icon(tmp_path, "maven", "maven-original.svg", GRADIENT_SVG)
    icon(tmp_path, "kotlin", "kotlin-original.svg", GRADIENT_SVG)  # in the image set
    icon(tmp_path, "flat", "flat-original.svg", FLAT_SVG)  # no gradient
    icon(tmp_path, "maven", "maven-plain.svg", GRADIENT_SVG)  # not the original style
    assert gradient_logos(tmp_path) == [("devicon-maven", GRADIENT_SVG)]


def test_it_takes_every_strideth_emoji_by_name_in_its_own_or_the_sets_box(tmp_path):
    body = '<rect width="10" height="5" fill="#45413c"/>'
    names = [f"emoji-{index:02d}" for index in range(2 * EMOJI_STRIDE + 1)]
    icons = {name: {"body": body} for name in reversed(names)}
    icons[names[EMOJI_STRIDE]] |= {"width": 20, "left": 2}
    icon_set = {"prefix": "set", "width": 10, "height": 5, "icons": icons}
    (tmp_path / "icons.json").write_text(json.dumps(icon_set), encoding="utf-8")
    art = outlined_emoji(tmp_path)
    assert [name for name, _ in art] == [f"streamline-{names[i]}" for i in (0, EMOJI_STRIDE, 20)]
    assert 'viewBox="0 0 10 5"' in art[0][1] and body in art[0][1]
    assert 'viewBox="2 0 20 5"' in art[1][1]
    alpha = np.asarray(rendered(art[0][1]))[..., 3]
    assert alpha[SIDE // 2].min() == 255  # the 2:1 box fills the width, centred


def test_a_wide_logo_is_drawn_centred_on_a_transparent_square_at_the_sets_side():
    image = rendered(GRADIENT_SVG)
    assert image.mode == "RGBA" and image.size == (SIDE, SIDE)
    alpha = np.asarray(image)[..., 3]
    rows = np.flatnonzero(alpha.max(axis=1))
    assert (
        alpha[0].max() == 0 and alpha[-1].max() == 0
    )  # the wide viewBox leaves bands above and below
    assert rows[-1] - rows[0] + 1 == SIDE // 2
    assert abs((rows[0] + rows[-1]) / 2 - (SIDE - 1) / 2) <= 1
