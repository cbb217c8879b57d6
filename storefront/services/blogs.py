"""Blog pages: a blog's articles (all, or those with a tag), one article, article search."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext

from storefront.services.catalog import BadPageLink, Window, search_terms
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.client import StorefrontClient

PAGE_SIZE = 6  # articles on a page of a blog, as Shopify's own themes show them
SEARCH_PAGE_SIZE = 12

# A tag in a `/blogs/<blog>/tagged/<tag>` link. Shopify's tags hold almost anything,
# but quotes and backslashes would have to be escaped in the search syntax, and no
# theme's tag link carries them: such a link is refused rather than sent.
_TAG = re.compile(r"[^\"\\\x00-\x1f\x7f]{1,255}")
_HANDLE_JOINS = re.compile(r"\W+")


def tag_handle(tag: str) -> str:
    """A tag as Shopify's themes write it in links: "Slow living" -> "slow-living"."""
    return _HANDLE_JOINS.sub("-", tag.casefold()).strip("-")


@dataclass(frozen=True)
class TaggedPage:
    """A blog's page, with the tag it is narrowed to (as the articles spell it)."""

    page: m.BlogPage
    tag: str | None = None

    @property
    def tags(self) -> list[str]:
        """The tags of the articles listed, each once, A to Z (the Storefront API
        has no list of a blog's tags)."""
        found = {t.casefold(): t for a in self.page.articles.items for t in a.tags}
        return sorted(found.values(), key=str.casefold)


def blog(
    client: StorefrontClient, handle: str, window: Window, tag: str | None = None
) -> TaggedPage | None:
    """A blog and a page of its articles, only those tagged `tag` when given.

    `tag` comes from a link, as the tag itself ("Slow living") or its handle
    ("slow-living", which is how themes link tags): both are asked for. None when
    the blog is unknown, or when the tag is on none of its articles.
    """
    query = None
    if tag is not None:
        if not _TAG.fullmatch(tag):
            raise BadPageLink(gettext("this tag link is not valid"))
        spellings = dict.fromkeys([tag, tag.replace("-", " ")])
        query = " OR ".join(f'tag:"{spelling}"' for spelling in spellings)
    found = window.fetch(lambda w: api.blog_page(client, handle, **w.arguments(PAGE_SIZE),
                                                 query=query))
    if found is None:
        return None
    if tag is None:
        return TaggedPage(found)
    if not found.articles.items:
        return None  # no such tag in this blog: not a page of its own
    named = {tag_handle(t): t for a in found.articles.items for t in a.tags}
    return TaggedPage(found, named.get(tag_handle(tag), tag))


def article(client: StorefrontClient, blog_handle: str, handle: str) -> m.ArticlePage | None:
    return api.article_page(client, blog_handle, handle)


def search(client: StorefrontClient, text: str, window: Window) -> m.Paginated[m.ArticleCard]:
    """The articles a shopper's search finds (their words quoted, as for products)."""
    return window.fetch(lambda w: api.article_search(
        client, search_terms(text), **w.arguments(SEARCH_PAGE_SIZE)))
