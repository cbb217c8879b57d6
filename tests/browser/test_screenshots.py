"""Screenshots of the main pages on a phone and on a desktop, with a layout check.

The pictures land in $TEST_ARTIFACTS_DIR/screenshots/<page>-<width>.png (the run's summary
names the folder)
for a person to look at; the test checks what a machine can: each picture is
real, and nothing is wider than a phone's screen.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.browser import Page, expect

PRODUCT = "/products/organic-cotton-tee"
PAGES = {"home": "/", "product": PRODUCT, "cart": "/cart"}
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}

# Lazy images below the fold would be blank in a full-page picture: load them all.
LOAD_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  await document.fonts.ready;
}"""

# The page's widths, and what sticks out past the screen's (for the failure message).
# On a phone a too-wide page zooms out: innerWidth grows with scrollWidth.
OVERFLOW = """(screen) => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  culprits: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > screen + 0.5)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")),
})"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def save_screenshot(page: Page, name: str, options: dict, device: str) -> None:
    """Load every lazy image, save `<name>-<width>.png` full page, and check it.

    At phone width the page must not scroll sideways.
    """
    width = options["viewport"]["width"]
    page.evaluate(LOAD_IMAGES)
    folder = Path(os.environ["TEST_ARTIFACTS_DIR"]) / "screenshots"  # see tests/conftest.py
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{width}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    data = path.read_bytes()
    assert len(data) > 20_000, f"{path}: only {len(data)} bytes"
    shot_width, shot_height = png_size(data)
    assert shot_width == width
    assert shot_height >= options["viewport"]["height"]
    if device == "phone":
        layout = page.evaluate(OVERFLOW, width)
        assert layout["scrollWidth"] <= layout["innerWidth"] == width, layout


def add_a_line(page: Page) -> None:
    page.goto(PRODUCT)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("device", DEVICES)
def test_screenshot(open_page, device: str, name: str):
    options = DEVICES[device]
    page = open_page(**options)
    if name == "cart":
        add_a_line(page)
    page.goto(PAGES[name])
    expect(page.locator("main h1").first).to_be_visible()
    if name == "cart":
        expect(page.locator("tr.cart-line")).to_have_count(1)
    save_screenshot(page, name, options, device)
