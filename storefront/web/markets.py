"""The market of a page view, as the shopper sees it: the prefix checked against the
shop's markets, the selector, the alternates (hreflang) and the suggestion.

storefront.markets reads the prefix off the path below Flask; here the app
checks it against what Shopify says the shop sells (`localization` in the
Layout query, which every page fetches anyway, so checking costs nothing
more): a market the shop does not offer, or the primary market spelled out
(`/en-us/...`), is sent to the page's unprefixed address.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_babel import force_locale
from markupsafe import Markup

from storefront import markets
from storefront.current import visit
from storefront.markets import Market
from storefront.visit import market_hint
from storefront.web.context import current_market, primary_market
from storefront.web.redirects import same_origin_path

bp = Blueprint("markets", __name__)


def unprefixed() -> str:
    """This request's address in the primary market (path and query)."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def offered(localization, market: Market, primary: Market) -> bool:
    """Whether the shop sells in `market` (the primary one always counts: it is
    what the store is configured for, whatever Shopify lists)."""
    if market == primary or localization is None:  # (no Layout: Shopify is down)
        return True
    return localization.offers(market.country, market.language)


def _check_prefix():
    """Send the primary market spelled out (`/en-us/cart`) to its unprefixed address.
    A prefix the shop does not sell in is no prefix at all: `/no/such/page` is that
    path of the primary market (a 404, or the merchant's URL redirect for it)."""
    if markets.ENVIRON_KEY not in request.environ or request.endpoint in _UNMARKETED:
        return None
    from storefront.web import layout

    market, primary = current_market(), primary_market(current_app)
    if market == primary:
        return redirect(unprefixed(), 301)
    if offered(layout.layout().localization, market, primary):
        return None
    # Put the segment back on the path, in the primary market, and answer as for
    # any unknown address. (The frame fetched above was the wrong market's.)
    prefix = request.environ[markets.PREFIX_KEY]
    request.root_path = request.root_path[: -len(prefix)]
    request.path = prefix + request.path
    state = visit()
    state.market, state.layout = primary, None
    abort(404)


# Endpoints that are the same in every market: no prefix check, no Layout.
_UNMARKETED = frozenset({"static", "theme_static", "seo.robots", "seo.favicon",
                         "webhooks.receive", "markets.choose"})


@bp.get("/localization")
def choose():
    """The selector's target (a GET form: it works without JavaScript): the page the
    visitor was on, in the market they picked. A market the shop does not sell in
    lands on the primary market's page."""
    back = same_origin_path(request.args.get("return_to"), default="/")
    picked = _parse(request.args.get("market", ""))
    primary = primary_market(current_app)
    if picked is None:
        return redirect(back, 303)
    from storefront.web import layout

    found = layout.layout().localization
    if not offered(found, picked, primary):
        picked = primary
    response = redirect(_mount() + markets.prefix_for(picked, primary) + back, 303)
    # Chosen: no more suggestions (storefront.visit.market_hint).
    response.set_cookie(market_hint.COOKIE, market_hint.value_of(picked),
                        max_age=market_hint.COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=request.is_secure)
    return response


def _parse(value: str) -> Market | None:
    """A selector value, "CA-FR" (country, then language), as a Market."""
    country, _, language = value.strip().upper().partition("-")
    if len(country) != 2 or not country.isalpha() or not language.replace("_", "").isalpha():
        return None
    return Market(country, language)


def alternates(localization) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in every market the shop sells in, and
    x-default (the primary market's page)."""
    primary = primary_market(current_app)
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k in _KEPT])
    tail = request.path + (f"?{query}" if query else "")
    root = request.host_url.rstrip("/") + _mount()
    every = markets.choices(_countries(localization), primary)
    if len(every) < 2:
        return []  # one market: nothing to point at
    out = [(market.lang, root + markets.prefix_for(market, primary) + tail)
           for market, _label in every]
    out.append(("x-default", root + tail))
    return out


# Query parameters that name a different page (pagination), kept in alternates.
_KEPT = frozenset({"page", "q", "type", "after", "before"})


def _mount() -> str:
    """The script root below the market prefix (a store mounted under /shop)."""
    return request.environ.get(markets.MOUNT_KEY, request.script_root)


def _countries(localization) -> list[markets.Offered]:
    """The countries the shop sells in ([] when Shopify has not said)."""
    if localization is None or not localization.countries:
        return []
    return localization.countries


def other_markets(localization) -> list[tuple[Market, str, str]]:
    """(market, label, prefix) of every market the shop sells in but the primary one."""
    primary = primary_market(current_app)
    return [(m, label, markets.prefix_for(m, primary))
            for m, label in markets.choices(_countries(localization), primary)
            if m != primary]


def selector(localization) -> dict:
    """What the market selector shows: every market, the current one, where to go back."""
    primary = primary_market(current_app)
    current = current_market()
    options = [
        {"value": market_hint.value_of(m), "label": label, "selected": m == current}
        for m, label in markets.choices(_countries(localization), primary)
    ]
    return {"options": options if len(options) > 1 else [], "return_to": _here()}


def _here() -> str:
    """This page's path and query in no market, without tracking parameters (the
    page cache keys it without them: web.pages.TRACKING)."""
    from storefront.web.pages import TRACKING

    query = urlencode([(k, v) for k, v in request.args.items(multi=True)
                       if not TRACKING.fullmatch(k)])
    return request.path + (f"?{query}" if query else "")


def market_suggestion() -> Markup | str:
    """The templates' `market_suggestion()`: a slot in a shared page (each visitor
    gets the banner that fits them, storefront.visit.market_hint), the banner itself
    in any other page."""
    from storefront.web import layout, pages

    hints = _hints(layout.layout().localization)
    if hints is None:
        return ""
    if pages.rendering_shared():
        visit().market_hints = hints
        return pages.slot("market_hint")
    header = current_app.config["MARKET_COUNTRY_HEADER"]
    return Markup(market_hint.banner(
        hints, request.headers.get("Accept-Language"),
        request.headers.get(header) if header else None,
        request.cookies.get(market_hint.COOKIE),
    ))


def _hints(localization) -> market_hint.Hints | None:
    """This page's banner for every other market the shop sells in, each in its language."""
    from storefront.theming import render

    others = other_markets(localization)
    if not others:
        return None
    current, primary = current_market(), primary_market(current_app)
    tail, mount = _here(), _mount()
    stay = url_for("markets.choose") + "?" + urlencode(
        {"market": market_hint.value_of(current), "return_to": tail})
    names = {entry.country: entry.name for entry in localization.countries}
    banners = []
    for market, label in markets.choices(localization.countries, primary):
        if market == current:
            continue
        go = mount + markets.prefix_for(market, primary) + tail
        with in_language(market):
            html = render("_market_suggestion.html", target_country=names[market.country],
                          target_label=label, target_lang=market.lang, go=go, stay=stay)
        banners.append((market_hint.value_of(market), html))
    return market_hint.Hints(current, tuple(localization.countries), tuple(banners))


def in_language(market: Market):
    """Render in `market`'s language (its banner speaks to the visitor it suggests)."""
    return force_locale(market.locale)


def template_context() -> dict:
    return {
        "market": current_market(),  # (its .lang is the page's <html lang>)
        "market_alternates": _lazy_alternates,
        "market_selector": _lazy_selector,
        "market_suggestion": market_suggestion,
    }


def _lazy_alternates():
    from storefront.web import layout

    return alternates(layout.layout().localization)


def _lazy_selector():
    from storefront.web import layout

    return selector(layout.layout().localization)


def init_app(app: Flask) -> None:
    app.before_request(_check_prefix)
    app.context_processor(template_context)
    app.register_blueprint(bp)
