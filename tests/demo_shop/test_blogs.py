"""Blogs and articles over the demo shop's schema: lookups, pages, sorts, filters, search."""

from __future__ import annotations

import pytest

from tests.demo_shop.conftest import errors_of, run

BLOG = """
query($handle: String, $id: ID, $first: Int, $after: String, $last: Int, $before: String,
      $sortKey: ArticleSortKeys, $reverse: Boolean, $query: String) {
  blog(handle: $handle, id: $id) {
    id handle title onlineStoreUrl seo { title description }
    authors { name firstName lastName email bio }
    articles(first: $first, after: $after, last: $last, before: $before, sortKey: $sortKey,
             reverse: $reverse, query: $query) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { handle } }
      nodes { id handle title publishedAt tags }
    }
  }
}"""

ARTICLE = """
query($blog: String!, $handle: String!) {
  blog(handle: $blog) {
    articleByHandle(handle: $handle) {
      id handle title onlineStoreUrl publishedAt tags
      author { name } authorV2 { name firstName lastName email bio }
      blog { handle title }
      content contentHtml short: content(truncateAt: 30)
      excerpt excerptHtml shortExcerpt: excerpt(truncateAt: 20)
      image { url altText width height }
      seo { title description }
    }
  }
}"""


def blog(shop, **variables):
    return run(shop, BLOG, {"handle": "journal", "first": 10, **variables})["blog"]


def handles(connection) -> list[str]:
    return [node["handle"] for node in connection["nodes"]]


def test_the_journal_and_its_authors(shipped_shop):
    found = blog(shipped_shop)
    assert found["id"] == "gid://shopify/Blog/6001"
    assert (found["handle"], found["title"]) == ("journal", "Journal")
    assert found["onlineStoreUrl"] == "https://fernwood.example/blogs/journal"
    assert found["seo"]["title"] == "Journal | Fernwood"
    authors = {a["name"]: a for a in found["authors"]}
    assert set(authors) == {"Ines Marlow", "Tomas Reyes", "Ada Brooks"}
    ines = authors["Ines Marlow"]
    assert (ines["firstName"], ines["lastName"]) == ("Ines", "Marlow")
    assert ines["email"] == "ines@fernwood.example" and ines["bio"]
    assert len(found["articles"]["nodes"]) == 7


def test_an_article_by_handle_has_everything_a_page_shows(shipped_shop):
    data = run(shipped_shop, ARTICLE, {"blog": "journal", "handle": "how-to-care-for-linen"})
    article = data["blog"]["articleByHandle"]
    assert article["title"] == "How to care for linen"
    assert article["onlineStoreUrl"] == "https://fernwood.example/blogs/journal/how-to-care-for-linen"
    assert article["author"] == {"name": "Ines Marlow"}
    assert article["authorV2"]["email"] == "ines@fernwood.example"
    assert article["blog"] == {"handle": "journal", "title": "Journal"}
    assert article["tags"] == ["Care", "Linen"]
    assert article["contentHtml"].startswith("<p>Linen is the most forgiving")
    assert '<a href="/products/linen-shirt">' in article["contentHtml"]
    assert "<" not in article["content"] and article["content"].startswith("Linen is")
    assert article["short"].endswith("…") and len(article["short"]) <= 30
    assert article["excerptHtml"].startswith("<p>") and "<" not in article["excerpt"]
    assert len(article["shortExcerpt"]) <= 20
    assert article["image"] == {
        "url": "/demo-shop/files/article-how-to-care-for-linen.svg",
        "altText": "How to care for linen", "width": 1200, "height": 800,
    }
    assert article["seo"]["title"] == "How to care for linen | Fernwood"
    assert article["publishedAt"].endswith("Z")


def test_unknown_blogs_and_articles_are_null(shipped_shop):
    assert blog(shipped_shop, handle="news") is None
    data = run(shipped_shop, ARTICLE, {"blog": "journal", "handle": "no-such-article"})
    assert data["blog"]["articleByHandle"] is None
    assert run(shipped_shop, ARTICLE, {"blog": "news", "handle": "x"})["blog"] is None


def test_blog_by_id_and_by_deprecated_handle_lookup(shipped_shop):
    assert blog(shipped_shop, handle=None, id="gid://shopify/Blog/6001")["handle"] == "journal"
    data = run(shipped_shop, '{ blogByHandle(handle: "journal") { title } }')
    assert data["blogByHandle"] == {"title": "Journal"}
    assert errors_of(shipped_shop, '{ blog(handle: "journal", id: "gid://shopify/Blog/6001") '
                                   "{ title } }") == ["Provide either `id` or `handle`, not both."]


def test_articles_newest_first_page_forwards_and_backwards(shipped_shop):
    newest = blog(shipped_shop, sortKey="PUBLISHED_AT", reverse=True)["articles"]
    dates = [n["publishedAt"] for n in newest["nodes"]]
    assert dates == sorted(dates, reverse=True)
    order = handles(newest)
    seen, after = [], None
    while True:
        page = blog(shipped_shop, first=3, after=after, sortKey="PUBLISHED_AT",
                    reverse=True)["articles"]
        seen += handles(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == order
    last = blog(shipped_shop, first=None, last=2, sortKey="PUBLISHED_AT", reverse=True)
    assert handles(last["articles"]) == order[-2:]
    assert last["articles"]["pageInfo"]["hasPreviousPage"] is True
    before = last["articles"]["pageInfo"]["startCursor"]
    earlier = blog(shipped_shop, first=None, last=2, before=before, sortKey="PUBLISHED_AT",
                   reverse=True)
    assert handles(earlier["articles"]) == order[-4:-2]


def test_a_cursor_from_elsewhere_is_refused_as_shopify_refuses_it(shipped_shop):
    result = shipped_shop.execute(BLOG, {"handle": "journal", "first": 2, "after": "garbage"})
    assert [e.message for e in result.errors] == ["Invalid cursor for current pagination sort."]


@pytest.mark.parametrize("sort_key", ["TITLE", "AUTHOR", "BLOG_TITLE", "ID", "UPDATED_AT",
                                      "RELEVANCE"])
def test_every_sort_key_orders_every_article_once(shipped_shop, sort_key):
    found = handles(blog(shipped_shop, sortKey=sort_key)["articles"])
    assert sorted(found) == sorted(handles(blog(shipped_shop)["articles"]))
    if sort_key == "TITLE":
        titles = [n["title"].casefold() for n in blog(shipped_shop, sortKey="TITLE")
                  ["articles"]["nodes"]]
        assert titles == sorted(titles)


def test_articles_filtered_by_tag_author_blog_and_words(shipped_shop):
    def query(text: str, where: str = "blog") -> set[str]:
        if where == "blog":
            return set(handles(blog(shipped_shop, query=text)["articles"]))
        data = run(shipped_shop, "query($q: String) { articles(first: 50, query: $q) "
                                 "{ nodes { handle } } }", {"q": text})
        return set(handles(data["articles"]))

    care = {"how-to-care-for-linen", "mending-wool-socks", "the-winter-layers-we-live-in"}
    assert query("tag:Care") == care == query("tag:care", "root")
    assert query('tag:"slow living"') == {"a-week-with-one-bag", "mending-wool-socks",
                                          "setting-a-slow-table", "the-winter-layers-we-live-in"}
    assert query("tag:Linen tag_not:Care") == {"inside-the-weaving-mill", "setting-a-slow-table"}
    assert query('author:"Tomas Reyes"', "root") == {"inside-the-weaving-mill",
                                                     "stoneware-from-clay-to-cup"}
    assert len(query("blog_title:Journal", "root")) == 7
    assert query("blog_title:News", "root") == set()
    assert query("kiln") == {"stoneware-from-clay-to-cup"}
    assert query("tag:no-such-tag") == set()


def test_blogs_list_and_search(shipped_shop):
    data = run(shipped_shop, '{ blogs(first: 5, sortKey: TITLE) { nodes { handle } } '
                             'found: blogs(first: 5, query: "journal") { nodes { handle } } '
                             'none: blogs(first: 5, query: "recipes") { nodes { handle } } }')
    assert handles(data["blogs"]) == handles(data["found"]) == ["journal"]
    assert data["none"]["nodes"] == []


def test_blogs_and_articles_by_global_id(shipped_shop):
    data = run(shipped_shop, """{
      node(id: "gid://shopify/Blog/6001") { id ... on Blog { handle } }
      nodes(ids: ["gid://shopify/Article/60011", "gid://shopify/Article/1",
                  "gid://shopify/Blog/6001"]) {
        id ... on Article { handle blog { handle } } ... on Blog { title }
      }
    }""")
    assert data["node"] == {"id": "gid://shopify/Blog/6001", "handle": "journal"}
    article, missing, found_blog = data["nodes"]
    assert article["handle"] == "how-to-care-for-linen" and article["blog"]["handle"] == "journal"
    assert missing is None
    assert found_blog["title"] == "Journal"


def test_articles_in_search_and_predictive_search(shipped_shop):
    data = run(shipped_shop, """{
      search(query: "linen", first: 50, types: [ARTICLE]) {
        totalCount nodes { __typename ... on Article { handle } }
      }
      everything: search(query: "darning", first: 50) { nodes { __typename } }
      predictiveSearch(query: "mend", types: [ARTICLE, PRODUCT]) {
        articles { handle title } products { handle }
      }
      none: predictiveSearch(query: "mend", types: [PRODUCT]) { articles { handle } }
    }""")
    assert {n["__typename"] for n in data["search"]["nodes"]} == {"Article"}
    assert "how-to-care-for-linen" in {n["handle"] for n in data["search"]["nodes"]}
    assert data["search"]["totalCount"] == len(data["search"]["nodes"])
    assert data["everything"]["nodes"] == [{"__typename": "Article"}]
    assert [a["handle"] for a in data["predictiveSearch"]["articles"]] == ["mending-wool-socks"]
    assert data["none"]["articles"] == []


def test_the_main_menu_links_the_journal(shipped_shop):
    data = run(shipped_shop,
               '{ menu(handle: "main-menu") { items { title type url resourceId } } }')
    journal = next(i for i in data["menu"]["items"] if i["title"] == "Journal")
    assert journal == {"title": "Journal", "type": "BLOG",
                       "url": "https://fernwood.example/blogs/journal",
                       "resourceId": "gid://shopify/Blog/6001"}


def test_an_article_without_picture_excerpt_or_seo(shop):
    data = run(shop, ARTICLE, {"blog": "news", "handle": "no-picture"})
    article = data["blog"]["articleByHandle"]
    assert (article["image"], article["excerpt"], article["excerptHtml"]) == (None, None, None)
    assert article["seo"] == {"title": None, "description": None}
    assert article["content"] == "Just words & more words."
    assert article["authorV2"]["bio"] == "Writes the notes."
    assert run(shop, '{ blog(handle: "journal") { title } }') == {"blog": None}
