"""A creator page keeps its layout whatever the creator file leaves out: here a [hero]
without an image, in both shipped themes, on a phone, a tablet and a desktop.

Its text used to float over an image that was not there: from 768 px up the hero
had no height, and its card covered the header's search and menu, its button the
creator's name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import Browser, Page, store_with

NORA = """\
name = "Nora Lind"
bio = "Ceramics, linen and the odd candle: what I keep on the shelf by the window."

[hero]
title = "Picked by Nora"
subtitle = "Slow things for a small flat, chosen to last."
cta_label = "Shop Nora's picks"
cta_url = "/collections/home"
"""
WIDTHS = (390, 768, 1280)


@pytest.fixture(scope="module", params=["base", "atelier"])
def nora_store(request, tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp(f"nora-{request.param}")
    creators = root / "creators"
    creators.mkdir()
    (creators / "nora.toml").write_text(NORA)
    with store_with(root, creators, request.param) as url:
        yield url


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def overlaps(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hero_without_an_image_keeps_its_text_in_its_place(browser: Browser, nora_store: str,
                                                             width: int):
    context = browser.new_context(base_url=nora_store, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto("/@nora")
        hero, text = box(page, "section.hero"), box(page, ".hero__text")
        header, profile = box(page, "header.site-header"), box(page, ".creator-profile")
        # The hero holds its text, below the header and above the creator's profile.
        assert hero["height"] >= text["height"] > 0
        assert text["y"] >= hero["y"] and text["y"] + text["height"] <= hero["y"] + hero["height"]
        assert text["y"] >= header["y"] + header["height"]
        for selector in ("header.site-header input[type=search]", "header.site-header nav a",
                         "#creator-name"):
            for index in range(page.locator(selector).count()):
                shown = page.locator(selector).nth(index)
                if shown.is_visible():  # (a closed submenu's links are hidden)
                    target = shown.bounding_box()
                    assert not overlaps(box(page, ".hero__text .button"), target), selector
        assert not overlaps(text, profile)
    finally:
        context.close()
