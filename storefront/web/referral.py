"""The app's side of the referral decision (storefront.visit.referral).

Before each request the decision is made once, from the cookie and the link
parameters (`?ref=` and the affiliate platforms'), and kept on this request's
visit for every view and template; the credited creator's theme is chosen.
Views add what only they know: a `/@handle` link (`follow`), a creator's code
typed at the cart or in a `/discount/CODE` link (`follow_code`). After it, the
cookie is written when a link changed it, or cleared when it was tampered
with, expired, or names a creator no longer active. The page fast path makes
the same decision with the same call.

A credited creator whose offer has dates is kept as `offers.keyed` makes them:
page keys then name the offer's phase, read from the app's offer clock
(`offer_now`), so no cached page shows an offer price outside its dates. One
whose code failed the check against the shop is kept as `code_checks` makes
them (no promise, no prices), keyed by that outcome too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Flask, current_app, redirect, request

from storefront import attribution, lifecycle, theming
from storefront.creators import code_checks, offers
from storefront.current import visit
from storefront.visit import headers
from storefront.visit import referral as deciding


def _make_signer(app: Flask) -> attribution.Signer:
    """The referral cookie's signer: SECRET_KEY, then each fallback, for the window."""
    keys = [app.config["SECRET_KEY"], *(app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return attribution.Signer(keys, app.config["ATTRIBUTION_WINDOW_DAYS"])


def _model() -> str:
    return current_app.config["ATTRIBUTION_MODEL"]


def _now_utc() -> datetime:
    return datetime.now(UTC)


def offer_now(app: Flask) -> datetime:
    """The time offers are judged at (`app.extensions["offer_clock"]`; tests replace it)."""
    return app.extensions["offer_clock"]()


def decide(app: Flask, path: str, method: str, query, cookie: str | None) -> deciding.Decision:
    """The referral decision for a request, with this app's creators and settings."""
    return _keyed(app, deciding.decide(
        path=path, method=method, query=query, cookie=cookie,
        registry=app.extensions["creators"], signer=app.extensions["referral_signer"],
        model=app.config["ATTRIBUTION_MODEL"],
    ))


def _keyed(app: Flask, decision: deciding.Decision) -> deciding.Decision:
    creator = decision.creator
    if creator is None or creator.discount is None:
        return decision  # most visits: nothing to look at
    keyed = code_checks.checks_of(app).shop_checked(creator)
    if keyed.discount.offer is not None:
        keyed = offers.keyed(keyed, offer_now(app))
    return decision if keyed is creator else replace(decision, creator=keyed)


def _apply(decision: deciding.Decision) -> None:
    decision = _keyed(current_app, decision)
    state = visit()
    state.referral, state.creator = decision.referral, decision.creator
    state.followed, state.referral_cookie = decision.followed, decision.cookie
    theming.use(decision.theme)


def follow(creator) -> None:
    """Record that the shopper followed active `creator`'s `/@handle` link on this request."""
    state = visit()
    now = deciding.Decision(state.referral, state.creator, state.followed, state.referral_cookie)
    _apply(deciding.follow(now, creator, request.args.items(multi=True),
                           current_app.extensions["creators"], _model()))


def follow_code(code: str):
    """Credit the active creator whose discount code `code` is, as their link would
    (the attribution model decides who is credited); that creator, or None."""
    creator = deciding.by_code(current_app.extensions["creators"], code)
    if creator is not None:
        follow(creator)
    return creator


def _load():
    decision = decide(current_app, request.path, request.method, request.args.items(multi=True),
                      request.cookies.get(attribution.COOKIE))
    _apply(decision)
    if decision.redirect_to is None:
        return None
    return redirect(request.script_root + decision.redirect_to, 302)  # (in its market)


def _store(response):
    state = visit()
    if state.referral_cookie == "set" and state.referral is not None:
        response.set_cookie(
            attribution.COOKIE,
            current_app.extensions["referral_signer"].dumps(state.referral),
            max_age=current_app.config["ATTRIBUTION_WINDOW_DAYS"] * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    elif state.referral_cookie == "clear":
        response.delete_cookie(
            attribution.COOKIE, httponly=True, samesite="Lax", secure=request.is_secure
        )
    # Pages differ by referral: no shared cache may hand one visitor's page to another.
    response.vary.add(headers.HTML_VARY)
    return response


def cart_attributes() -> dict[str, str]:
    """The attribution attributes this request's cart should carry."""
    state = visit()
    if state.creator is None:
        return {}
    attributes = attribution.cart_attributes(state.referral, _model())
    attributes["_creator"] = state.creator.handle  # the current handle, even if linked by alias
    return attributes


def init_app(app: Flask) -> None:
    # Made here, not on first use: the page fast path reads it too, and must not
    # have to wait for a request through Flask to find it.
    app.extensions["referral_signer"] = _make_signer(app)
    app.extensions.setdefault("offer_clock", _now_utc)
    code_checks.checks_of(app)
    # Codes are re-checked against the shop in the background of each serving process
    # (one at a time, through a claim), never on a page view.
    lifecycle.on_start(app, lambda: code_checks.start(app))
    app.before_request(_load)
    app.after_request(_store)
