"""The gallery as HTML text: escaped, locked down by its policy, relative links, deterministic."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import library_run

from paletteflow.models import Variation
from paletteflow.showcase.gallery import render_gallery
from paletteflow.showcase.store import store_gallery
from paletteflow.storage import Storage

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = '"><script>alert("desc")</script>'
HOSTILE_ERROR = "StorageError: <b onmouseover=alert(2)>refused</b>"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.inline else None

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.inline[self._open].append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def hostile_run(tmp_path, logo_png):
    return library_run(
        tmp_path,
        3,
        logo_png=logo_png,
        names=[HOSTILE_NAME],
        failures={2: HOSTILE_ERROR},
        theme=f"</title>{HOSTILE_TEXT}",
    )


def test_untrusted_text_is_escaped_everywhere(tmp_path, sample_logo_png):
    manifest = hostile_run(tmp_path, sample_logo_png)
    first = manifest.variations[0]
    manifest = manifest.model_copy(
        update={"variations": [first.model_copy(update={"description": HOSTILE_TEXT})]}
    )
    html = render_gallery(manifest)
    for raw in (HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_ERROR, "</title>" + HOSTILE_TEXT):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    elements = parse(html)
    assert [tag for tag, _ in elements.tags].count("script") == 1
    assert not [attrs for tag, attrs in elements.tags if tag == "img" and attrs["src"] == "x"]
    assert not any(name.startswith("on") for _, attrs in elements.tags for name in attrs)


def test_policy_allows_only_the_pages_own_style_and_script(tmp_path, sample_logo_png):
    html = render_gallery(hostile_run(tmp_path, sample_logo_png))
    elements = parse(html)
    policy = next(
        attrs["content"]
        for tag, attrs in elements.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    for kind in ("script", "style"):
        (text,) = elements.inline[kind]
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert directives[f"{kind}-src"] == f"'sha256-{digest}'"
    assert not any("style" in attrs for _, attrs in elements.tags), "no inline style attributes"


def test_links_are_relative_to_the_folder_and_name_existing_files(tmp_path, sample_logo_png):
    manifest = hostile_run(tmp_path, sample_logo_png)
    signed = "https://bucket.example/x.png?X-Amz-Security-Token=pf-token"
    manifest = manifest.model_copy(
        update={
            "variations": [
                Variation.model_validate({**v.model_dump(), "image_url": signed})
                for v in manifest.variations
            ]
        }
    )
    html = render_gallery(manifest)
    assert "X-Amz" not in html and "pf-token" not in html
    assert not re.search(r"(https?:)?//", html.replace("http-equiv", ""))
    folder = tmp_path / manifest.base_image.concept_dir
    links = [
        attrs.get("src") or attrs.get("href")
        for tag, attrs in parse(html).tags
        if tag in ("img", "a")
    ]
    assert len(links) == 2 + 1 + 2 * len(manifest.variations), links
    for link in links:
        assert not Path(link).is_absolute()
        assert (folder / link).is_file(), link


def test_the_same_manifest_gives_the_same_page_and_no_rewrite(tmp_path, sample_logo_png):
    manifest = hostile_run(tmp_path, sample_logo_png)
    path = tmp_path / manifest.gallery.path
    before = (path.stat().st_mtime_ns, path.stat().st_ino)
    assert path.read_text() == render_gallery(manifest)
    assert store_gallery(Storage(str(tmp_path)), manifest) == manifest.gallery
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


@pytest.mark.parametrize(("image_format", "label"), [("png", "PNG"), ("webp", "WebP")])
def test_the_download_label_names_the_format_of_the_file(
    tmp_path, sample_logo_png, image_format, label
):
    manifest = library_run(tmp_path, 2, logo_png=sample_logo_png, image_format=image_format)
    downloads = re.findall(r'download="([^"]+)">Download (\w+)<', render_gallery(manifest))
    assert len(downloads) == len(manifest.variations) == 2
    for file_name, said in downloads:
        assert file_name.endswith(f".{image_format}") and said == label, (file_name, said)
