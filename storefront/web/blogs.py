"""Blog pages at Shopify's addresses: `/blogs/<blog>`, `/blogs/<blog>/tagged/<tag>` and
`/blogs/<blog>/<article>`.

Shared pages like the catalog's (one Storefront request, then the page cache); an
unknown blog, article or tag is the branded 404, a mangled page link a 400.
"""

from __future__ import annotations

from flask import Blueprint, abort

from storefront.services import blogs
from storefront.services.catalog import BadPageLink
from storefront.shared_pages import shared_page
from storefront.web import layout
from storefront.web.catalog import bad_link, page_window, shared
from storefront.web.context import storefront

bp = Blueprint("blogs", __name__)
bp.register_error_handler(BadPageLink, bad_link)


def _blog_page(handle: str, tag: str | None) -> str:
    window = page_window()

    def build():
        found = blogs.blog(storefront(), handle, window, tag)
        if found is None:
            abort(404)
        page = found.page
        return layout.page("blog.html", blog=page.blog, articles=page.articles, tag=found.tag,
                           tags=found.tags)

    return shared(build)


@bp.get("/blogs/<handle>")
@shared_page
def blog(handle: str):
    return _blog_page(handle, None)


@bp.get("/blogs/<blog>/tagged/<tag>")
@shared_page
def tagged(blog: str, tag: str):
    return _blog_page(blog, tag)


@bp.get("/blogs/<blog>/<handle>")
@shared_page
def article(blog: str, handle: str):
    def build():
        found = blogs.article(storefront(), blog, handle)
        if found is None:
            abort(404)
        return layout.page("article.html", blog=found.blog, article=found.article)

    return shared(build)
