"""Titles, descriptions, canonical links, the sitemap and robots.txt."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from tests.web.conftest import text

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_titles_and_descriptions_come_from_shopify_seo(client):
    page = text(client.get("/products/organic-cotton-tee"))
    assert "<title>Organic Cotton Tee | Fernwood</title>" in page  # not "| Fernwood" twice
    assert re.search(r'<meta name="description" content="A heavyweight tee', page)
    collection = text(client.get("/collections/apparel"))
    assert "<title>Apparel | Fernwood</title>" in collection
    search = text(client.get("/search?q=<b>tee"))
    assert "<title>Search: &lt;b&gt;tee | Fernwood</title>" in search


def test_canonical_drops_the_query(client):
    page = text(client.get("/collections/apparel?sort_by=price-ascending&utm_source=x"))
    assert '<link rel="canonical" href="http://localhost/collections/apparel">' in page


def test_sitemap_index_and_parts_list_every_product_collection_and_page(client):
    reply = client.get("/sitemap.xml")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/xml")
    index = ElementTree.fromstring(reply.data)
    every = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    # The primary market's parts, then each other market's (tests/web/test_markets.py).
    parts = [part for part in every if part.startswith("http://localhost/sitemap-")]
    assert len(every) == 4 * len(parts)
    assert parts == [
        "http://localhost/sitemap-products-1.xml",
        "http://localhost/sitemap-collections-1.xml",
        "http://localhost/sitemap-pages-1.xml",
        "http://localhost/sitemap-blogs-1.xml",
        "http://localhost/sitemap-articles-1.xml",
    ]
    urls = []
    for part in parts:
        tree = ElementTree.fromstring(client.get(part.replace("http://localhost", "")).data)
        urls += [loc.text for loc in tree.findall("s:url/s:loc", NS)]
    assert "http://localhost/products/organic-cotton-tee" in urls
    assert "http://localhost/collections/apparel" in urls
    assert "http://localhost/pages/about" in urls
    assert "http://localhost/blogs/journal" in urls
    assert "http://localhost/blogs/journal/how-to-care-for-linen" in urls
    assert len([u for u in urls if "/products/" in u]) == 48
    assert not any("/@" in u or "/cart" in u for u in urls)


def test_sitemap_splits_large_catalogs(client, monkeypatch):
    from storefront.web import seo

    monkeypatch.setattr(seo, "PER_SITEMAP", 20)
    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert [p for p in parts if "products" in p and p.startswith("http://localhost/sitemap-")] == [
        f"http://localhost/sitemap-products-{n}.xml" for n in (1, 2, 3)
    ]
    third = ElementTree.fromstring(client.get("/sitemap-products-3.xml").data)
    assert len(third.findall("s:url", NS)) == 8
    assert client.get("/sitemap-products-4.xml").status_code == 404
    assert client.get("/sitemap-things-1.xml").status_code == 404


def test_robots_disallows_cart_checkout_and_search_and_lists_the_sitemap(client):
    reply = client.get("/robots.txt")
    assert reply.status_code == 200 and reply.mimetype == "text/plain"
    body = text(reply)
    for path in ("/cart", "/checkout", "/search"):
        assert f"Disallow: {path}\n" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


def test_private_pages_are_noindex(client):
    for url in ("/cart", "/search?q=linen"):
        assert '<meta name="robots" content="noindex">' in text(client.get(url))
    assert 'name="robots"' not in text(client.get("/products/organic-cotton-tee"))
