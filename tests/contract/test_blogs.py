"""Blogs and articles behave the same in-process and over HTTP."""

from __future__ import annotations

from storefront.shopify import api
from tests.contract.test_catalog import page_through


def test_a_blogs_articles_page_exactly_once_newest_first(client):
    whole = api.blog_page(client, "journal", first=250)
    assert whole.blog.title == "Journal" and whole.blog.seo.title
    dates = [a.published_at for a in whole.articles.items]
    assert len(dates) >= 6 and dates == sorted(dates, reverse=True)
    paged = page_through(lambda **kw: api.blog_page(client, "journal", **kw).articles, 2)
    assert [a.handle for a in paged] == [a.handle for a in whole.articles.items]
    first = whole.articles.items[0]
    assert first.author and first.excerpt and first.image and first.tags
    assert first.path == f"/blogs/journal/{first.handle}"
    assert api.blog_page(client, "no-such-blog") is None


def test_articles_by_tag(client):
    tagged = api.blog_page(client, "journal", first=250, query='tag:"Care"').articles.items
    assert len(tagged) > 1 and all("Care" in a.tags for a in tagged)


def test_an_article_and_its_blog(client):
    found = api.article_page(client, "journal", "how-to-care-for-linen")
    assert found.blog.handle == "journal"
    article = found.article
    assert article.title == "How to care for linen" and article.author == "Ines Marlow"
    assert article.content_html.startswith("<p>") and article.author_bio and article.seo.title
    assert api.article_page(client, "journal", "no-such-article") is None
    assert api.article_page(client, "no-such-blog", "how-to-care-for-linen") is None


def test_articles_in_search_predictive_search_and_the_sitemap(client):
    found = api.article_search(client, "linen", first=250)
    assert found.items and found.total_count == len(found.items)
    both = api.search_page(client, "linen", first=5, articles=2)
    assert both.products.items and len(both.articles.items) == 2
    assert both.articles.total_count == found.total_count
    assert api.search_page(client, "linen", first=5).articles is None
    assert [a.handle for a in api.predictive_search(client, "mend").articles] == [
        "mending-wool-socks"]
    assert [e.handle for e in api.sitemap_entries(client, "blogs").items] == ["journal"]
    articles = api.sitemap_entries(client, "articles").items
    assert len(articles) >= 6 and {e.blog for e in articles} == {"journal"}
    assert all(e.updated_at for e in articles)
