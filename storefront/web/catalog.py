"""Catalog pages: home, collections, products, search, content pages and policies.

Each view asks for its page's data in one Storefront request; a missing
entity is the branded 404. Optional sections (recommendations) never fail
the page.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext

from storefront.current import visit
from storefront.services import blogs, catalog
from storefront.shared_pages import shared_page
from storefront.shopify.errors import StorefrontError
from storefront.theming import render
from storefront.theming.switch import active
from storefront.web import cart_cookie, layout, pages
from storefront.web.context import storefront
from storefront.web.filters import image_url, money, numeric_id, url_with

log = logging.getLogger(__name__)

bp = Blueprint("store", __name__)

DEFAULT_HOME = {"featured": "frontpage", "collections": ["new-arrivals", "apparel", "home"]}


def _home_settings() -> dict:
    """Which collections the home page shows: the `home` settings of the theme this
    request renders with (a creator's own theme, or THEME), as the page key has it."""
    settings = active().theme.settings or {}
    return {**DEFAULT_HOME, **dict(settings.get("home") or {})}


def shared(build) -> str:
    """A page the same for every visitor of the same creator: from the page cache.

    Its route is declared `@shared_page`, so the page fast path and the funnels
    know it without a list of their own."""
    return pages.cached(build, cart_cookie.count)


def page_window() -> catalog.Window:
    """The slice of a list this request's `after` or `before` asks for."""
    return catalog.Window.parse(request.args.get("after"), request.args.get("before"))


@bp.errorhandler(catalog.BadPageLink)
def bad_link(error: catalog.BadPageLink):
    """A page link no page of ours makes (a mangled cursor or tag): a clear 400."""
    message = gettext("Sorry, %(problem)s.", problem=error)
    return layout.page("errors/400.html", message=message), 400


def home_collections() -> tuple[str, list[str]]:
    """The featured collection and the teasers: the creator's, or the theme's."""
    creator = visit().creator
    if creator is not None and creator.collections:
        handles = [ref.handle for ref in creator.collections]
        return handles[0], handles[1:]
    settings = _home_settings()
    return settings["featured"], list(settings["collections"])


@bp.get("/")
@shared_page
def home():
    def build():
        featured, teasers = home_collections()
        return layout.page("index.html", home=catalog.home(storefront(), featured, teasers))

    return shared(build)


@bp.get("/collections")
@shared_page
def collections():
    window = page_window()
    return shared(lambda: layout.page(
        "collections.html", collections=catalog.collections(storefront(), window)
    ))


@bp.get("/collections/<handle>")
@shared_page
def collection(handle: str):
    sort = request.args.get("sort_by", "manual")
    if sort not in catalog.COLLECTION_SORTS:
        # An old or edited link: the collection in its default order, at its own address
        # (a page per stray value would only fill the page cache).
        return redirect(url_with(sort_by=None), 302)
    in_stock = request.args.get("available") == "1"
    window = page_window()

    def build():
        page = catalog.collection(storefront(), handle, window, sort, in_stock)
        if page is None:
            abort(404)
        return layout.page(
            "collection.html",
            collection=page.collection,
            products=page.products,
            sort=sort,
            sorts={key: label for key, (label, _, _) in catalog.COLLECTION_SORTS.items()},
            in_stock=in_stock,
        )

    return shared(build)


@bp.get("/products/<handle>")
@shared_page
def product(handle: str):
    chosen = {k[7:-1]: v for k, v in request.args.items() if k.startswith("option[")}

    def build():
        view = catalog.product(storefront(), handle, request.args.get("variant"))
        if view is None:
            abort(404)
        return layout.page(
            "product.html", product=view.product, variant=view.variant, options=view.options
        )

    if chosen:
        # The no-JavaScript option form: go to the variant those options name.
        view = catalog.product(storefront(), handle, request.args.get("variant"))
        if view is None:
            abort(404)
        variant = catalog.variant_for_options(view, chosen)
        if variant is not None:
            return redirect(_variant_url(handle, variant.id), 303)
    return shared(build)


@bp.get("/products/<handle>/recommendations")
@shared_page
def recommendations(handle: str):
    """The optional "you may also like" section, fetched by the product page's script.

    Kept out of the page's own request (one Storefront request per page view,
    as Shopify's themes do); when it fails the section is simply empty.
    """
    def build():
        try:
            found = catalog.recommendations(storefront(), handle)
        except StorefrontError as error:
            log.info("recommendations left out of %s: %s", handle, error)
            visit().degraded = True  # an empty section is not worth keeping
            found = []
        return render("_recommendations.html", recommendations=found)

    return shared(build)


def _variant_url(handle: str, variant_id: str) -> str:
    return url_for("store.product", handle=handle, variant=numeric_id(variant_id))


# Shopify's `type` values a search link may carry: none for products with a few
# articles beside them, or one kind alone.
SEARCH_TYPES = ("", "product", "article")


@bp.get("/search")
@shared_page
def search():
    text = request.args.get("q", "")[:200]
    kind = request.args.get("type", "")
    if kind not in SEARCH_TYPES:
        # (as a stray sort: the search at its own address, not a page per value)
        return redirect(url_with(type=None), 302)
    window = page_window()

    def build():
        terms, results, articles = catalog.search_terms(text), None, None
        if terms and kind == "article":
            results = blogs.search(storefront(), text, window)
        elif terms:
            found = catalog.search_page(storefront(), text, window, articles=kind == "")
            results, articles = found.products, found.articles
        return layout.page("search.html", query=text, results=results, articles=articles,
                           search_type=kind)

    return shared(build)


@bp.get("/search/suggest")
def suggest():
    """Type-ahead: a few products, collections, pages and articles as JSON."""
    found = catalog.suggest(storefront(), request.args.get("q", "")[:100])
    if found is None:
        return jsonify({"products": [], "collections": [], "pages": [], "articles": []})
    return jsonify({
        "products": [
            {"title": p.title, "url": f"/products/{p.handle}", "price": money(p.price.min),
             "image": image_url(p.image, 120), "available": p.available}
            for p in found.products
        ],
        "collections": [
            {"title": c["title"], "url": f"/collections/{c['handle']}"} for c in found.collections
        ],
        "pages": [{"title": p["title"], "url": f"/pages/{p['handle']}"} for p in found.pages],
        "articles": [{"title": a.title, "url": a.path} for a in found.articles],
    })


@bp.get("/pages/<handle>")
@shared_page
def page(handle: str):
    def build():
        found = catalog.page(storefront(), handle)
        if found is None:
            abort(404)
        return layout.page("page.html", page=found)

    return shared(build)


@bp.get("/policies")
@shared_page
def policies():
    """The shop's policies in one list, as Shopify's online store has them."""
    def build():
        return layout.page("policies.html", policies=catalog.policies(storefront()))

    return shared(build)


@bp.get("/policies/<handle>")
@shared_page
def policy(handle: str):
    def build():
        found = catalog.policy(storefront(), handle)
        if found is None:
            abort(404)
        return layout.page("policy.html", policy=found)

    return shared(build)


@bp.get("/healthz")
def healthz():
    """The process answers (for the load balancer's liveness check)."""
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/readyz")
def readyz():
    """Ready for shoppers: creators loaded, and Shopify reachable or its data cached.

    The layout query is the probe: answered from the cache when it is warm, so
    a Shopify outage with a warm cache still counts as ready. Its reply is not
    reshaped: a bug of ours there is a 500 on pages, not an instance down.
    """
    from storefront.caching import store
    from storefront.shopify import api

    creators = current_app.extensions["creators"]
    # The shared cache's state is reported, not judged: pages keep coming from
    # the tier in front and from Shopify while it fails.
    status = {"creators": len(creators), "creator_problems": len(creators.problems),
              "cache": store.state()}
    try:
        api.probe(storefront(), current_app.config["MAIN_MENU"],
                  current_app.config["FOOTER_MENU"])
        status["storefront"] = "ok"
    except StorefrontError as error:
        status["storefront"] = error.kind
        return {"ready": False, **status}, 503, {"Cache-Control": "no-store"}
    return {"ready": True, **status}, 200, {"Cache-Control": "no-store"}
