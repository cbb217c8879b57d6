"""The cart page, cart changes from forms and fetch, checkout and Shopify's cart links.

Every change answers a plain form with 303 back to where the shopper was,
and a fetch (Accept: application/json) with JSON. A refused change keeps the
cart as it was and says why.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext

from storefront import funnels
from storefront.current import visit
from storefront.services import cart as carts
from storefront.shopify.errors import StorefrontError
from storefront.web import cart_cookie, referral
from storefront.web.context import current_market, primary_market, storefront
from storefront.web.filters import localize, money
from storefront.web.layout import page
from storefront.web.redirects import same_origin_path

log = logging.getLogger(__name__)

bp = Blueprint("cart", __name__)

PENDING_CODE_COOKIE = "discount_code"  # from a /discount link before there is a cart
UNAVAILABLE = lazy_gettext(
    "We couldn't reach the shop to update your cart. Please try again in a moment.")
_PERMALINK = re.compile(r"[0-9]{1,20}:[0-9]{1,3}(,[0-9]{1,20}:[0-9]{1,3}){0,49}")


def _creator_code() -> str | None:
    creator = visit().creator
    return creator.discount.code if creator is not None and creator.discount else None


def _code_of(handle: str) -> str | None:
    """The discount code of a creator a cart was credited to (any status)."""
    creator = current_app.extensions["creators"].get(handle)
    return creator.discount.code if creator is not None and creator.discount else None


def _new_cart_country() -> str | None:
    """The country a new cart is made for: this page's market's (None in the primary
    market, whose carts need none)."""
    market = current_market()
    return market.country if market != primary_market(current_app) else None


def _aligned(cart):
    """The cart in this page's market, with the credited creator's code and
    attributes (or none of them)."""
    if cart is None:
        return None
    cart = carts.align_market(storefront(), cart, current_market().country,
                              primary_market(current_app).country)
    return carts.align_creator(
        storefront(), cart, referral.cart_attributes(), _creator_code(), _code_of
    )


def _product_of(cart, variant: str) -> str:
    """The handle of the product a variant added to `cart` belongs to ("" if not there)."""
    for line in cart.lines if cart is not None else ():
        if line.variant.id == variant:
            return line.product.handle
    return ""


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _back() -> str:
    return same_origin_path(request.form.get("return_to"), default=url_for("cart.show"))


def _remember_reasons(outcome: carts.Outcome) -> None:
    if outcome.code_reasons:
        session["code_reasons"] = {**session.get("code_reasons", {}), **outcome.code_reasons}


def _respond(outcome: carts.Outcome, back: str, added: dict | None = None):
    _remember_reasons(outcome)
    if _wants_json():
        response = jsonify({**_cart_json(outcome), "added": added})
        response.status_code = 200 if outcome.ok else 422
    else:
        for message in outcome.errors:
            flash(message, "error")
        for message in outcome.notices:
            flash(message, "notice")
        response = redirect(back, 303)
    return cart_cookie.remember(response, outcome.cart)


def _added(cart, variant: str) -> dict | None:
    """What the add-to-cart confirmation shows: the line `variant` is on now, and
    the cart's new total (None if the line is not there)."""
    for line in cart.lines if cart is not None else ():
        if line.variant.id == variant:
            return {
                "title": line.product.title,
                "variant": "" if line.variant.title == "Default Title" else line.variant.title,
                "quantity": line.quantity,
                "line_total": money(line.total),
                "total": money(cart.total),
                "count": cart.total_quantity,
            }
    return None


def _cart_json(outcome: carts.Outcome) -> dict:
    cart = outcome.cart
    return {
        "ok": outcome.ok,
        "errors": outcome.errors,
        "notices": outcome.notices,
        "cart": None if cart is None else {
            "count": cart.total_quantity,
            "subtotal": money(cart.subtotal),
            "total": money(cart.total),
            "lines": [
                {"id": ln.id, "variant_id": ln.variant.id, "title": ln.product.title,
                 "variant": ln.variant.title, "quantity": ln.quantity, "total": money(ln.total)}
                for ln in cart.lines
            ],
            "gift_cards": [
                {"id": g.id, "last_characters": g.last_characters,
                 "amount_used": money(g.amount_used), "balance": money(g.balance)}
                for g in cart.gift_cards
            ],
        },
    }


def _refuse(message: str, status: int = 400):
    if _wants_json():
        return jsonify({"ok": False, "errors": [message]}), status
    return page("errors/400.html", message=message), status


def _unavailable(error: StorefrontError):
    log.warning("cart change failed: %s", error)
    if _wants_json():
        return jsonify({"ok": False, "errors": [str(UNAVAILABLE)]}), 503, {"Retry-After": "10"}
    flash(str(UNAVAILABLE), "error")
    return redirect(_back(), 303)


@bp.after_request
def _never_stored(response):
    """Carts are one shopper's: no browser or proxy may keep these replies.

    They are HTML (or a redirect) or JSON as Accept prefers, hence `Vary: Accept`.
    """
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


@bp.errorhandler(carts.BadCartInput)
def _bad_input(error: carts.BadCartInput):
    return _refuse(str(error))


@bp.errorhandler(StorefrontError)
def _storefront_down(error: StorefrontError):
    if request.method == "GET":
        # Viewing the cart (or following a link): say so here; sending the
        # shopper back would send them round in a loop while Shopify is down.
        log.warning("cart unavailable: %s", error)
        if _wants_json():
            return jsonify({"ok": False, "errors": [str(UNAVAILABLE)]}), 503, {"Retry-After": "10"}
        return page("errors/503.html"), 503, {"Retry-After": "10"}
    return _unavailable(error)


@bp.get("/cart")
def show():
    cart = _aligned(carts.read(storefront(), cart_cookie.cart_id()))
    reasons = session.get("code_reasons", {}) if cart else {}
    response = make_response(page(
        "cart.html", cart=cart, code_reason=lambda code: carts.code_reason(code, reasons)
    ))
    response.headers["Cache-Control"] = "no-store"
    return cart_cookie.remember(response, cart)


@bp.post("/cart/add")
def add():
    variant = carts.variant_gid(request.form.get("variant_id"))
    quantity = carts.quantity(request.form.get("quantity"))
    pending = request.cookies.get(PENDING_CODE_COOKIE)
    codes = [carts.discount_code(pending)] if pending and len(pending) <= carts.MAX_CODE else []
    creator_code = _creator_code()
    # (a creator's /discount link credits them and keeps their code pending too: once is enough)
    if creator_code and creator_code.casefold() not in {c.casefold() for c in codes}:
        codes.append(creator_code)
    outcome = carts.add(
        storefront(), cart_cookie.cart_id(), [(variant, quantity)],
        codes=codes, attributes=referral.cart_attributes(), country=_new_cart_country(),
    )
    if outcome.cart is not None:
        outcome = replace(outcome, cart=_aligned(outcome.cart))
    added = _added(outcome.cart, variant) if outcome.ok else None
    if outcome.ok:
        funnels.count("add", _product_of(outcome.cart, variant))
    if added is not None and not _wants_json():
        flash(added, "added")  # the confirmation on the page the shopper returns to
    response = _respond(outcome, _back(), added=added)
    if outcome.cart is not None and pending:
        response.delete_cookie(PENDING_CODE_COOKIE)
    return response


@bp.post("/cart/update")
def update():
    line = carts.line_gid(request.form.get("line_id"))
    quantity = carts.quantity(request.form.get("quantity"), minimum=0)
    return _respond(carts.update(storefront(), cart_cookie.cart_id(), line, quantity), _back())


@bp.post("/cart/remove")
def remove():
    line = carts.line_gid(request.form.get("line_id"))
    return _respond(carts.remove(storefront(), cart_cookie.cart_id(), line), _back())


@bp.post("/cart/discounts")
def apply_code():
    code = carts.discount_code(request.form.get("code"))
    return _respond(_code_applied(cart_cookie.cart_id(), code), _back())


def _code_applied(cart_id: str, code: str) -> carts.Outcome:
    """Apply `code`; a creator's code credits that creator as their link would, and the
    cart then carries whoever is credited (their code and attributes)."""
    followed = referral.follow_code(code)
    outcome = carts.apply_code(storefront(), cart_id, code)
    if followed is not None and outcome.cart is not None:
        outcome = replace(outcome, cart=_aligned(outcome.cart))
    return outcome


@bp.post("/cart/discounts/remove")
def remove_code():
    code = carts.discount_code(request.form.get("code"))
    return _respond(carts.remove_code(storefront(), cart_cookie.cart_id(), code), _back())


@bp.post("/cart/gift-cards")
def apply_gift_card():
    code = carts.gift_card_code(request.form.get("code"))
    return _respond(carts.apply_gift_card(storefront(), cart_cookie.cart_id(), code), _back())


@bp.post("/cart/gift-cards/remove")
def remove_gift_card():
    applied = carts.gift_card_id(request.form.get("gift_card_id"))
    return _respond(carts.remove_gift_card(storefront(), cart_cookie.cart_id(), applied), _back())


@bp.post("/cart/note")
def note():
    text = request.form.get("note", "")
    return _respond(carts.set_note(storefront(), cart_cookie.cart_id(), text), _back())


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    """Hand over to Shopify's checkout for a freshly read cart."""
    cart = carts.read(storefront(), cart_cookie.cart_id())
    if cart is None or not cart.lines:
        return cart_cookie.remember(redirect(url_for("cart.show"), 303), cart)
    cart = _aligned(cart)
    funnels.count("checkout")
    return cart_cookie.remember(redirect(cart.checkout_url, 303), cart)


@bp.get("/discount/<code>")
def discount_link(code: str):
    """Shopify's shareable discount link: apply the code, then go on to `redirect`.

    A creator's code credits that creator, as their link would.
    """
    code = carts.discount_code(code)
    back = localize(same_origin_path(request.args.get("redirect"), default="/"))
    cart_id = cart_cookie.cart_id()
    if cart_id is None:
        referral.follow_code(code)
        # No cart yet, and a link must not create one: keep the code for the first add.
        response = redirect(back, 303)
        response.set_cookie(
            PENDING_CODE_COOKIE, code, max_age=cart_cookie.MAX_AGE, httponly=True,
            samesite="Lax", secure=request.is_secure,
        )
        flash(gettext("The code %(code)s will be applied to your cart.", code=code), "notice")
        return response
    return _respond(_code_applied(cart_id, code), back)


@bp.get("/cart/<path:items>")
def permalink(items: str):
    """Shopify's cart permalink: a new cart with these lines, straight to checkout."""
    if not _PERMALINK.fullmatch(items):
        return _refuse(gettext(
            "This cart link isn't valid: it should list variant:quantity pairs."))
    lines = []
    for pair in items.split(","):
        variant, quantity = pair.split(":")
        if int(quantity) < 1:
            return _refuse(gettext(
                "This cart link isn't valid: every quantity must be at least 1."))
        lines.append((carts.variant_gid(variant), int(quantity)))
    code = request.args.get("discount")
    codes = [carts.discount_code(code)] if code else []
    if _creator_code():
        codes.append(_creator_code())
    attributes = referral.cart_attributes()
    outcome = carts.add(storefront(), None, lines, codes=codes, attributes=attributes,
                        country=_new_cart_country())
    if not outcome.ok or outcome.cart is None or not outcome.cart.lines:
        reason = " ".join(outcome.errors) or gettext("None of its items are available.")
        return _refuse(gettext("This cart link can't be used. %(reason)s", reason=reason), 422)
    for variant, _ in lines:
        funnels.count("add", _product_of(outcome.cart, variant))
    funnels.count("checkout")
    return cart_cookie.remember(redirect(outcome.cart.checkout_url, 303), outcome.cart)
