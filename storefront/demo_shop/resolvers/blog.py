"""Blogs, their articles and authors."""

from __future__ import annotations

from collections.abc import Callable

from storefront.demo_shop import ids
from storefront.demo_shop.catalog import Article, Author, Blog
from storefront.demo_shop.pagination import Key
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import ctx, one_of, page_of, truncate

field = registry.field

BLOG_SORTS: dict[str | None, Callable[[Blog], Key]] = {
    "HANDLE": lambda b: (b.handle, b.id),
    "TITLE": lambda b: (b.title.casefold(), b.id),
}


def _article_sorts(info) -> dict[str | None, Callable[[Article], Key]]:
    catalog = ctx(info).catalog

    def blog_title(article: Article) -> str:
        return catalog.blog(article.blog_handle).title.casefold()

    return {
        "AUTHOR": lambda a: (a.author.name.casefold(), a.id),
        "BLOG_TITLE": lambda a: (blog_title(a), a.id),
        # The demo's articles are never edited after they are published.
        "PUBLISHED_AT": lambda a: (a.published_at, a.id),
        "UPDATED_AT": lambda a: (a.published_at, a.id),
        "TITLE": lambda a: (a.title.casefold(), a.id),
    }


# Root fields --------------------------------------------------------------


@field("QueryRoot", "blog")
def resolve_blog(_, info, id=None, handle=None):
    catalog = ctx(info).catalog
    return one_of(
        info, id=id, handle=handle, type_name="Blog",
        by_id=catalog.blog_by_id, by_handle=catalog.blog,
    )


@field("QueryRoot", "blogByHandle")
def resolve_blog_by_handle(_, info, handle):
    return ctx(info).catalog.blog(handle)


@field("QueryRoot", "blogs")
def resolve_blogs(_, info, sortKey=None, reverse=False, query=None, **window):
    return page_of(info, ctx(info).search.blogs, BLOG_SORTS, sortKey, reverse, query, window)


@field("QueryRoot", "articles")
def resolve_articles(_, info, sortKey=None, reverse=False, query=None, **window):
    entries = ctx(info).search.articles
    return page_of(info, entries, _article_sorts(info), sortKey, reverse, query, window)


# Blog ---------------------------------------------------------------------


@field("Blog", "id")
def resolve_blog_id(blog: Blog, info):
    return ids.gid("Blog", blog.id)


@field("Blog", "onlineStoreUrl")
def resolve_blog_url(blog: Blog, info):
    return ctx(info).store_url(f"/blogs/{blog.handle}")


@field("Blog", "articleByHandle")
def resolve_article_by_handle(blog: Blog, info, handle):
    return ctx(info).catalog.article(blog, handle)


@field("Blog", "articles")
def resolve_blog_articles(blog: Blog, info, sortKey=None, reverse=False, query=None, **window):
    entries = [(a, doc) for a, doc in ctx(info).search.articles if a.blog_handle == blog.handle]
    return page_of(info, entries, _article_sorts(info), sortKey, reverse, query, window)


# Article ------------------------------------------------------------------


@field("Article", "id")
def resolve_article_id(article: Article, info):
    return ids.gid("Article", article.id)


@field("Article", "author")
@field("Article", "authorV2")
def resolve_author(article: Article, info) -> Author:
    return article.author


@field("Article", "blog")
def resolve_article_blog(article: Article, info):
    return ctx(info).catalog.blog(article.blog_handle)


@field("Article", "content")
def resolve_content(article: Article, info, truncateAt=None):
    return truncate(article.content, truncateAt)


@field("Article", "excerpt")
def resolve_excerpt(article: Article, info, truncateAt=None):
    return truncate(article.excerpt, truncateAt) if article.excerpt else None


@field("Article", "excerptHtml")
def resolve_excerpt_html(article: Article, info):
    return article.excerpt_html or None


@field("Article", "onlineStoreUrl")
def resolve_article_url(article: Article, info):
    return ctx(info).store_url(f"/blogs/{article.blog_handle}/{article.handle}")
