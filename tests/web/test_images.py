"""Images: `srcset` and `sizes` from Shopify's CDN width transforms, the page's largest
image loaded first (never lazy), the rest lazy, and width and height on every one."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from storefront.shopify import models as m
from storefront.web.filters import srcset
from tests.web.conftest import post


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append(dict(attrs))


def images(page: str) -> list[dict[str, str | None]]:
    parser = Images()
    parser.feed(page)
    return parser.found


def candidates(value: str) -> list[tuple[str, int]]:
    pairs = [item.strip().rsplit(" ", 1) for item in value.split(",")]
    return [(url, int(width.removesuffix("w"))) for url, width in pairs]


def test_srcset_asks_the_cdn_for_each_width_up_to_the_images_own():
    image = m.Image(url="https://cdn.example/files/a.jpg?v=3", alt=None, width=900, height=900)
    assert candidates(srcset(image, [800, 400, 1600, 400])) == [
        ("https://cdn.example/files/a.jpg?v=3&width=400", 400),
        ("https://cdn.example/files/a.jpg?v=3&width=800", 800),
        ("https://cdn.example/files/a.jpg?v=3&width=900", 900),
    ]
    unknown = m.Image(url="/demo-shop/files/a.svg", alt=None)
    assert [width for _, width in candidates(srcset(unknown, [200, 100]))] == [100, 200]
    assert srcset(None, [100]) == ""


@pytest.mark.parametrize("url", ["/", "/collections", "/collections/apparel", "/search?q=linen",
                                 "/products/linen-shirt", "/cart"])
def test_every_image_has_its_size_and_srcset(client, url):
    if url == "/cart":
        post(client, "/cart/add", {"variant_id": "2001"}, follow_redirects=True)
    found = images(client.get(url).get_data(as_text=True))
    assert found, url
    for img in found:
        assert img.get("width") and img.get("height"), (url, img)
        if "/demo-shop/files/" in (img.get("src") or "") and "logo" not in img["src"]:
            assert img.get("srcset") and img.get("sizes"), (url, img)
            assert all(f"width={width}" in link for link, width in candidates(img["srcset"]))


@pytest.mark.parametrize(("url", "first"), [
    ("/", "hero__image"), ("/collections/apparel", "card__image"),
    ("/products/linen-shirt", "product__image"),
])
def test_the_first_large_image_loads_first_and_the_rest_lazily(client, url, first):
    found = [img for img in images(client.get(url).get_data(as_text=True))
             if "logo" not in (img.get("src") or "")]
    lead = found[0]
    assert first in (lead.get("class") or "")
    assert lead.get("fetchpriority") == "high" and lead.get("loading") is None
    assert found[1:] and all(img.get("loading") == "lazy" for img in found[1:]), found[1:]
    assert sum(img.get("fetchpriority") == "high" for img in found) == 1


def test_the_product_pages_image_is_sized_for_the_layout(client):
    page = client.get("/products/linen-shirt").get_data(as_text=True)
    lead = images(page)[1]  # after the logo
    assert re.fullmatch(r"\(min-width: 72rem\) \d+rem, \(min-width: 48rem\) 50vw, 100vw",
                        lead["sizes"])
