"""/sitemap.xml (an index of sitemap pages) and /robots.txt.

Each market has its sitemaps under its prefix (`/fr-ca/sitemap-products-1.xml`:
what that market sells, at its addresses); the primary market's /sitemap.xml
lists every market's pages, as a sitemap index may not list other indexes.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for

from storefront import markets
from storefront.caching import store
from storefront.caching.policies import SITEMAP_SECONDS
from storefront.shopify import api
from storefront.shopify import models as m
from storefront.theming import asset_url, render
from storefront.web import layout
from storefront.web.context import current_market, storefront
from storefront.web.markets import other_markets

bp = Blueprint("seo", __name__)

KINDS = {"products": "store.product", "collections": "store.collection", "pages": "store.page",
         "blogs": "blogs.blog", "articles": "blogs.article"}
PER_SITEMAP = 5000  # well under the protocol's 50,000 URLs per file
MAX_WALK = 400  # pages of 250 handles: 100,000 entries of each kind at most


def _entries(kind: str) -> list[m.SitemapEntry]:
    """Every handle of a kind, walked 250 at a time and cached."""
    cfg = current_app.config
    generation = store.generations(("catalog",))[0]
    market = current_market()  # (what is sold differs by country, handles by language)
    key = (f"sitemap:{cfg['SHOPIFY_API_VERSION']}:{market.country}:{market.language}:{kind}:"
           f"{generation}")
    found = store.get(key)
    if found is not None:
        return found
    entries, after = [], None
    for _ in range(MAX_WALK):
        page = api.sitemap_entries(storefront(), kind, after)
        entries.extend(page.items)
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    store.set(key, entries, timeout=SITEMAP_SECONDS)
    return entries


@bp.get("/sitemap.xml")
def index():
    # This market's parts, then, from the primary market's index, every other
    # market's (counted as this one's: catalogs differ by a few products at most).
    prefixes = [""]
    if not request.environ.get(markets.PREFIX_KEY):
        prefixes += [prefix for _, _, prefix in other_markets(layout.layout().localization)]
    base, root = request.host_url.rstrip("/") + request.script_root, len(request.script_root)
    sitemaps = []
    for kind in KINDS:
        pages = max(1, -(-len(_entries(kind)) // PER_SITEMAP))
        for prefix in prefixes:
            sitemaps += [base + prefix + url_for("seo.part", kind=kind, number=n)[root:]
                         for n in range(1, pages + 1)]
    body = render("sitemap_index.xml", sitemaps=sitemaps)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


@bp.get("/sitemap-<kind>-<int:number>.xml")
def part(kind: str, number: int):
    if kind not in KINDS or number < 1:
        abort(404)
    entries = _entries(kind)[(number - 1) * PER_SITEMAP : number * PER_SITEMAP]
    if not entries and number > 1:
        abort(404)
    urls = [(_url(kind, e), (e.updated_at or "")[:10]) for e in entries]
    body = render("sitemap.xml", urls=urls)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


def _url(kind: str, entry: m.SitemapEntry) -> str:
    """Where the store shows an entry (an article's address names its blog too)."""
    if entry.blog is not None:
        return url_for(KINDS[kind], blog=entry.blog, handle=entry.handle, _external=True)
    return url_for(KINDS[kind], handle=entry.handle, _external=True)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own; send them to the theme's icon."""
    return redirect(asset_url("favicon.svg"), 302)


@bp.get("/robots.txt")
def robots():
    private = ["/cart", "/checkout", "/search", "/discount/"]
    # The same pages under each market's prefix (/fr-ca/cart).
    prefixes = [""] + [prefix for _, _, prefix in other_markets(layout.layout().localization)]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for prefix in prefixes for path in private]
    lines += ["Disallow: /demo-shop/", "Disallow: /admin",
              f"Sitemap: {request.host_url}sitemap.xml"]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
