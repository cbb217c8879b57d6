"""Every catalog route: status, key content, headers, and what reached Shopify."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.web.conftest import text


def test_home_shows_hero_featured_products_and_collections(client, sent):
    reply = client.get("/")
    assert reply.status_code == 200
    page = text(reply)
    assert "Natural goods, made slowly" in page
    assert "Our favourites" in page and "Organic Cotton Tee" in page
    assert 'href="/collections/apparel"' in page
    assert "Demo shop" in page
    # Cold: the page's own data is one request; the layout (shop, menus) another.
    assert sorted(sent.names()) == ["HomePage", "Layout"]
    sent.clear()
    client.get("/")
    assert sent.names() == []  # warm: none


def test_menus_come_from_shopify_with_local_links(client):
    page = text(client.get("/"))
    assert 'href="/collections/new-arrivals"' in page
    assert 'href="/pages/faq"' in page
    assert "fernwood.example" not in page  # absolute shop URLs became relative links


def test_collections_list(client):
    page = text(client.get("/collections"))
    for title in ("Apparel", "Bags", "Drinkware", "Skincare"):
        assert title in page


def card_handles(page: str) -> list[str]:
    return re.findall(r'class="card__link" href="/products/([a-z0-9-]+)"', page)


def follow(client, url: str, rel: str) -> str | None:
    page = text(client.get(url))
    match = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return unescape(match.group(1)) if match else None


def test_pagination_reaches_every_product_once_both_ways(client):
    url, pages, seen = "/collections/apparel", [], []
    while url:
        page = text(client.get(url))
        pages.append(url)
        seen += card_handles(page)
        url = follow(client, url, "next")
    assert len(seen) == 10 and len(set(seen)) == len(seen)
    assert len(pages) == 1 or "after=" in pages[1]
    # and back again from the last page
    back, url = [], pages[-1]
    while url:
        back = card_handles(text(client.get(url))) + back
        url = follow(client, url, "prev")
    assert back == seen


@pytest.mark.parametrize(
    ("sort", "key"),
    [("price-ascending", None), ("price-descending", None), ("title-ascending", None)],
)
def test_sort_orders(client, sort, key):
    page = text(client.get(f"/collections/drinkware?sort_by={sort}"))
    assert f'value="{sort}" selected' in page
    handles = card_handles(page)
    assert len(handles) == 6
    if sort == "title-ascending":
        titles = re.findall(r'class="card__title">([^<]+)<', page)
        assert titles == sorted(titles)


def test_in_stock_filter(client):
    everything = card_handles(text(client.get("/collections/skincare")))
    in_stock = card_handles(text(client.get("/collections/skincare?available=1")))
    assert "rosehip-face-oil" in everything and "rosehip-face-oil" not in in_stock


@pytest.mark.parametrize(  # (an unknown sort_by goes to the default order: test_copy.py)
    "query", ["after=%00%01", "after=a&before=b", "before=" + "x" * 600]
)
def test_bad_collection_links_are_400(client, query):
    reply = client.get(f"/collections/apparel?{query}")
    assert reply.status_code == 400
    assert "Traceback" not in text(reply)


def test_product_page(client, sent):
    reply = client.get("/products/organic-cotton-tee")
    assert reply.status_code == 200
    page = text(reply)
    assert "Organic Cotton Tee" in page and "$38.00" in page
    assert "Size" in page and "Color" in page
    assert 'data-recommendations="/products/organic-cotton-tee/recommendations"' in page
    assert '<link rel="canonical" href="http://localhost/products/organic-cotton-tee">' in page
    assert sorted(sent.names()) == ["Layout", "ProductPage"]  # one request for the page


def test_recommendations_are_an_optional_section(client, sent):
    reply = client.get("/products/organic-cotton-tee/recommendations")
    assert reply.status_code == 200
    section = text(reply)
    assert "You may also like" in section and "<html" not in section
    assert "/products/organic-cotton-tee\"" not in section  # never the product itself
    assert (
        "ProductRecommendations",
        {"productId": None, "productHandle": "organic-cotton-tee", "intent": "RELATED",
         "country": "US", "language": "EN"},
    ) in sent.sent


def test_variant_selection_by_options_without_javascript(client):
    page = text(client.get("/products/organic-cotton-tee"))
    links = dict(re.findall(r'href="\?variant=(\d+)"[^>]*>\s*(?:<svg.*?</svg>)?([^<]+)', page))
    assert links
    # Pick "Forest": the page shows it selected and the URL names that variant.
    forest = next(v for v, label in links.items() if label.strip() == "Forest")
    chosen = text(client.get(f"/products/organic-cotton-tee?variant={forest}"))
    assert "Color: <strong>Forest</strong>" in chosen
    assert f'name="variant_id" value="{forest}"' in chosen
    # An option form (option[Name]=value) redirects to the variant's shareable URL.
    reply = client.get("/products/organic-cotton-tee?option[Size]=M&option[Color]=Forest")
    assert reply.status_code == 303 and "?variant=" in reply.headers["Location"]


def test_missing_combination_and_sold_out_are_shown(client):
    xs = text(client.get("/products/organic-cotton-tee?variant=1001"))  # XS / Oat
    assert "option__value--missing" in xs and "Charcoal" in xs  # XS / Charcoal is not made
    sold_out = text(client.get("/products/wool-gloves"))
    assert "Sold out" in sold_out and "disabled" in sold_out


def test_compare_at_price_is_shown(client):
    page = text(client.get("/products/linen-trousers"))
    assert "price__compare" in page


def test_product_json_ld_and_open_graph(client):
    page = text(client.get("/products/organic-cotton-tee"))
    data = json.loads(re.search(r'application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "Product" and data["name"] == "Organic Cotton Tee"
    assert data["offers"][0]["priceCurrency"] == "USD"
    assert '<meta property="og:type" content="product">' in page
    assert '<meta property="product:price:amount" content="38.00">' in page
    assert 'og:image" content="http://localhost/demo-shop/files/' in page


def test_recommendations_failing_does_not_fail_the_page(client, app, monkeypatch):
    from storefront.services import catalog
    from storefront.shopify.errors import Unavailable

    def down(*args, **kwargs):
        raise Unavailable("recommendations are down")

    monkeypatch.setattr(catalog.api, "recommendations", down)
    assert client.get("/products/organic-cotton-tee").status_code == 200
    section = client.get("/products/organic-cotton-tee/recommendations")
    assert section.status_code == 200 and "You may also like" not in text(section)


@pytest.mark.parametrize(
    "url", ["/products/nope", "/collections/nope", "/pages/nope", "/no/such/url", "/policies/x"]
)
def test_unknown_things_get_the_branded_404(client, url):
    reply = client.get(url)
    assert reply.status_code == 404
    page = text(reply)
    assert "We couldn't find that page" in page and "Fernwood" in page


def test_search_finds_and_paginates(client, sent):
    page = text(client.get("/search?q=linen"))
    assert "linen-shirt" in " ".join(card_handles(page))
    assert 'name="robots" content="noindex"' in page
    query = next(v for name, v in sent.sent if name == "Search")["query"]
    assert query == '"linen"'


@pytest.mark.parametrize(
    "hostile", ['linen OR tag:sale', 'linen" OR "', "tag:apparel", "-linen", "title:*"]
)
def test_search_syntax_in_shopper_input_does_not_widen_results(client, sent, hostile):
    # Words are ANDed, so nothing can be found that its first word alone would not find.
    words = re.findall(r"\w+", hostile)
    narrowest = set(card_handles(text(client.get("/search", query_string={"q": words[0]}))))
    if not words:
        narrowest = set()
    found = set(card_handles(text(client.get("/search", query_string={"q": hostile}))))
    assert found <= narrowest
    for name, variables in sent.sent:
        if name == "Search":
            for term in re.findall(r'"([^"]*)"', variables["query"]):
                assert re.fullmatch(r"\w+(?:['’-]\w+)*", term)


def test_empty_search_sends_nothing(client, sent):
    reply = client.get("/search?q=%20*%20")
    assert reply.status_code == 200
    assert "Search" not in sent.names()


def test_suggest_is_json(client):
    reply = client.get("/search/suggest?q=lin")
    assert reply.status_code == 200 and reply.is_json
    data = reply.get_json()
    assert any("Linen" in p["title"] for p in data["products"])
    assert all(p["url"].startswith("/products/") for p in data["products"])
    assert client.get("/search/suggest?q=").get_json() == {
        "products": [], "collections": [], "pages": [], "articles": []
    }


def test_content_page_and_policy(client):
    page = text(client.get("/pages/about"))
    assert "About us" in page and "two-person workshop" in page
    policy = client.get("/policies/refund-policy")
    assert policy.status_code == 200 and "Refund policy" in text(policy)


def test_shopify_down_gives_the_branded_503(client, monkeypatch):
    from storefront.services import catalog
    from storefront.shopify.errors import Unavailable

    def down(*args, **kwargs):
        raise Unavailable("down")

    monkeypatch.setattr(catalog.api, "collection_page", down)
    reply = client.get("/collections/apparel")
    assert reply.status_code == 503
    assert reply.headers["Retry-After"]
    assert "We'll be right back" in text(reply)


def test_an_unexpected_error_gets_the_branded_500(client, monkeypatch):
    from storefront.services import catalog

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(catalog.api, "page", broken)
    reply = client.get("/pages/about")
    assert reply.status_code == 500
    assert "something went wrong" in text(reply) and "Traceback" not in text(reply)


def test_the_frame_is_fetched_by_pages_not_by_fragments(client, sent):
    """The Layout query runs for a whole page (web.layout.page), not for every template:
    the recommendations fragment asks Shopify for its products only."""
    client.get("/products/organic-cotton-tee/recommendations")
    assert sent.names() == ["ProductRecommendations"]
    client.get("/pages/about")
    assert sorted(sent.names()[1:]) == ["Layout", "PageByHandle"]
