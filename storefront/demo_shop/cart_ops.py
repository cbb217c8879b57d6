"""The Cart API's mutations, applied to stored carts with Shopify's semantics.

Each mutation either succeeds (possibly with warnings: stock reduced, a
discount code that does not apply) or fails with user errors and leaves the
cart exactly as it was. A cart id that is garbage, unknown, expired or has the
wrong key is one user error on `cartId` and no cart.

A cart is in the market of its buyer identity's country (markets.py; the primary market
without one), set by `cartCreate(input: {buyerIdentity})` or `cartBuyerIdentityUpdate`:
never by `@inContext(country:)`, which Shopify ignores in cart queries and mutations. Its
lines, costs and codes are priced there; a line of a product that market does not sell
is refused like an unknown variant.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from storefront.demo_shop import cart_delivery, cart_metafields, gift_cards, ids
from storefront.demo_shop.cart_errors import CartWarning, UserError
from storefront.demo_shop.cart_errors import Rejected as _Rejected
from storefront.demo_shop.carts import CartRecord, CartStore, LineRecord
from storefront.demo_shop.catalog import Catalog
from storefront.demo_shop.discounts import PricedLine, price_cart
from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import ZERO

MAX_INPUT_ITEMS = 250  # Shopify's cap on lines, attributes and codes in one input
MAX_NOTE_LENGTH = 5000

WARNING_MESSAGES = {
    "DISCOUNT_NOT_FOUND": "The discount code {code} is not valid.",
    "DISCOUNT_CURRENTLY_INACTIVE": "The discount code {code} is not active.",
    "DISCOUNT_USAGE_LIMIT_REACHED": "The discount code {code} has reached its usage limit.",
    "DISCOUNT_NO_ENTITLED_LINE_ITEMS": "No item in the cart qualifies for {code}.",
    "DISCOUNT_PURCHASE_NOT_IN_RANGE": "The cart doesn't reach the minimum purchase for {code}.",
}


@dataclass
class Result:
    """What a cart mutation returns: the cart after it (or None), errors and warnings."""

    cart: CartRecord | None = None
    user_errors: list[UserError] = field(default_factory=list)
    warnings: list[CartWarning] = field(default_factory=list)


def _invalid_cart() -> Result:
    return Result(None, [UserError("INVALID", ["cartId"], "The specified cart does not exist.")])


class CartOperations:
    """Cart mutations over a catalog, a store, and the ledger of what gift cards spent."""

    def __init__(self, catalog: Catalog, store: CartStore, ledger: gift_cards.Ledger) -> None:
        self.catalog = catalog
        self.store = store
        self.ledger = ledger

    # Reading --------------------------------------------------------------

    def get(self, cart_id: object) -> CartRecord | None:
        parsed = ids.parse_cart_gid(cart_id)
        return self.store.get(*parsed) if parsed else None

    def market(self, cart: CartRecord) -> Market:
        """The cart's market: its buyer's country's (the primary market without one)."""
        return self.catalog.shop.market_for(cart.buyer_country)

    def priced_lines(self, cart: CartRecord) -> list[PricedLine]:
        """The cart's lines at their prices in its market. A variant gone from the catalog,
        or from the market's, drops out of the cart."""
        market, lines = self.market(cart), []
        for line in cart.lines:
            variant = self.catalog.variant(line.variant_id)
            product = self.catalog.product_by_id(variant.product_id) if variant else None
            if product is not None and market.sells(product):
                lines.append(PricedLine(line.id, variant, product, line.quantity,
                                        market.price(variant), market.compare_at(variant)))
        return lines

    def pricing(self, cart: CartRecord):
        return price_cart(self.catalog, self.priced_lines(cart), cart.discount_codes,
                          self.market(cart))

    def today(self) -> date:
        """The shop's date (UTC), from the store's clock: what gift cards expire by."""
        return datetime.fromtimestamp(self.store.now(), UTC).date()

    def gift_cards(
        self, cart: CartRecord, total: Decimal, conn: sqlite3.Connection | None = None
    ) -> tuple[gift_cards.Applied, ...]:
        """The cards on `cart` that can pay today, and what each pays of `total`
        (balances read through `conn` when given: inside an order's transaction)."""
        cards = [c for c in map(self.catalog.gift_card_by_id, cart.gift_cards) if c]
        balances, today = self.ledger.balances(cards, conn), self.today()
        return gift_cards.apply(
            ((card, balances[card.id]) for card in cards
             if gift_cards.problem(card, balances[card.id], today) is None),
            total, self.market(cart))

    # Mutations ------------------------------------------------------------

    def create(self, cart_input: dict[str, Any] | None) -> Result:
        cart_input = cart_input or {}
        now = self.store.now()
        cart = CartRecord(
            token=secrets.token_hex(16), key=secrets.token_hex(16), created_at=now, updated_at=now
        )
        warnings: list[CartWarning] = []
        try:
            if "attributes" in cart_input and cart_input["attributes"] is not None:
                cart.attributes = _attributes(cart_input["attributes"], ["input", "attributes"])
            if cart_input.get("note") is not None:
                cart.note = _note(cart_input["note"], ["input", "note"])
            if cart_input.get("buyerIdentity"):
                _buyer_identity(cart, cart_input["buyerIdentity"], ["input", "buyerIdentity"])
            if cart_input.get("discountCodes"):
                cart.discount_codes = _codes(
                    cart_input["discountCodes"], ["input", "discountCodes"]
                )
            if cart_input.get("giftCardCodes"):
                cart.gift_cards = self._gift_cards(
                    cart_input["giftCardCodes"], ["input", "giftCardCodes"]
                )
            self._add_lines(cart, cart_input.get("lines") or [], warnings, ["input", "lines"])
        except _Rejected as rejected:
            return Result(None, rejected.errors)
        self.store.create(cart)
        warnings += self._discount_warnings(cart)
        return Result(cart, [], warnings)

    def lines_add(self, cart_id: str, lines: Sequence[dict]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            self._add_lines(cart, lines, warnings, ["lines"])

        return self._mutate(cart_id, change, discount_warnings=True)

    def lines_update(self, cart_id: str, lines: Sequence[dict]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            _check_count(lines, ["lines"], "lines")
            for index, update in enumerate(lines):
                self._update_line(cart, update, warnings, ["lines", str(index)])

        return self._mutate(cart_id, change, discount_warnings=True)

    def lines_remove(self, cart_id: str, line_ids: Sequence[str]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            _check_count(line_ids, ["lineIds"], "lines")
            for index, line_id in enumerate(line_ids):
                line = _find_line(cart, line_id, ["lineIds", str(index)])
                cart.lines.remove(line)

        return self._mutate(cart_id, change, discount_warnings=True)

    def discount_codes_update(self, cart_id: str, codes: Sequence[str]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            cart.discount_codes = _codes(codes, ["discountCodes"])

        return self._mutate(cart_id, change, discount_warnings=True)

    # The cards are checked before the cart's transaction: their balances are read from
    # the shop's database through another connection, which must not wait for the lock
    # that transaction holds on the same file.

    def gift_card_codes_update(self, cart_id: str, codes: Sequence[str]) -> Result:
        """The cart's gift cards become those `codes` name (`[]` removes them all)."""
        checked = self._checked_gift_cards(codes, ["giftCardCodes"])

        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            cart.gift_cards = checked()

        return self._mutate(cart_id, change)

    def gift_card_codes_add(self, cart_id: str, codes: Sequence[str]) -> Result:
        checked = self._checked_gift_cards(codes, ["giftCardCodes"])

        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            cart.gift_cards = list(dict.fromkeys([*cart.gift_cards, *checked()]))
            _check_count(cart.gift_cards, ["giftCardCodes"], "gift cards")

        return self._mutate(cart_id, change)

    def gift_card_codes_remove(self, cart_id: str, applied_ids: Sequence[str]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            _check_count(applied_ids, ["appliedGiftCardIds"], "gift cards")
            for index, applied_id in enumerate(applied_ids):
                number = ids.number_of(applied_id, "AppliedGiftCard")
                if number not in cart.gift_cards:
                    raise _Rejected(UserError(
                        "INVALID", ["appliedGiftCardIds", str(index)],
                        "The applied gift card does not exist."))
                cart.gift_cards.remove(number)

        return self._mutate(cart_id, change)

    def attributes_update(self, cart_id: str, attributes: Sequence[dict]) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            cart.attributes = _attributes(attributes, ["attributes"])

        return self._mutate(cart_id, change)

    def note_update(self, cart_id: str, note: str) -> Result:
        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            cart.note = _note(note, ["note"])

        return self._mutate(cart_id, change)

    def buyer_identity_update(self, cart_id: str, identity: dict[str, Any]) -> Result:
        """Change who buys; a new country moves the cart to its market, where every line
        and cost is priced anew, and the lines of products that market does not sell are
        removed (a MERCHANDISE_OUT_OF_STOCK warning names each one's variant)."""

        def change(cart: CartRecord, warnings: list[CartWarning]) -> None:
            _buyer_identity(cart, identity, ["buyerIdentity"])
            market = self.market(cart)
            for line in list(cart.lines):
                variant = self.catalog.variant(line.variant_id)
                product = self.catalog.product_by_id(variant.product_id) if variant else None
                if product is not None and not market.sells(product):
                    cart.lines.remove(line)
                    warnings.append(CartWarning(
                        "MERCHANDISE_OUT_OF_STOCK",
                        f"{product.title} isn't sold in {cart.buyer_country}: it was removed "
                        "from the cart.", ids.gid("ProductVariant", variant.id)))

        return self._mutate(cart_id, change, discount_warnings=True)

    # Delivery (cart_delivery.py) ---------------------------------------------

    def delivery_addresses_add(self, cart_id: str, addresses: Sequence[dict]) -> Result:
        return self._mutate(cart_id, lambda cart, w: cart_delivery.add(cart, addresses, w))

    def delivery_addresses_update(self, cart_id: str, addresses: Sequence[dict]) -> Result:
        return self._mutate(cart_id, lambda cart, w: cart_delivery.update(cart, addresses, w))

    def delivery_addresses_remove(self, cart_id: str, address_ids: Sequence[str]) -> Result:
        return self._mutate(cart_id, lambda cart, w: cart_delivery.remove(cart, address_ids, w))

    def delivery_addresses_replace(self, cart_id: str, addresses: Sequence[dict]) -> Result:
        return self._mutate(cart_id, lambda cart, w: cart_delivery.replace(cart, addresses, w))

    def delivery_options_select(self, cart_id: str, choices: Sequence[dict]) -> Result:
        shop = self.catalog.shop
        return self._mutate(
            cart_id, lambda cart, w: cart_delivery.select_options(cart, shop, choices, w)
        )

    def delivery_groups(self, cart: CartRecord) -> list[cart_delivery.DeliveryGroup]:
        return cart_delivery.groups_of(cart, self.catalog.shop, self.pricing(cart).total,
                                       self.market(cart))

    # Metafields (cart_metafields.py) -----------------------------------------

    def metafields_set(self, entries: Sequence[dict]) -> cart_metafields.Outcome:
        return cart_metafields.set_all(self.store, entries)

    def metafield_delete(self, given: dict) -> cart_metafields.Outcome:
        return cart_metafields.delete(self.store, given)

    # Helpers --------------------------------------------------------------

    def _mutate(
        self,
        cart_id: str,
        change: Callable[[CartRecord, list[CartWarning]], None],
        *,
        discount_warnings: bool = False,
    ) -> Result:
        parsed = ids.parse_cart_gid(cart_id)
        if parsed is None:
            return _invalid_cart()
        errors: list[UserError] = []
        warnings: list[CartWarning] = []

        def apply(cart: CartRecord) -> CartRecord | None:
            try:
                change(cart, warnings)
            except _Rejected as rejected:
                errors.extend(rejected.errors)
                warnings.clear()
                return None
            return cart

        cart = self.store.transact(*parsed, apply)
        if cart is None:
            return _invalid_cart()
        if discount_warnings and not errors:
            warnings += self._discount_warnings(cart)
        return Result(cart, errors, warnings)

    def _discount_warnings(self, cart: CartRecord) -> list[CartWarning]:
        target = ids.cart_gid(cart.token, cart.key)
        return [
            CartWarning(
                status.warning, WARNING_MESSAGES[status.warning].format(code=status.code), target
            )
            for status in self.pricing(cart).codes
            if status.warning
        ]

    def _checked_gift_cards(
        self, codes: Sequence[str], where: list[str]
    ) -> Callable[[], list[int]]:
        """`_gift_cards` now; what it found (or its refusal) when called."""
        try:
            found = self._gift_cards(codes, where)
        except _Rejected as rejected:
            refusal = rejected

            def refuse() -> list[int]:
                raise refusal

            return refuse
        return lambda: list(found)

    def _gift_cards(self, codes: Sequence[str], where: list[str]) -> list[int]:
        """The ids of the cards `codes` name, each once; an INVALID user error for each
        code that can't pay (see gift_cards.py), and then nothing changes."""
        _check_count(codes, where, "gift card codes")
        cards = [self.catalog.gift_card(code) for code in codes]
        balances, today = self.ledger.balances([card for card in cards if card]), self.today()
        errors = []
        for index, card in enumerate(cards):
            why = gift_cards.problem(card, balances[card.id] if card else ZERO, today)
            if why:
                errors.append(UserError("INVALID", [*where, str(index)], why))
        if errors:
            raise _Rejected(*errors)
        return list(dict.fromkeys(card.id for card in cards))

    def _variant(self, cart: CartRecord, merchandise_id: object, where: list[str]):
        """The variant a line names; as on Shopify, one the cart's market does not sell is
        as unknown as one that does not exist."""
        variant = self.catalog.variant(ids.number_of(merchandise_id, "ProductVariant"))
        product = self.catalog.product_by_id(variant.product_id) if variant else None
        if product is None or not self.market(cart).sells(product):
            raise _Rejected(
                UserError(
                    "INVALID_MERCHANDISE_LINE",
                    [*where, "merchandiseId"],
                    "The merchandise line was not found in the cart or is not valid.",
                )
            )
        return variant

    def _add_lines(
        self, cart: CartRecord, lines: Sequence[dict], warnings: list[CartWarning], where: list[str]
    ) -> None:
        _check_count(lines, where, "lines")
        for index, line_input in enumerate(lines):
            at = [*where, str(index)]
            variant = self._variant(cart, line_input.get("merchandiseId"), at)
            quantity = line_input.get("quantity")
            quantity = 1 if quantity is None else quantity
            if quantity < 0:
                raise _Rejected(
                    UserError(
                        "INVALID", [*at, "quantity"], "The quantity must be a positive number."
                    )
                )
            attributes = _attributes(line_input.get("attributes") or [], [*at, "attributes"])
            if quantity == 0:
                continue
            merchandise = ids.gid("ProductVariant", variant.id)
            if not variant.available:
                warnings.append(
                    CartWarning(
                        "MERCHANDISE_OUT_OF_STOCK", "The merchandise is out of stock.", merchandise
                    )
                )
                continue
            line = next(
                (
                    ln
                    for ln in cart.lines
                    if ln.variant_id == variant.id and ln.attributes == attributes
                ),
                None,
            )
            if line is None:
                line = LineRecord(uuid.uuid4().hex, variant.id, 0, attributes)
                cart.lines.append(line)
            self._set_quantity(cart, line, line.quantity + quantity, warnings)

    def _update_line(
        self, cart: CartRecord, update: dict, warnings: list[CartWarning], at: list[str]
    ) -> None:
        line = _find_line(cart, update.get("id"), [*at, "id"])
        if update.get("merchandiseId") is not None:
            variant = self._variant(cart, update["merchandiseId"], at)
            if not variant.available:
                merchandise = ids.gid("ProductVariant", variant.id)
                warnings.append(
                    CartWarning(
                        "MERCHANDISE_OUT_OF_STOCK", "The merchandise is out of stock.", merchandise
                    )
                )
                return
            line.variant_id = variant.id
        if update.get("attributes") is not None:
            line.attributes = _attributes(update["attributes"], [*at, "attributes"])
        quantity = update.get("quantity")
        if quantity is None:
            quantity = line.quantity
        if quantity < 0:
            raise _Rejected(
                UserError("INVALID", [*at, "quantity"], "The quantity must be a positive number.")
            )
        if quantity == 0:
            cart.lines.remove(line)
        else:
            self._set_quantity(cart, line, quantity, warnings)

    def _set_quantity(
        self, cart: CartRecord, line: LineRecord, wanted: int, warnings: list[CartWarning]
    ) -> None:
        """Set a line's quantity, reduced to the stock its other lines leave over."""
        variant = self.catalog.variant(line.variant_id)
        elsewhere = sum(
            ln.quantity for ln in cart.lines if ln.variant_id == line.variant_id and ln is not line
        )
        room = max(variant.quantity_available - elsewhere, 0)
        line.quantity = min(wanted, room)
        if wanted > room:
            warnings.append(
                CartWarning(
                    "MERCHANDISE_NOT_ENOUGH_STOCK",
                    f"Only {room} items were added to the cart due to availability.",
                    ids.line_gid(line.id, cart.token),
                )
            )
        if line.quantity == 0:
            cart.lines.remove(line)


def _check_count(items: Sequence, where: list[str], what: str) -> None:
    if len(items) > MAX_INPUT_ITEMS:
        raise _Rejected(
            UserError(
                "MAXIMUM_EXCEEDED",
                where,
                f"Cannot take more than {MAX_INPUT_ITEMS} {what} at once.",
            )
        )


def _find_line(cart: CartRecord, line_id: object, where: list[str]) -> LineRecord:
    parsed = ids.parse_line_gid(line_id)
    line = None
    if parsed and parsed[1] == cart.token:
        line = next((ln for ln in cart.lines if ln.id == parsed[0]), None)
    if line is None:
        raise _Rejected(UserError("INVALID", where, "The cart line does not exist."))
    return line


def _attributes(pairs: Sequence[dict], where: list[str]) -> list[tuple[str, str]]:
    """Attributes in first-seen key order; a repeated key keeps its last value."""
    _check_count(pairs, where, "attributes")
    merged: dict[str, str] = {}
    for index, pair in enumerate(pairs):
        if not pair["key"].strip():
            raise _Rejected(
                UserError(
                    "INVALID", [*where, str(index), "key"], "An attribute key can't be blank."
                )
            )
        merged[pair["key"]] = pair["value"]
    return list(merged.items())


def _codes(codes: Sequence[str], where: list[str]) -> list[str]:
    """Codes as the shopper typed them, deduplicated case-insensitively, blanks dropped."""
    _check_count(codes, where, "discount codes")
    kept: dict[str, str] = {}
    for code in codes:
        code = code.strip()
        if code and code.casefold() not in kept:
            kept[code.casefold()] = code
    return list(kept.values())


def _note(note: str, where: list[str]) -> str:
    if len(note) > MAX_NOTE_LENGTH:
        raise _Rejected(
            UserError(
                "NOTE_TOO_LONG",
                where,
                f"The note can't be longer than {MAX_NOTE_LENGTH} characters.",
            )
        )
    return note


def _buyer_identity(cart: CartRecord, identity: dict[str, Any], where: list[str]) -> None:
    """Set the identity fields given (an explicit null clears one)."""
    email = identity.get("email")
    if email is not None and ("@" not in email or len(email) > 254 or email != email.strip()):
        raise _Rejected(UserError("INVALID", [*where, "email"], "Email is invalid."))
    for name, attribute in (
        ("email", "buyer_email"),
        ("phone", "buyer_phone"),
        ("countryCode", "buyer_country"),
    ):
        if name in identity:
            setattr(cart, attribute, identity[name])
