"""The demo shop's `urlRedirects`, as Shopify's Storefront API serves them: filtered by
`path:` and `target:` (whole values, any case), paginated, and reachable by `node`."""

from __future__ import annotations

import pytest

from storefront.demo_shop.catalog import Redirect
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import run

QUERY = """
query Redirects($query: String, $first: Int, $after: String, $reverse: Boolean) {
  urlRedirects(query: $query, first: $first, after: $after, reverse: $reverse) {
    nodes { id path target }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    shop = DemoShop()
    shop.edit_redirects((
        Redirect(1, "/old-tee", "/products/organic-cotton-tee"),
        Redirect(2, "/Old-Bag", "/products/canvas-tote"),
        Redirect(3, "/press", "https://press.example/kit"),
        Redirect(4, "/gone", "/collections/all"),
    ))
    return shop


def found(shop, query: str | None, **variables) -> list[str]:
    data = run(shop, QUERY, {"query": query, "first": 10, **variables})
    return [node["path"] for node in data["urlRedirects"]["nodes"]]


def test_a_path_filter_matches_the_whole_path_in_any_case(shop):
    assert found(shop, "path:/old-tee") == ["/old-tee"]
    assert found(shop, 'path:"/old-bag"') == ["/Old-Bag"]
    assert found(shop, "path:/old") == []


def test_a_target_filter_and_alternatives(shop):
    assert found(shop, "target:/collections/all") == ["/gone"]
    assert found(shop, "path:/press OR path:/gone") == ["/press", "/gone"]
    assert found(shop, "-path:/press") == ["/old-tee", "/Old-Bag", "/gone"]


def test_words_match_inside_path_or_target(shop):
    assert found(shop, "canvas") == ["/Old-Bag"]


def test_pages_of_redirects(shop):
    first = run(shop, QUERY, {"first": 3})["urlRedirects"]
    assert [n["path"] for n in first["nodes"]] == ["/old-tee", "/Old-Bag", "/press"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = found(shop, None, after=first["pageInfo"]["endCursor"])
    assert rest == ["/gone"]
    assert found(shop, None, reverse=True) == ["/gone", "/press", "/Old-Bag", "/old-tee"]


def test_a_redirect_is_a_node(shop):
    node = run(shop, QUERY, {"query": "path:/press", "first": 1})["urlRedirects"]["nodes"][0]
    assert node["id"] == "gid://shopify/UrlRedirect/3"
    data = run(shop, '{ node(id: "gid://shopify/UrlRedirect/3") '
                     "{ ... on UrlRedirect { target } } }")
    assert data["node"] == {"target": "https://press.example/kit"}


def test_the_shipped_catalog_has_a_brands_redirects():
    paths = found(DemoShop(), None)
    assert "/shop" in paths and "/pages/about-us" in paths
