"""The one request hook that reads and writes the referral cookie.

Before each request: the credited creator is resolved once (from the cookie,
or from `?ref=`) and kept on `g.creator` for every view and template; their
theme is chosen. After it: the cookie is written when a link changed it, or
cleared when it was tampered with, expired, or names a creator no longer active.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, redirect, request

from storefront import attribution, theming
from storefront.web import pages

# Not the shop: no referral is read or followed at these paths or below them (an
# `/admin?ref=` link must not credit anyone). Whole segments, so a shop page
# such as /administrator-picks is not caught by /admin.
OPERATIONS = ("/admin", "/webhooks", "/healthz", "/readyz", "/demo-shop", "/assets",
              "/creator-media", "/favicon.ico")


def is_operations(path: str) -> bool:
    """Whether `path` is one of OPERATIONS or below one: no creator is credited there."""
    return any(path == root or path.startswith(root + "/") for root in OPERATIONS)


def _registry():
    return current_app.extensions["creators"]


def _signer() -> attribution.Signer:
    return current_app.extensions["referral_signer"]


def _make_signer(app: Flask) -> attribution.Signer:
    """The referral cookie's signer: SECRET_KEY, then each fallback, for the window."""
    keys = [app.config["SECRET_KEY"], *(app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return attribution.Signer(keys, app.config["ATTRIBUTION_WINDOW_DAYS"])


def _model() -> str:
    return current_app.config["ATTRIBUTION_MODEL"]


def active_creator(name: str | None):
    """The active creator a handle or alias names, or None."""
    creator = _registry().get(name) if name else None
    return creator if creator is not None and creator.is_active else None


def follow(creator) -> None:
    """Record that the shopper followed `creator`'s link on this request."""
    g.referral = attribution.touch(
        g.get("referral"), creator.handle, attribution.campaign_from(request.args)
    )
    g.referral_changed = True
    g.followed = creator  # a landing, for the funnels
    _credit(g.referral)


def _credit(referral: attribution.Referral | None) -> None:
    g.creator = None
    if referral is not None:
        g.creator = active_creator(referral.credited(_model()).handle)
    theming.use(g.creator.theme if g.creator is not None else None)


def _load():
    g.referral, g.creator, g.referral_changed, g.referral_cleared = None, None, False, False
    if is_operations(request.path):
        return None
    raw = request.cookies.get(attribution.COOKIE)
    referral = _signer().loads(raw)
    if referral is not None and active_creator(referral.credited(_model()).handle) is None:
        referral = None  # an unknown, paused or archived creator earns nothing
    if raw and referral is None:
        g.referral_cleared = True
    g.referral = referral
    _credit(referral)

    if "ref" in request.args and request.method == "GET":
        creator = active_creator(request.args.get("ref"))
        if creator is not None:
            follow(creator)
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != "ref"]
        return redirect(request.path + (f"?{urlencode(rest)}" if rest else ""), 302)
    return None


def _store(response):
    if g.get("referral_changed") and g.get("referral") is not None:
        response.set_cookie(
            attribution.COOKIE,
            _signer().dumps(g.referral),
            max_age=current_app.config["ATTRIBUTION_WINDOW_DAYS"] * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    elif g.get("referral_cleared"):
        response.delete_cookie(
            attribution.COOKIE, httponly=True, samesite="Lax", secure=request.is_secure
        )
    # Pages differ by referral: no shared cache may hand one visitor's page to another.
    response.vary.add(pages.HTML_VARY)
    return response


def cart_attributes() -> dict[str, str]:
    """The attribution attributes this request's cart should carry."""
    if g.get("creator") is None:
        return {}
    attributes = attribution.cart_attributes(g.referral, _model())
    attributes["_creator"] = g.creator.handle  # the current handle, even if linked by alias
    return attributes


def init_app(app: Flask) -> None:
    # Made here, not on first use: the page fast path reads it too, and must not
    # have to wait for a request through Flask to find it.
    app.extensions["referral_signer"] = _make_signer(app)
    app.before_request(_load)
    app.after_request(_store)
