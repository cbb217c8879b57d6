"""The shopper's cart through Shopify's Cart API, with messages a shopper can read.

A cart exists only once something is added: page views read it, never make
it. Every change returns an `Outcome`: the cart as it now is (never lost on
a refusal: the previous cart is read back) and what to tell the shopper.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext

from storefront.shopify import api
from storefront.shopify import models as m
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import Unavailable

MAX_QUANTITY = 999
MAX_NOTE = 5000
MAX_CODE = 255

# Shopify cart ids look like gid://shopify/Cart/<token>?key=<key>; anything else
# in a cookie is garbage and means "no cart" without asking Shopify.
_CART_ID = re.compile(r"gid://shopify/Cart/[A-Za-z0-9-]{1,128}(\?key=[A-Za-z0-9]{1,128})?")
_VARIANT_ID = re.compile(r"(?:gid://shopify/ProductVariant/)?([0-9]{1,20})")
_LINE_ID = re.compile(r"gid://shopify/CartLine/[A-Za-z0-9-]{1,128}(\?cart=[A-Za-z0-9-]{1,128})?")
_GIFT_CARD_ID = re.compile(r"gid://shopify/AppliedGiftCard/[A-Za-z0-9_-]{1,128}")
_PRINTED_WITH = re.compile(r"[\s-]+")  # gift card codes are printed in groups of four

log = logging.getLogger(__name__)

# Why a discount code does not apply, in the shopper's words (Shopify's
# CartWarningCode values); anything else gets the general sentence. (Texts kept here
# are lazy: each is translated in the language of the request that shows it; str()
# before one goes into a session or JSON.)
CODE_REASONS = {
    "DISCOUNT_NOT_FOUND": lazy_gettext("This code doesn't exist."),
    "DISCOUNT_CURRENTLY_INACTIVE": lazy_gettext("This code isn't active right now."),
    "DISCOUNT_USAGE_LIMIT_REACHED": lazy_gettext("This code has reached its usage limit."),
    "DISCOUNT_NO_ENTITLED_LINE_ITEMS": lazy_gettext(
        "None of the items in your cart qualify for this code."),
    "DISCOUNT_PURCHASE_NOT_IN_RANGE": lazy_gettext(
        "Your cart doesn't reach this code's minimum yet."),
    "DISCOUNT_CUSTOMER_NOT_ELIGIBLE": lazy_gettext("This code isn't available to you."),
}
GENERAL_REASON = lazy_gettext("This code doesn't apply to your cart.")

LINE_MESSAGES = {
    "MERCHANDISE_OUT_OF_STOCK": lazy_gettext("Sorry, that item is sold out."),
    "INVALID_MERCHANDISE_LINE": lazy_gettext(
        "That item isn't available. Please choose another option."),
    "MERCHANDISE_NOT_FOUND": lazy_gettext(
        "That item isn't available. Please choose another option."),
    "INVALID": lazy_gettext("That quantity isn't valid."),
}


# A gift card code Shopify did not apply: it says why in a user error, or (as it does for
# some codes) drops it without a word, which only the applied cards' last characters show.
GIFT_CARD_NOT_APPLIED = lazy_gettext(
    "That gift card code didn't work. Check it: a gift card that has expired, been disabled "
    "or used up can't be applied."
)


class BadCartInput(ValueError):
    """A form field no page of ours would send (the message says which)."""


@dataclass(frozen=True)
class Outcome:
    cart: m.Cart | None
    errors: list[str] = field(default_factory=list)  # the change was refused
    notices: list[str] = field(default_factory=list)  # done, with something to know
    code_reasons: dict[str, str] = field(default_factory=dict)  # code -> why it doesn't apply

    @property
    def ok(self) -> bool:
        return not self.errors


def cart_id_or_none(value: str | None) -> str | None:
    return value if value and _CART_ID.fullmatch(value) else None


def variant_gid(value: str | None) -> str:
    match = _VARIANT_ID.fullmatch((value or "").strip())
    if not match:
        raise BadCartInput(gettext("That product option isn't valid."))
    return f"gid://shopify/ProductVariant/{match.group(1)}"


def line_gid(value: str | None) -> str:
    if not value or not _LINE_ID.fullmatch(value):
        raise BadCartInput(gettext("That cart line isn't valid."))
    return value


def quantity(value: str | None, *, minimum: int = 1) -> int:
    try:
        number = int((value or "").strip() or "1")
    except ValueError:
        raise BadCartInput(gettext("The quantity must be a whole number.")) from None
    if not minimum <= number <= MAX_QUANTITY:
        raise BadCartInput(gettext("The quantity must be between %(minimum)s and %(maximum)s.",
                                   minimum=minimum, maximum=MAX_QUANTITY))
    return number


def discount_code(value: str | None) -> str:
    code = (value or "").strip()
    if not code or len(code) > MAX_CODE or any(ord(c) < 32 for c in code):
        raise BadCartInput(gettext("Please enter a discount code."))
    return code


def gift_card_code(value: str | None) -> str:
    """A gift card code as typed, less the spaces and dashes it is printed with
    (Shopify's codes are letters and digits, and Shopify trims nothing itself)."""
    code = _PRINTED_WITH.sub("", value or "")
    if not code or len(code) > MAX_CODE or any(ord(c) < 32 for c in code):
        raise BadCartInput(gettext("Please enter a gift card code."))
    return code


def gift_card_id(value: str | None) -> str:
    if not value or not _GIFT_CARD_ID.fullmatch(value):
        raise BadCartInput(gettext("That gift card isn't valid."))
    return value


def masked(code: str) -> str:
    """A gift card code as pages and logs may show it: its last four characters."""
    return "••••" + code[-4:].upper()


def read(client: StorefrontClient, cart_id: str | None) -> m.Cart | None:
    """The cart, or None for no cart, a garbage id, or one Shopify no longer knows."""
    cart_id = cart_id_or_none(cart_id)
    return api.cart(client, cart_id) if cart_id else None


def add(
    client: StorefrontClient,
    cart_id: str | None,
    lines: Sequence[tuple[str, int]],
    *,
    codes: Sequence[str] = (),
    attributes: dict[str, str] | None = None,
    country: str | None = None,
) -> Outcome:
    """Add (variant gid, quantity) lines, creating the cart if there is none yet.

    `codes`, `attributes` and `country` are applied when the cart is created (a
    pending discount from a /discount link, the creator's attribution, the
    market the cart is priced in).
    """
    inputs = [{"merchandiseId": variant, "quantity": qty} for variant, qty in lines]
    current = read(client, cart_id)
    if current is None:
        buyer = {"countryCode": country} if country else None
        result = api.cart_create(client, lines=inputs, discount_codes=codes, attributes=attributes,
                                 buyer_identity=buyer)
    else:
        result = _reconciled(client, current.id, api.cart_lines_add, inputs)
        if isinstance(result, Outcome):
            return result
    return _outcome(client, result, current)


UNCONFIRMED = lazy_gettext(
    "We couldn't confirm that change with the shop. This is your cart as the shop has it "
    "now: please check it before you go on."
)


def _reconciled(client: StorefrontClient, cart_id: str, mutation, argument):
    """Send a cart mutation once; if no answer came back, read the cart instead.

    A mutation that timed out may or may not have been applied. Sending it
    again could add a line twice, so it never is: the cart is read, and the
    shopper sees it as it really is.
    """
    try:
        return mutation(client, cart_id, argument)
    except Unavailable:
        cart = api.cart(client, cart_id)  # raises again if the shop is really down
        return Outcome(cart, notices=[str(UNCONFIRMED)])


def update(client: StorefrontClient, cart_id: str, line_id: str, qty: int) -> Outcome:
    return _change(client, cart_id, api.cart_lines_update, [{"id": line_id, "quantity": qty}])


def remove(client: StorefrontClient, cart_id: str, line_id: str) -> Outcome:
    return _change(client, cart_id, api.cart_lines_remove, [line_id])


def set_note(client: StorefrontClient, cart_id: str, note: str) -> Outcome:
    if len(note) > MAX_NOTE:
        raise BadCartInput(gettext("The note can be at most %(maximum)s characters.",
                                   maximum=MAX_NOTE))
    return _change(client, cart_id, api.cart_note_update, note)


def apply_code(client: StorefrontClient, cart_id: str, code: str) -> Outcome:
    """Add a code to those already on the cart (Shopify replaces the whole list)."""
    current = read(client, cart_id)
    if current is None:
        return Outcome(None, errors=[gettext("Your cart is empty.")])
    codes = [c.code for c in current.discount_codes if c.code.casefold() != code.casefold()]
    result = api.cart_discount_codes_update(client, current.id, [*codes, code])
    return _outcome(client, result, current)


def remove_code(client: StorefrontClient, cart_id: str, code: str) -> Outcome:
    current = read(client, cart_id)
    if current is None:
        return Outcome(None, errors=[gettext("Your cart is empty.")])
    codes = [c.code for c in current.discount_codes if c.code.casefold() != code.casefold()]
    result = api.cart_discount_codes_update(client, current.id, codes)
    return _outcome(client, result, current)


def apply_gift_card(client: StorefrontClient, cart_id: str | None, code: str) -> Outcome:
    """Add a gift card to those already on the cart. A refusal keeps the cart; no message
    and no log line carries more of the code than `masked` shows."""
    result = _gift_card_change(client, cart_id, api.cart_gift_card_codes_add, code)
    if isinstance(result, Outcome):
        return result
    cart, user_errors = result
    errors = [_without(code, e.message) or str(GIFT_CARD_NOT_APPLIED) for e in user_errors]
    ending = code[-4:].upper()
    if not errors and not any(g.last_characters.upper() == ending for g in cart.gift_cards):
        errors = [str(GIFT_CARD_NOT_APPLIED)]
    if errors:
        log.info("gift card %s not applied", masked(code))
        return Outcome(cart, errors=errors)
    return Outcome(cart, notices=[gettext("Gift card %(code)s applied.", code=masked(code))])


def remove_gift_card(client: StorefrontClient, cart_id: str | None, applied_id: str) -> Outcome:
    result = _gift_card_change(client, cart_id, api.cart_gift_card_codes_remove, applied_id)
    if isinstance(result, Outcome):
        return result
    cart, user_errors = result
    if user_errors:
        return Outcome(cart, errors=[gettext("That gift card isn't on your cart.")])
    return Outcome(cart, notices=[gettext("Gift card removed.")])


def _gift_card_change(client: StorefrontClient, cart_id: str | None, mutation, argument):
    """(cart, user errors) after a gift card mutation, one request when all goes well; or
    the Outcome to answer at once (no cart, or no answer from Shopify)."""
    cart_id = cart_id_or_none(cart_id)
    if cart_id is None:
        return Outcome(None, errors=[gettext("Your cart is empty.")])
    result = _reconciled(client, cart_id, mutation, [argument])
    if isinstance(result, Outcome):
        return result
    cart = result.cart or read(client, cart_id)  # refused: the cart as it is
    if cart is None:
        return Outcome(None, errors=[gettext("Your cart is empty.")])
    return cart, result.user_errors


def _without(code: str, message: str) -> str:
    """Shopify's `message` with the code, wherever it appears, masked."""
    return re.sub(re.escape(code), masked(code), message, flags=re.IGNORECASE)


def _change(client: StorefrontClient, cart_id: str, mutation, argument) -> Outcome:
    current_id = cart_id_or_none(cart_id)
    if current_id is None:
        return Outcome(None, errors=[gettext("Your cart is empty.")])
    result = _reconciled(client, current_id, mutation, argument)
    if isinstance(result, Outcome):
        return result
    return _outcome(client, result, None, current_id)


def _outcome(
    client: StorefrontClient,
    result: m.CartResult,
    before: m.Cart | None,
    cart_id: str | None = None,
) -> Outcome:
    errors = [str(LINE_MESSAGES.get(e.code or "", e.message)) for e in result.user_errors]
    cart = result.cart
    if cart is None and errors:
        # Refused: the cart is as it was; show it as it is.
        cart = before or (read(client, cart_id) if cart_id else None)
    notices, reasons = [], {}
    for warning in result.warnings:
        if warning.code.startswith("DISCOUNT_"):
            code = _code_named_in(warning, cart)
            if code:
                reasons[code.casefold()] = str(CODE_REASONS.get(warning.code, GENERAL_REASON))
        elif warning.code == "MERCHANDISE_OUT_OF_STOCK":
            errors.append(str(LINE_MESSAGES[warning.code]))
        else:
            notices.append(warning.message)
    return Outcome(cart, errors, notices, reasons)


def _code_named_in(warning: m.CartWarning, cart: m.Cart | None) -> str | None:
    """The discount code a warning is about (Shopify names it in the message)."""
    for code in cart.discount_codes if cart else []:
        if not code.applicable and code.code.casefold() in warning.message.casefold():
            return code.code
    return None


def code_reason(code: m.DiscountCode, reasons: dict[str, str]) -> str | None:
    """Why a code on the cart does not apply, or None when it does."""
    if code.applicable:
        return None
    return reasons.get(code.code.casefold(), str(GENERAL_REASON))


# The market, the creator's discount and attribution ---------------------------


def align_market(client: StorefrontClient, cart: m.Cart, country: str, primary: str) -> m.Cart:
    """The cart in `country`'s market: the same cart, which Shopify re-prices (its
    currency, and what is sold there), when the shopper changed markets. A cart
    with no country is in the `primary` country's market."""
    if (cart.buyer_country or primary) == country:
        return cart
    result = api.cart_buyer_identity_update(client, cart.id, {"countryCode": country})
    return result.cart or cart



def align_creator(
    client: StorefrontClient,
    cart: m.Cart,
    wanted: dict[str, str],
    code: str | None,
    code_of: Callable[[str], str | None],
) -> m.Cart:
    """Bring a cart's creator attributes and code in line with the credited creator.

    `wanted` holds the attribution attributes (empty when no creator is
    credited), `code` the creator's discount code, and `code_of` gives a
    previously credited handle's code, so a switch swaps codes. The
    shopper's own codes and attributes are kept: Shopify replaces whole
    lists, so both are rebuilt from what the cart holds. Only what differs
    is sent.
    """
    from storefront.attribution import ATTRIBUTE_KEYS

    current = {k: v for k, v in cart.attributes.items() if k in ATTRIBUTE_KEYS}
    previous = (code_of(current["_creator"]) if current.get("_creator") else None) or ""
    if current != wanted:
        others = {k: v or "" for k, v in cart.attributes.items() if k not in ATTRIBUTE_KEYS}
        result = api.cart_attributes_update(client, cart.id, {**others, **wanted})
        cart = result.cart or cart

    creator_codes = {c.casefold() for c in (previous, code or "") if c}
    shopper = [c.code for c in cart.discount_codes if c.code.casefold() not in creator_codes]
    codes = shopper + ([code] if code else [])
    if [c.casefold() for c in codes] != [c.code.casefold() for c in cart.discount_codes]:
        result = api.cart_discount_codes_update(client, cart.id, codes)
        cart = result.cart or cart
    return cart
