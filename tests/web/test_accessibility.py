"""Accessibility basics on every page: landmarks, labelled fields, alt text, a skip link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.web.conftest import post, text

PAGES = ["/", "/collections", "/collections/apparel", "/products/organic-cotton-tee",
         "/search?q=linen", "/pages/about", "/cart", "/@maya", "/no-such-page"]


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == name]


@pytest.mark.parametrize("url", PAGES)
def test_landmarks_labels_alt_text_and_skip_link(client, url):
    post(client, "/cart/add", {"variant_id": "1003"})  # so the cart page has its forms
    page = Page()
    page.feed(text(client.get(url, follow_redirects=True)))
    for landmark in ("header", "nav", "main", "footer"):
        assert page.all(landmark), f"{url}: no <{landmark}>"
    assert any(a.get("href") == "#main" for a in page.all("a")), "no skip link"
    labelled = {label["for"] for label in page.all("label") if label.get("for")}
    for field in page.all("input") + page.all("select") + page.all("textarea"):
        if field.get("type") in ("hidden", "submit"):
            continue
        assert field.get("id") in labelled or field.get("aria-label"), (url, field)
    for image in page.all("img"):
        assert "alt" in image, (url, image)
