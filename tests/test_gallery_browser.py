"""The gallery in a real headless Chromium (Debian's), opened from file:// as a person would.

One browser for the module, with a fresh profile. Every page records its
console messages, page errors, dialogs and requests; each test asserts there
were no errors and no request left file:// (or data:). Chromium missing is a
failure, not a skip: `make test` installs it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import library_run
from test_contact_sheet import ARTIFACTS

from flows.palette_variations import palette_variations
from paletteflow.color import contrast_ratio, hex_to_rgb
from paletteflow.models import Manifest, VariationRequest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            timeout=60_000,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield context
        context.close()


@dataclass
class Visit:
    """A page and what it did: console messages, uncaught errors, dialogs, request URLs."""

    page: object
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [] and self.dialogs == []
        assert [m for m in self.console if m.startswith(("error", "warning"))] == []
        assert self.requests, "the page loaded something"
        assert all(url.startswith(("file://", "data:")) for url in self.requests), self.requests


def visit(browser, index: Path, init_script: str | None = None) -> Visit:
    page = browser.new_page()
    seen = Visit(page)
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: seen.requests.append(request.url))
    if init_script:
        page.add_init_script(init_script)
    page.goto(index.as_uri(), wait_until="load")  # the load event waits for every image
    return seen


@pytest.fixture(scope="module")
def flow_run(prefect_api, tmp_path_factory, sample_logo_png) -> tuple[Path, Manifest]:
    """Seven variations of the transparent sample logo, made by the flow into a local folder."""
    folder = tmp_path_factory.mktemp("gallery-flow")
    image = folder / "logo.png"
    image.write_bytes(sample_logo_png)
    storage = folder / "results"
    variations = palette_variations(
        VariationRequest(
            image=str(image),
            theme="harbor at sunset, fresh and friendly",
            logo_description="a round badge with mountains",
            n=7,
            storage=str(storage),
        )
    )
    manifest = Manifest.model_validate_json((storage / variations[0]["manifest_path"]).read_text())
    return storage, manifest


# Every visible element with text of its own: the text, its colour, and the first opaque
# background behind it (its own or an ancestor's).
TEXT_COLORS = r"""
Array.from(document.querySelectorAll("body *"))
  .filter(e => e.offsetParent !== null && Array.from(e.childNodes).some(
    n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
  .map(e => {
    let ground = e;
    while (ground && /^rgba\(.*, 0\)$/.test(getComputedStyle(ground).backgroundColor)) {
      ground = ground.parentElement;
    }
    return [e.textContent.trim().slice(0, 40), getComputedStyle(e).color,
            ground ? getComputedStyle(ground).backgroundColor : "rgb(255, 255, 255)"];
  })
"""


def wait_until_copied(page, color: str) -> None:
    """By selector, not a polled expression: the page's policy forbids the eval that polling uses."""
    page.wait_for_selector(f'body[data-copied="{color}"]', state="attached")


def rgb(css: str) -> tuple[int, int, int]:
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


def hex_of(css: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb(css))


def assert_every_card_renders_readably(seen: Visit, folder: Path, manifest: Manifest) -> None:
    """A card per variation with its name, image, swatches in their colours and readable labels."""
    page = seen.page
    cards = page.locator("article.card")
    assert cards.count() == len(manifest.variations)
    widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
    assert len(widths) == 1 + len(manifest.variations) and all(width > 0 for width in widths)
    for number, variation in enumerate(manifest.variations):
        card = cards.nth(number)
        assert card.locator("h3").inner_text() == variation.name
        swatches = card.locator("button.swatch").evaluate_all(
            """buttons => buttons.map(b => [b.dataset.hex, getComputedStyle(b).backgroundColor,
                                            getComputedStyle(b).color, b.innerText])"""
        )
        assert [hex_ for hex_, *_ in swatches] == variation.colors
        for color, background, ink, label in swatches:
            assert rgb(background) == hex_to_rgb(color)
            assert contrast_ratio(hex_of(ink), color) >= 4.5, (color, ink)
            assert label.startswith(color)
        download = card.locator("a.download")
        assert download.get_attribute("download")
        assert (folder / manifest.base_image.concept_dir / download.get_attribute("href")).is_file()
    texts = page.evaluate(TEXT_COLORS)
    assert len(texts) > 8 * len(manifest.variations), "headings, descriptions, labels, links"
    for text, ink, ground in texts:
        assert contrast_ratio(hex_of(ink), hex_of(ground)) >= 4.5, (text, ink, ground)
    seen.assert_clean()


def test_the_flows_gallery_shows_every_variation(browser, flow_run):
    storage, manifest = flow_run
    assert len(manifest.variations) == 7
    seen = visit(browser, storage / manifest.gallery.path)
    assert_every_card_renders_readably(seen, storage, manifest)
    ARTIFACTS.mkdir(exist_ok=True)
    seen.page.screenshot(path=str(ARTIFACTS / "gallery-7.png"), full_page=True)
    shutil.copyfile(storage / manifest.contact_sheet.path, ARTIFACTS / "flow-contact-sheet-7.png")
    seen.page.close()


@pytest.mark.parametrize("n", [1, 20])
def test_galleries_of_1_and_20_variations(browser, tmp_path, sample_logo_png, n):
    manifest = library_run(tmp_path, n, logo_png=sample_logo_png)
    seen = visit(browser, tmp_path / manifest.gallery.path)
    assert_every_card_renders_readably(seen, tmp_path, manifest)
    ARTIFACTS.mkdir(exist_ok=True)
    seen.page.screenshot(path=str(ARTIFACTS / f"gallery-{n}.png"), full_page=True)
    seen.page.close()


def test_clicking_a_swatch_copies_its_hex(browser, flow_run):
    storage, manifest = flow_run
    seen = visit(browser, storage / manifest.gallery.path)
    page = seen.page
    color = manifest.variations[2].colors[1]
    page.locator(f'article.card >> nth=2 >> button[data-hex="{color}"]').click()
    wait_until_copied(page, color)
    assert page.locator("#copy-status").inner_text() == f"Copied {color}"
    assert page.evaluate("navigator.clipboard.readText()") == color
    seen.assert_clean()
    page.close()


def test_swatches_take_keyboard_focus_visibly_and_copy_on_enter(browser, flow_run):
    storage, manifest = flow_run
    seen = visit(browser, storage / manifest.gallery.path)
    page = seen.page
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.swatch')"):
            break
    focused = page.evaluate(
        """(() => { const b = document.activeElement, s = getComputedStyle(b);
                    return [b.dataset.hex, s.outlineStyle, parseFloat(s.outlineWidth)]; })()"""
    )
    assert focused[0] == manifest.variations[0].colors[0]
    assert focused[1] != "none" and focused[2] >= 2, focused
    page.keyboard.press("Enter")
    wait_until_copied(page, focused[0])
    seen.assert_clean()
    page.close()


def test_copy_falls_back_to_a_selection_without_the_clipboard_api(browser, flow_run):
    """As in a browser that does not treat file:// as a secure context: no navigator.clipboard."""
    storage, manifest = flow_run
    without_api = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"
    seen = visit(browser, storage / manifest.gallery.path, init_script=without_api)
    page = seen.page
    assert page.evaluate("navigator.clipboard") is None
    color = manifest.variations[0].colors[3]
    page.locator(f'button[data-hex="{color}"]').first.click()
    wait_until_copied(page, color)
    assert page.locator("#copy-status").inner_text() == f"Copied {color}"
    reader = browser.new_page()
    reader.goto((storage / manifest.gallery.path).as_uri())
    assert reader.evaluate("navigator.clipboard.readText()") == color
    reader.close()
    seen.assert_clean()
    page.close()


def test_hostile_names_render_as_text_and_failures_are_shown(browser, tmp_path, sample_logo_png):
    manifest = library_run(
        tmp_path,
        3,
        logo_png=sample_logo_png,
        names=[HOSTILE_NAME],
        failures={1: "StorageError: <script>alert(3)</script> refused"},
    )
    seen = visit(browser, tmp_path / manifest.gallery.path)
    page = seen.page
    assert page.locator("article.card h3").first.inner_text() == HOSTILE_NAME
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script").count() == 1
    failures = page.locator("li.failure").all_inner_texts()
    assert len(failures) == 1 and "<script>alert(3)</script> refused" in failures[0]
    assert page.locator("article.card").count() == 2
    seen.assert_clean()
    page.screenshot(path=str(ARTIFACTS / "gallery-hostile.png"), full_page=True)
    page.close()
