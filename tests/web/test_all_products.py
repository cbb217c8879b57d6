"""/collections/all, as Shopify's themes have it: every product of the shop, paged and
sorted like any collection, asked of the Storefront API's `products`."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

from storefront.demo_shop.catalog import load_catalog
from tests.web.conftest import text


def handles_and_next(client, url: str) -> tuple[list[str], str | None]:
    page = text(client.get(url))
    handles = re.findall(r'class="card__link" href="/products/([a-z0-9-]+)"', page)
    found = re.search(r'rel="next" href="([^"]+)"', page)
    return handles, unescape(found.group(1)) if found else None


def test_every_product_of_the_shop_page_by_page(client, sent):
    reply = client.get("/collections/all")
    assert reply.status_code == 200
    page = text(reply)
    assert re.search(r"<h1[^>]*>All products</h1>", page)
    seen, url = [], "/collections/all"
    while url:
        handles, url = handles_and_next(client, url)
        seen += handles
    catalog = {product.handle for product in load_catalog().products}
    assert len(seen) == len(set(seen)) == len(catalog) and set(seen) == catalog
    asked = {name for name, _ in sent.sent}
    assert "AllProducts" in asked and "CollectionPage" not in asked


def test_sorted_and_filtered_as_the_shopper_asks(client, sent):
    page = text(client.get("/collections/all?sort_by=price-ascending&available=1"))
    prices = [Decimal(p.replace(",", "")) for p in
              re.findall(r'class="price__amount">\$([0-9,.]+)<', page)]
    assert len(prices) >= 2 and prices == sorted(prices)
    variables = next(v for name, v in sent.sent if name == "AllProducts")
    assert variables["sortKey"] == "PRICE" and variables["reverse"] is False
    assert variables["query"] == "available_for_sale:true"
    assert client.get("/collections/all?sort_by=created-descending").status_code == 200
    newest = [v for name, v in sent.sent if name == "AllProducts"][-1]
    assert newest["sortKey"] == "CREATED_AT" and newest["reverse"] is True


def test_the_first_tile_loads_at_once_and_no_alt_repeats_its_title(client):
    page = text(client.get("/collections/apparel"))
    images = re.findall(r'<img class="card__image"[^>]*>', page)
    assert len(images) >= 2
    assert 'fetchpriority="high"' in images[0] and 'loading="lazy"' not in images[0]
    assert all('loading="lazy"' in image and "fetchpriority" not in image
               for image in images[1:])
    titles = re.findall(r'<h3 class="card__title">([^<]+)</h3>', page)
    alts = [re.search(r'alt="([^"]*)"', image).group(1) for image in images]
    assert not set(alts) & set(titles)
