"""Vanity links: `/@<handle>` (the creator's landing page) and `/@<handle>/<path>`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from storefront import markets
from storefront.creators import code_checks, offers
from storefront.current import visit
from storefront.services import catalog
from storefront.shopify import models as m
from storefront.web import layout, referral
from storefront.web.catalog import home_collections, shared
from storefront.web.context import primary_market, storefront
from storefront.web.filters import localize, possessive_ending
from storefront.web.markets import offered
from storefront.web.redirects import same_origin_path

bp = Blueprint("creators", __name__)


def _query() -> str:
    query = request.query_string.decode("latin-1")
    return f"?{query}" if query else ""


def _known(handle: str):
    """The creator a handle or alias names (any status), or the branded 404."""
    creator = current_app.extensions["creators"].get(handle)
    if creator is None:
        abort(404)
    return creator


@bp.get("/@<handle>")
def landing(handle: str):
    creator = _known(handle)
    if handle != creator.handle:
        # An alias or another spelling: one address per creator.
        return redirect(url_for("creators.landing", handle=creator.handle) + _query(), 301)
    if not creator.is_active:
        # A paused or archived creator's link shows the brand's store, crediting no one.
        _offer_ended(creator)
        return redirect(localize("/") + _query(), 302)
    moved = _to_market(creator)
    if moved is not None:
        return moved
    referral.follow(creator)
    # As the shop check left them: no "already applied" for a code that does not apply.
    shown = code_checks.checks_of(current_app).shop_checked(creator)

    def build():
        featured, teasers = home_collections()
        page = catalog.home(storefront(), featured, teasers)
        return layout.page("creator.html", home=page, landing=shown)

    return shared(build)


def _to_market(creator):
    """The creator's link in the creator's market (`market` in their file), when it
    came with none; None to answer here. A shopper already credited to them stays
    in the market they are in (they may have just picked the primary one)."""
    if not creator.market or markets.PREFIX_KEY in request.environ:
        return None
    credited = visit().referral
    if credited is not None and credited.last.handle == creator.handle:
        return None
    primary = primary_market(current_app)
    found = markets.split("/" + creator.market, primary)
    if found is None or found[1] == primary:
        return None  # (the primary market has no prefix: "/en-us/..." sends back here)
    if not offered(layout.layout().localization, found[1], primary):
        return None  # a market the shop does not sell in (any more): the link opens here
    return redirect(f"{request.script_root}/{creator.market}{request.path}{_query()}", 302)


def _offer_ended(creator) -> None:
    """Say on the next page why the link of a paused or archived creator shows the shop
    without their offer (a note for this visitor alone: such a page is not shared)."""
    # NOTE: %(ending)s is the English possessive ending ('s, or ' after an s).
    flash(gettext("%(name)s%(ending)s offer has ended.", name=creator.name,
                  ending=possessive_ending(creator.name)), "info")


# merge_slashes=False: `/@x//evil.example` must reach the view (and be refused),
# not be tidied into another path by a redirect.
@bp.get("/@<handle>/<path:rest>", merge_slashes=False)
def deep_link(handle: str, rest: str):
    creator = _known(handle)
    moved = _to_market(creator) if creator.is_active else None
    if moved is not None:
        return moved
    if creator.is_active:
        referral.follow(creator)
    else:
        _offer_ended(creator)
    target = same_origin_path("/" + rest, default="/")
    return redirect(localize(target) + _query(), 302)


@dataclass(frozen=True)
class OfferPrice:
    """A creator price as templates print it: "From $32.30 with MAYA15"."""

    price: m.Money  # one unit with the code (for a range, of its lowest price)
    code: str  # the creator's discount code
    regular: m.Money  # the price without the code, as the page shows it
    is_from: bool = False  # the product's prices vary: the lowest of them


def _no_offer_price(*_args, **_kwargs) -> None:
    return None


def _offer_price_for(creator):
    """The templates' `offer_price(product, price=None)` while `creator` is credited."""
    discount = creator.discount
    offer = discount.offer if discount is not None and discount.as_declared else None
    if offer is None or not offers.per_item(offer):
        return _no_offer_price
    now = referral.offer_now(current_app)
    # An amount (off, or a minimum) is in the shop's currency; in a market that
    # prices in another, Shopify converts it at a rate the store does not know, so
    # no creator price is shown there (a percentage shows in every market).
    in_amounts = offer.amount is not None or offer.minimum_subtotal is not None
    shop_currency = _shop_currency() if in_amounts else None

    def offer_price(product, price=None) -> OfferPrice | None:
        """The creator price of `product` (a card or a product) at `price` (a Money, e.g.
        the chosen variant's; default the product's price range), or None."""
        value = product.price if price is None else price
        is_range = isinstance(value, m.PriceRange)
        regular = value.min if is_range else value
        if regular is None or (shop_currency and regular.currency_code != shop_currency):
            return None
        found = offers.unit_price(offer, regular.amount, handle=product.handle,
                                  collections=product.collections, now=now)
        if found is None:
            return None
        is_from = is_range and value.min.amount != value.max.amount
        return OfferPrice(m.Money(found, regular.currency_code), creator.discount.code,
                          regular, is_from)

    return offer_price


def _shop_currency() -> str | None:
    """The currency of the primary market (the shop's), None when Shopify has not said."""
    found = layout.layout().localization
    primary = primary_market(current_app).country
    return next((entry.currency for entry in found.countries if entry.country == primary),
                None) if found is not None else None


def creator_context() -> dict:
    """What every template knows of the credited creator (nothing for brand visitors).

    `offer_price(product, price=None)` is the creator price to show beside a
    product's (None for brand visitors, and wherever the code would not apply)."""
    creator = visit().creator
    if creator is None:
        return {"creator": None, "picks": (), "picks_label": None,
                "offer_price": _no_offer_price}
    first_name = creator.name.split()[0]
    return {
        "creator": creator,
        "picks": frozenset(creator.picks),
        # (Markup % escapes the name; the translation, like a template's, is trusted)
        # NOTE: %(ending)s is the English possessive ending ('s, or ' after an s).
        "picks_label": Markup(gettext("%(name)s%(ending)s pick")) % {
            "name": first_name, "ending": possessive_ending(first_name)},
        "offer_price": _offer_price_for(creator),
    }
