"""SVG colourways: every colour form read and rewritten, the engine's decisions, the outputs end to end."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from coloraide import Color
from PIL import Image

from benchmarks.recolor_quality import measure, prepare_source
from flows.palette_variations import palette_variations
from paletteflow.color import (
    ciede2000,
    delta_e,
    linear_to_cielab,
    oklab_to_oklch,
    srgb_to_linear,
    srgb_to_oklab,
)
from paletteflow.images.io import decode_image, sniff_format
from paletteflow.models import Palette, VariationRequest
from paletteflow.palettes.offline import generate_offline
from paletteflow.recolor import analyze, recolor_image
from paletteflow.stages.services import ImageService
from paletteflow.storage import Storage
from paletteflow.svg import is_svg, load_document, render_image
from paletteflow.svg.css_colors import TOKEN, parse_color
from paletteflow.svg.recolor import recolor_svg, recolor_svg_data

ART = Path(__file__).resolve().parent.parent / "benchmarks" / "images" / "svg"
CLI = str(Path(sys.executable).parent / "paletteflow")
HAND_WRITTEN = Palette(name="hand", colors=["#264653", "#2a9d8f", "#e9c46a", "#e76f51"])
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'

EVERY_FORM = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand: every place and every CSS form a colour can take -->
<svg {SVG_NS} viewBox="0 0 100 100" color="hsl(200, 80%, 40%)">
  <style>
    .a {{ fill: rgb(200 30 40 / 50%); stroke:#0c0 }}
    #b{{fill:rebeccapurple!important}}
  </style>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#abc"/><stop offset="1"
      style="stop-color: RGBA(10, 20, 30, .25)"/></linearGradient>
    <filter id="f"><feFlood flood-color="#11223380"/>
      <feDiffuseLighting lighting-color="hsla(0.5turn 50% 50% / 1)"><feDistantLight/>
      </feDiffuseLighting></filter>
  </defs>
  <rect width="100" height="50" fill="url(#g) #f0f"/>
  <rect class="a" y="50" width="50" height="50"/>
  <rect id="b" x="50" y="50" width="25" height="50" stroke="currentColor"/>
  <circle cx="88" cy="75" r="10" style="fill:#abcd;stroke: rgb(10%, 20%, 30%)"/>
  <path d="M0 0h5v5z" fill="none" stroke="transparent"/>
</svg>
"""
# The distinct colours above (as CSS Color 4 reads them; coloraide checks the parser below), and
# the black the rect without a fill of its own is given on the root.
EVERY_FORM_COLORS = 13


def read_colors(text: str) -> list[str]:
    """Every colour token of a document's colour properties, as written."""
    values = re.findall(
        r'(?:fill|stroke|stop-color|flood-color|lighting-color|color)\s*[:=]\s*"?([^;"}]*)', text
    )
    found = []
    for value in values:
        value = re.sub(r"url\([^)]*\)", "", value)
        found += [m.group() for m in TOKEN.finditer(value) if parse_color(m.group()) is not None]
    return found


@pytest.mark.parametrize(
    "text",
    [
        "#abc",
        "#abcd",
        "#a1b2c3",
        "#a1b2c380",
        "rgb(10, 20, 30)",
        "rgba(10,20,30,0.5)",
        "rgb(10 20 30 / 50%)",
        "rgb(10%, 20%, 30.5%)",
        "hsl(120, 50%, 50%)",
        "hsla(120deg 50% 25% / .25)",
        "hsl(0.5turn 100% 25%)",
        "hsl(3.1416rad 40% 60%)",
        "hsl(200grad 40% 60%)",
        "rebeccapurple",
        "RED",
        "transparent",
    ],
)
def test_css_color_forms_read_as_coloraide_reads_them(text):
    color = parse_color(text)
    expected = Color(text).convert("srgb")
    assert color is not None
    assert [color.red, color.green, color.blue] == pytest.approx(expected.coords(), abs=1e-6)
    assert color.alpha == pytest.approx(expected.alpha(), abs=1e-6)


@pytest.mark.parametrize("text", ["none", "currentColor", "inherit", "url(#a)", "#ab", "#abcde"])
def test_words_and_references_are_no_colors(text):
    assert parse_color(text) is None


@pytest.mark.parametrize(
    "data",
    [
        EVERY_FORM.encode(),
        b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>",
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/'
        b'svg11.dtd">\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"></svg:svg>',
        "<svg xmlns='http://www.w3.org/2000/svg'></svg>".encode("utf-16"),
    ],
    ids=["prolog-and-comment", "bom", "doctype-and-prefix", "utf-16"],
)
def test_svg_is_recognised_by_content(data):
    assert is_svg(data)
    assert sniff_format(data) == "SVG"


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><html><body><svg></svg></body></html>",
        b"<?xml version='1.0'?><rss><svg/></rss>",
        b"\x89PNG\r\n\x1a\n",
        b"svg",
        b" " * 70000 + b"<svg/>",
    ],
    ids=["html-with-inline-svg", "other-xml", "png-header", "a-word", "past-the-sniffed-head"],
)
def test_other_content_is_not_svg(data):
    assert not is_svg(data)


def test_every_color_in_every_place_is_found_and_rewritten_with_its_alpha():
    document = load_document(EVERY_FORM.encode())
    assert len(document.colors) == EVERY_FORM_COLORS
    translucent = {round(c.alpha, 4) for c in document.colors if c.alpha < 1}
    assert translucent == {0.0, 0.5, 0.25, round(0x80 / 255, 4), round(0xDD / 255, 4)}
    text = document.with_colors([(1, 2, 3)] * EVERY_FORM_COLORS)
    written = read_colors(text)
    assert written, text
    for token in written:
        color = parse_color(token)
        assert color is not None and color.rgb8 == (1, 2, 3), token
    # References, keywords and the style sheet's other text stay as written.
    for kept in ('url(#g) #010203"', 'stroke="currentColor"', "!important", 'fill="none"'):
        assert kept in text
    assert "rgba(1, 2, 3, 0.5)" in text and "rgba(1, 2, 3, 0.25)" in text
    assert len(written) == len(read_colors(document.source))


def test_recoloring_writes_the_same_text_for_the_same_inputs_and_it_renders():
    data = EVERY_FORM.encode()
    first = recolor_svg_data(data, HAND_WRITTEN)
    assert first == recolor_svg_data(data, HAND_WRITTEN)
    assert first != load_document(data).source
    assert render_image(first).getbbox() is not None


def test_colors_left_to_their_initial_value_are_written_out_and_recolored():
    # OpenMoji's person draws its eyes without a fill: black by default.
    source = load_document((ART / "openmoji-person.svg").read_bytes()).source
    assert re.match(r'<svg [^>]*fill="#000000"', source)
    text = recolor_svg_data((ART / "openmoji-person.svg").read_bytes(), HAND_WRITTEN, keep="none")
    assert not re.match(r'<svg [^>]*fill="#000000"', text)
    kept = recolor_svg_data((ART / "openmoji-person.svg").read_bytes(), HAND_WRITTEN, keep="black")
    assert re.match(r'<svg [^>]*fill="#000000"', kept)
    assert 'stroke="#000000"' in kept


def test_auto_draws_an_svgs_black_lines_in_a_spare_dark_palette_color_as_for_pixels():
    data = (ART / "openmoji-person.svg").read_bytes()
    navy = Palette(name="navy", colors=["#1d3557", "#e63946", "#f1faee", "#a8dadc", "#457b9d"])
    drawn = recolor_svg_data(data, navy)
    strokes = set(re.findall(r'stroke="(#[0-9a-fA-F]{6})"', drawn))
    assert strokes and "#000000" not in strokes
    assert all(delta_e(stroke, "#1d3557") <= 8.0 for stroke in strokes)
    pastels = Palette(
        name="pastels", colors=["#ffd6e0", "#c1e7ff", "#d7f9d0", "#fff5ba", "#e6d4ff"]
    )
    assert set(re.findall(r'stroke="(#[0-9a-fA-F]{6})"', recolor_svg_data(data, pastels))) == {
        "#000000"
    }


def _oklch(tokens: list[str]) -> np.ndarray:
    rgb = np.array([parse_color(t).rgb8 for t in tokens], dtype=float) / 255.0
    return oklab_to_oklch(srgb_to_oklab(rgb))


def _cielab(tokens: list[str]) -> np.ndarray:
    rgb = np.array([parse_color(t).rgb8 for t in tokens], dtype=float) / 255.0
    return linear_to_cielab(srgb_to_linear(rgb))


def off_palette(source: str, text: str, palette: Palette) -> list[str]:
    """Output colours that are no palette colour, no tint or shade of one and no kept neutral.

    A palette colour: within CIEDE2000 8 of one. A tint or shade: within 25
    degrees of OKLCh hue of a chromatic palette colour (or 0.035 of hue
    distance, for colours near grey), or (nearly grey) a lightness step of a
    nearly grey one. A kept neutral: a colour of the source, as it was, that
    is nearly grey (black, white or grey).
    """
    before = {parse_color(token).rgb8 for token in read_colors(source)}
    after = read_colors(text)
    palette_lab = _cielab(palette.colors)
    palette_lch = _oklch(palette.colors)
    output_lch = _oklch(after)
    distance = ciede2000(_cielab(after)[:, None], palette_lab[None])
    wrong = []
    for i, token in enumerate(after):
        _, chroma, hue = output_lch[i]
        if distance[i].min() <= 8.0 or (parse_color(token).rgb8 in before and chroma < 0.02):
            continue
        turn = np.abs((palette_lch[:, 2] - hue + 180.0) % 360.0 - 180.0)
        # The hue difference as a distance (CIEDE2000's dH, in OKLab): a hue matters little
        # where either colour is nearly grey.
        hue_distance = 2.0 * np.sqrt(palette_lch[:, 1] * chroma) * np.sin(np.radians(turn) / 2)
        chromatic = (palette_lch[:, 1] > 0.03) & ((turn <= 25.0) | (hue_distance <= 0.035))
        grey = (palette_lch[:, 1] <= 0.05) & (chroma <= 0.04)
        if not (chromatic | grey).any():
            wrong.append(token)
    return wrong


ART_CASES = ["devicon-azure", "devicon-chrome", "devicon-kotlin", "fox", "openmoji-flag-germany"]


@pytest.mark.parametrize("name", ART_CASES)
def test_every_output_color_is_a_palette_color_a_tint_or_shade_of_one_or_a_kept_neutral(name):
    data = (ART / f"{name}.svg").read_bytes()
    document = load_document(data)
    analysis = analyze(render_image(document.source))
    palettes = [HAND_WRITTEN, *generate_offline("harbor at sunset", "a lighthouse", 3)]
    for palette in palettes:
        text = recolor_svg(document, palette, analysis)
        assert off_palette(document.source, text, palette) == [], palette.name


def test_strength_zero_keeps_every_color_and_a_half_lies_between():
    data = (ART / "fox.svg").read_bytes()
    document = load_document(data)
    before = np.array([parse_color(t).rgb8 for t in read_colors(document.source)], float)
    unchanged = recolor_svg_data(data, HAND_WRITTEN, strength=0.0)
    assert [parse_color(t).rgb8 for t in read_colors(unchanged)] == [
        tuple(int(v) for v in row) for row in before
    ]
    full = np.array(
        [parse_color(t).rgb8 for t in read_colors(recolor_svg_data(data, HAND_WRITTEN))], float
    )
    half = np.array(
        [
            parse_color(t).rgb8
            for t in read_colors(recolor_svg_data(data, HAND_WRITTEN, strength=0.5))
        ],
        float,
    )
    moved = np.abs(full - before).sum(axis=1) > 30
    assert moved.any()
    assert (np.abs(half - before).sum(axis=1)[moved] > 5).all()
    assert (np.abs(half - full).sum(axis=1)[moved] > 5).all()


QUALITY_CASES = ["devicon-azure", "devicon-chrome", "devicon-python", "bee", "openmoji-fox"]


def test_renders_of_svg_colorways_score_as_well_as_rasterise_then_recolor():
    """The benchmark's measures, on a subset: the mean over cases is no worse than the raster engine's.

    Smoothness is left out: on smooth gradients it correlates the 8-bit rounding
    steps of two renders, and an SVG colourway's gradient is rendered anew
    (docs/svg.md has the figures). Palette-true may trail by 0.02 on this
    Chrome-heavy subset: where a shape is seen only through a translucent
    overlay (Chrome's ring, white under 10% black), the raster engine recolours
    the composite it sees, while the SVG can rewrite only the colours beneath.
    """
    palettes = [HAND_WRITTEN, *generate_offline("lavender field", "a bee", 2)]
    scores = {"svg": [], "raster": []}
    for name in QUALITY_CASES:
        document = load_document((ART / f"{name}.svg").read_bytes())
        source_image = render_image(document.source, 1024)
        source = prepare_source(source_image)
        analysis = analyze(render_image(document.source))
        for palette in palettes:
            svg = render_image(recolor_svg(document, palette, analysis), 1024)
            raster = recolor_image(source_image, palette)
            scores["svg"].append(measure(source, svg, palette.colors))
            scores["raster"].append(measure(source, raster, palette.colors))
    for field in ("palette_true", "edge_contrast", "distinct"):
        means = {}
        for approach, qualities in scores.items():
            values = [getattr(q, field) for q in qualities if getattr(q, field) is not None]
            means[approach] = np.mean(values)
        margin = 0.02 if field == "palette_true" else 0.01
        assert means["svg"] >= means["raster"] - margin, (field, means)
    assert all(q.alpha_kept == 1.0 for q in scores["svg"])


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


def test_cli_recolor_writes_svg_png_and_webp_from_an_svg(tmp_path):
    source = ART / "devicon-chrome.svg"
    colors = "#264653,#2a9d8f,#e9c46a,#f4a261,#e76f51"
    for suffix in ("svg", "png", "webp"):
        result = run_cli(
            "recolor", str(source), "--colors", colors, "-o", str(tmp_path / f"c.{suffix}")
        )
        assert result.returncode == 0, result.stderr
    text = (tmp_path / "c.svg").read_text()
    assert is_svg(text.encode()) and text == recolor_svg_data(
        source.read_bytes(), Palette(name="custom", colors=colors.split(","))
    )
    png = Image.open(tmp_path / "c.png")
    assert png.format == "PNG" and png.mode == "RGBA"
    assert np.array_equal(np.asarray(png), np.asarray(render_image(text)))
    assert np.array_equal(np.asarray(Image.open(tmp_path / "c.webp")), np.asarray(png))


def test_cli_recolor_refuses_svg_output_for_a_raster_image(tmp_path):
    result = run_cli(
        "recolor",
        str(ART.parent / "fox.png"),
        "--colors",
        "#264653,#2a9d8f,#e9c46a",
        "-o",
        str(tmp_path / "fox.svg"),
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: svg output needs an SVG image and this one is PNG; use png or webp"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("image_format", ["auto", "png"])
def test_the_flow_makes_svg_colorways_with_their_png_renders(prefect_api, tmp_path, image_format):
    storage = tmp_path / "results"
    request = VariationRequest(
        image=str(ART / "devicon-python.svg"),
        theme="harbor at sunset",
        logo_description="a snake",
        n=2,
        storage=str(storage),
        format=image_format,
    )
    variations = palette_variations(request)
    assert len(variations) == 2
    for variation in variations:
        svg_key = (variation["png_path"] and variation["image_path"]) or variation["svg_path"]
        png_key = variation["png_path"] or variation["image_path"]
        assert variation["image_path"].endswith(f".{'png' if image_format == 'png' else 'svg'}")
        assert svg_key.endswith(".svg") and png_key.endswith(".png")
        assert svg_key.removesuffix(".svg") == png_key.removesuffix(".png")
        text = (storage / svg_key).read_text()
        rendered = Image.open(storage / png_key)
        assert np.array_equal(np.asarray(rendered), np.asarray(render_image(text)))
        assert variation["image_url"] == (storage / variation["image_path"]).as_uri()
        other = "png" if image_format == "auto" else "svg"
        assert variation[f"{other}_url"] == (storage / variation[f"{other}_path"]).as_uri()
    sheet = Image.open(storage / variations[0]["contact_sheet_path"])
    assert sheet.format == "PNG"
    gallery = (storage / variations[0]["gallery_path"]).read_text()
    assert ("Download SVG" in gallery) == (image_format == "auto")
    base = next((storage / "anonymous").glob("*/base-*.svg"))
    original = (ART / "devicon-python.svg").read_bytes()
    assert base.read_bytes() == load_document(original).source.encode()  # stored defused


def test_a_rerun_reuses_both_files_and_writes_nothing(prefect_api, tmp_path):
    request = VariationRequest(
        image=str(ART / "fox.svg"), theme="forest", n=1, storage=str(tmp_path)
    )
    first = palette_variations(request)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    second = palette_variations(request)
    assert [v["image_path"] for v in first] == [v["image_path"] for v in second]
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == stamps


def test_the_old_service_api_takes_svg_bytes(tmp_path):
    import asyncio

    service = ImageService(Storage(str(tmp_path)))
    data = (ART / "rainbow.svg").read_bytes()
    variations = asyncio.run(
        service.create_palette_variations(data, [HAND_WRITTEN.model_dump()], "someone")
    )
    (variation,) = variations
    assert variation["image_path"].endswith(".svg")
    assert (tmp_path / variation["png_path"]).is_file()
    assert decode_image((tmp_path / variation["image_path"]).read_bytes()).size == (512, 512)


def test_a_stored_svg_base_is_defused_and_draws_the_same(tmp_path):
    """Opened from storage (a public URL), the base must not run what the upload carried."""
    import asyncio

    clean = (ART / "rainbow.svg").read_text()
    hostile = clean.replace("<svg ", "<svg onload=\"fetch('http://127.0.0.1:9/')\" ", 1).replace(
        "</svg>", "<script>document.title='owned'</script></svg>"
    )
    assert "<script>" in hostile and "onload" in hostile
    service = ImageService(Storage(str(tmp_path)))
    asyncio.run(
        service.create_palette_variations(hostile.encode(), [HAND_WRITTEN.model_dump()], "someone")
    )
    (base,) = tmp_path.glob("someone/*/base-*.svg")
    stored = base.read_text()
    assert "script" not in stored and "onload" not in stored and "127.0.0.1" not in stored
    render = np.asarray(decode_image(base.read_bytes()))
    assert np.array_equal(render, np.asarray(decode_image(clean.encode())))


def test_an_svg_decodes_to_its_render():
    image = decode_image((ART / "devicon-azure.svg").read_bytes())
    assert (image.mode, image.size) == ("RGBA", (512, 512))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert image.getbbox() is not None


def test_an_svg_is_read_from_http_and_fsspec_urls_like_any_image(tmp_path):
    import functools
    import http.server
    import threading

    import fsspec

    from paletteflow.images.io import read_image_source

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ART))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/fox.svg"
        result = run_cli(
            "recolor", url, "--colors", "#264653,#2a9d8f,#e9c46a", "-o", str(tmp_path / "f.svg")
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "f.svg").read_text() == recolor_svg_data(
        (ART / "fox.svg").read_bytes(),
        Palette(name="custom", colors=["#264653", "#2a9d8f", "#e9c46a"]),
    )
    with fsspec.open("memory://svg-input/logo", "wb") as handle:
        handle.write((ART / "rainbow.svg").read_bytes())
    data = read_image_source("memory://svg-input/logo")
    assert sniff_format(data) == "SVG" and decode_image(data).size == (512, 512)
