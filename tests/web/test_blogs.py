"""Blog and article pages, their SEO, tags and pagination, and what reached Shopify."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from storefront import create_app
from tests.web.conftest import app_with_creators, text

ARTICLE = "/blogs/journal/how-to-care-for-linen"
NEWEST_FIRST = ["the-winter-layers-we-live-in", "setting-a-slow-table", "mending-wool-socks",
                "stoneware-from-clay-to-cup", "a-week-with-one-bag", "inside-the-weaving-mill",
                "how-to-care-for-linen"]


def article_links(page: str) -> list[str]:
    return re.findall(r'class="article-card__link" href="/blogs/journal/([a-z0-9-]+)"', page)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return unescape(found.group(1)) if found else None


def json_ld(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def meta(page: str, name: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)


def test_the_blog_lists_its_newest_articles_a_page_at_a_time(client, sent):
    reply = client.get("/blogs/journal")
    assert reply.status_code == 200
    page = text(reply)
    assert "<title>Journal | Fernwood</title>" in page
    assert "<h1>Journal</h1>" in page
    assert article_links(page) == NEWEST_FIRST[:6]
    assert "February 24, 2026</time> · Ines Marlow" in page  # the date in the store's locale
    assert "Three layers, all natural fibres" in page  # an excerpt
    assert 'srcset="/demo-shop/files/article-the-winter-layers-we-live-in.svg?width=400 400w' \
        in page
    # One request for the page's data (the layout is the frame's own), newest first.
    assert sorted(sent.names()) == ["BlogPage", "Layout"]
    variables = dict(sent.sent)["BlogPage"]
    assert (variables["handle"], variables["first"], variables["query"]) == ("journal", 6, None)
    sent.clear()
    assert client.get("/blogs/journal").status_code == 200 and sent.names() == []  # warm

    second = text(client.get(link(page, "next")))
    assert article_links(second) == NEWEST_FIRST[6:]
    assert link(second, "next") is None
    back = text(client.get(link(second, "prev")))
    assert article_links(back) == NEWEST_FIRST[:6]


def test_the_blog_links_its_tags_and_each_tag_has_its_page(client, sent):
    page = text(client.get("/blogs/journal"))
    tags = re.findall(r'href="/blogs/journal/tagged/([a-z-]+)"', page)
    assert tags == ["care", "kitchen", "linen", "slow-living", "travel", "workshop"]
    tagged = text(client.get("/blogs/journal/tagged/slow-living"))
    assert "<title>Journal: Slow living | Fernwood</title>" in tagged
    assert "<h1>Journal: Slow living</h1>" in tagged
    assert article_links(tagged) == ["the-winter-layers-we-live-in", "setting-a-slow-table",
                                     "mending-wool-socks", "a-week-with-one-bag"]
    assert 'href="/blogs/journal/tagged/slow-living" aria-current="page"' in tagged
    assert '<a href="/blogs/journal">All articles</a>' in tagged
    # The link's tag is asked for as written and as the tag it is the handle of.
    asked = [v["query"] for name, v in sent.sent if name == "BlogPage"]
    assert asked[-1] == 'tag:"slow-living" OR tag:"slow living"'
    # A tag as the article spells it works too, in any case.
    for url in ("/blogs/journal/tagged/Care", "/blogs/journal/tagged/care"):
        assert article_links(text(client.get(url))) == [
            "the-winter-layers-we-live-in", "mending-wool-socks", "how-to-care-for-linen"]


@pytest.mark.parametrize("url", ["/blogs/news", "/blogs/journal/no-such-article",
                                 "/blogs/news/how-to-care-for-linen",
                                 "/blogs/journal/tagged/no-such-tag"])
def test_unknown_blogs_articles_and_tags_are_the_404(client, url):
    reply = client.get(url)
    assert reply.status_code == 404
    assert "Page not found" in text(reply) or "not found" in text(reply).lower()


@pytest.mark.parametrize("url", ["/blogs/journal?after=%25%25", "/blogs/journal?after=a&before=b",
                                 '/blogs/journal/tagged/a"b', "/blogs/journal/tagged/a%5Cb"])
def test_mangled_page_and_tag_links_are_a_clear_400(client, sent, url):
    reply = client.get(url)
    assert reply.status_code == 400
    assert "not valid" in text(reply) or "both ways" in text(reply)
    assert "BlogPage" not in sent.names()


def test_a_refused_cursor_shows_the_first_page(client):
    page = text(client.get("/blogs/journal?after=bm90LWEtY3Vyc29y"))
    assert article_links(page) == NEWEST_FIRST[:6]


def test_the_article_page(client, sent):
    reply = client.get(ARTICLE)
    assert reply.status_code == 200
    page = text(reply)
    assert sorted(sent.names()) == ["ArticlePage", "Layout"]
    assert dict(sent.sent)["ArticlePage"]["blog"] == "journal"
    assert "<h1>How to care for linen</h1>" in page
    assert 'By Ines Marlow · <time datetime="2025-09-07T10:00:00Z">September 7, 2025</time>' in page
    assert '<a href="/blogs/journal">Journal</a>' in page
    assert "<h2>Washing</h2>" in page and '<a href="/products/linen-shirt">' in page
    assert 'srcset="/demo-shop/files/article-how-to-care-for-linen.svg?width=400 400w' in page
    assert 'fetchpriority="high"' in page
    assert re.findall(r'href="/blogs/journal/tagged/([a-z-]+)"', page) == ["care", "linen"]
    assert "has mended more socks than she can count" in page  # the author's bio


def test_the_article_seo(client):
    page = text(client.get(ARTICLE + "?utm_source=news"))
    assert "<title>How to care for linen | Fernwood</title>" in page
    assert meta(page, "description") == ["Wash it cool, dry it on the line and skip the iron: "
                                         "linen gets better the less you fuss over it."]
    assert f'<link rel="canonical" href="http://localhost{ARTICLE}">' in page
    assert meta(page, "og:type") == ["article"]
    assert meta(page, "og:url") == [f"http://localhost{ARTICLE}"]
    assert meta(page, "og:image") == [
        "http://localhost/demo-shop/files/article-how-to-care-for-linen.svg?width=1200"]
    assert meta(page, "article:published_time") == ["2025-09-07T10:00:00Z"]
    assert meta(page, "article:author") == ["Ines Marlow"]
    assert meta(page, "article:tag") == ["Care", "Linen"]
    data = json_ld(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == "How to care for linen"
    assert data["datePublished"] == "2025-09-07T10:00:00Z"
    assert data["author"] == {"@type": "Person", "name": "Ines Marlow"}
    assert data["publisher"] == {"@type": "Organization", "name": "Fernwood"}
    assert data["url"] == data["mainEntityOfPage"] == f"http://localhost{ARTICLE}"
    assert data["image"] == [
        "http://localhost/demo-shop/files/article-how-to-care-for-linen.svg?width=1200"]
    assert data["articleSection"] == "Journal" and data["keywords"] == "Care, Linen"
    assert data["description"].startswith("Wash it cool")


def test_json_ld_escapes_what_an_article_says(client, monkeypatch):
    from storefront.shopify import reshape

    real = reshape.article

    def hostile(raw):
        found = real(raw)
        return type(found)(**{**found.__dict__, "title": "</script><script>alert(1)</script>"})

    monkeypatch.setattr(reshape, "article", hostile)
    page = text(client.get(ARTICLE))
    assert "<script>alert(1)" not in page
    assert json_ld(page)["headline"] == "</script><script>alert(1)</script>"


def test_dates_follow_the_stores_locale(tmp_path):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"),
                      "SHOPIFY_LANGUAGE": "FR", "SHOPIFY_COUNTRY": "CA"})
    page = text(app.test_client().get(ARTICLE))
    assert "7 septembre 2025" in page


def test_blog_and_article_entries_in_the_sitemap(client):
    blogs = client.get("/sitemap-blogs-1.xml").get_data(as_text=True)
    assert "<loc>http://localhost/blogs/journal</loc>" in blogs
    articles = client.get("/sitemap-articles-1.xml").get_data(as_text=True)
    assert re.findall(r"<loc>http://localhost/blogs/journal/([a-z-]+)</loc>", articles) == \
        list(reversed(NEWEST_FIRST))
    assert f"<loc>http://localhost{ARTICLE}</loc><lastmod>2025-09-07</lastmod>" in articles


def test_search_for_articles_alone(client, sent):
    page = text(client.get("/search?q=linen&type=article"))
    assert "3 articles for “linen”" in page
    assert article_links(page) == ["how-to-care-for-linen", "inside-the-weaving-mill",
                                   "setting-a-slow-table"]
    assert 'class="card__link"' not in page  # no products
    assert '<input type="hidden" name="type" value="article">' in page
    assert 'href="/search?q=linen">Products for “linen”</a>' in page
    assert dict(sent.sent)["ArticleSearch"]["query"] == '"linen"'
    none = text(client.get("/search?q=zebra&type=article"))
    assert "No articles for “zebra”" in none


def test_a_search_shows_its_first_articles_after_its_products(client, sent, monkeypatch):
    from storefront.services import catalog

    monkeypatch.setattr(catalog, "SEARCH_ARTICLES", 2)
    page = text(client.get("/search?q=linen"))
    assert sent.names().count("Search") == 1  # products and articles in one request
    assert dict(sent.sent)["Search"]["withArticles"] is True
    assert page.index('class="card__link"') < page.index('id="search-articles"')
    assert article_links(page) == ["how-to-care-for-linen", "inside-the-weaving-mill"]
    assert 'href="/search?q=linen&amp;type=article">All 3 articles</a>' in page
    # Only articles found: they are shown, with no product.
    only = text(client.get("/search?q=darning"))
    assert article_links(only) == ["mending-wool-socks"] and "No products for" in only
    # Products alone, and a later page of products, ask for no articles.
    sent.clear()
    client.get("/search?q=linen&type=product")
    assert dict(sent.sent)["Search"]["withArticles"] is False


def test_a_search_type_of_another_kind_goes_to_the_plain_search(client):
    reply = client.get("/search?q=linen&type=page&utm_source=x")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/search?q=linen"


def test_suggestions_include_articles(client):
    found = client.get("/search/suggest?q=mend").get_json()
    assert found["articles"] == [{"title": "Mending your wool socks",
                                  "url": "/blogs/journal/mending-wool-socks"}]
    assert client.get("/search/suggest?q=").get_json()["articles"] == []


def test_the_menus_journal_link_leads_to_the_blog(client):
    page = text(client.get("/"))
    href = re.search(r'<a href="([^"]+)">Journal</a>', page).group(1)
    assert href == "/blogs/journal"
    assert client.get(href).status_code == 200


NOTE = "Linen, then more linen: I wash mine exactly like this."
CREATOR = f"""name = "Nora Quinn"

[article_notes.journal]
how-to-care-for-linen = "{NOTE}"
"""
OTHER = """name = "Omar Field"

[notes]
linen-shirt = "Mine."
"""


def test_a_creators_article_note_shows_only_to_their_shoppers(tmp_path):
    app = app_with_creators(tmp_path, nora=CREATOR, omar=OTHER)
    nora, omar, brand = app.test_client(), app.test_client(), app.test_client()
    # The brand's visitor first, so the page cache holds the page without the note.
    assert NOTE not in text(brand.get(ARTICLE))
    nora.get("/@nora")
    page = text(nora.get(ARTICLE))
    assert "Nora Quinn says" in page and NOTE in page
    assert 'aria-label="Nora Quinn\'s note"' in page or "Nora Quinn&#39;s note" in page
    omar.get("/@omar")
    for visitor in (omar, brand):
        again = text(visitor.get(ARTICLE))
        assert NOTE not in again and "says" not in again
    # Her note is on that article alone.
    assert NOTE not in text(nora.get("/blogs/journal/mending-wool-socks"))
