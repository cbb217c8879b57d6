"""Delivery on a cart: the buyer's addresses, and the delivery group of the selected one.

Addresses are stored on the cart as given (`cartDeliveryAddressesAdd/Update/Remove/
Replace`), at most 20, at most one selected. A cart with lines and a selected
address has one delivery group (the demo sells no subscriptions): the shop's
rates to that address's country, the chosen one stored by
`cartSelectedDeliveryOptionsUpdate`, else the first (Shopify keeps a default
option selected in every group). A rate can be free from a subtotal on, judged
on what the merchandise costs after discounts. Rates are the shop's, in its currency,
converted to the cart's market's currency at its rate (markets.py).

Validation follows Shopify's default, COUNTRY_CODE_ONLY: a country is needed
and every field must be plain text. STRICT also needs a street, city, last
name and a well-formed postal code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from storefront.demo_shop import ids
from storefront.demo_shop.cart_errors import CartWarning, Rejected, UserError
from storefront.demo_shop.carts import AddressRecord, CartRecord
from storefront.demo_shop.catalog import ShippingRate, Shop
from storefront.demo_shop.markets import Market
from storefront.demo_shop.money import ZERO

MAX_ADDRESSES = 20
MAX_FIELD_LENGTH = 255
FIELDS = ("firstName", "lastName", "company", "address1", "address2", "city",
          "provinceCode", "zip", "countryCode", "phone")
STRICT_REQUIRED = ("address1", "city", "lastName", "zip")
POSTAL_CODES = {
    "US": re.compile(r"\d{5}(-\d{4})?"),
    "CA": re.compile(r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d"),
}
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_URL = re.compile(r"(https?://|www\.)", re.IGNORECASE)

ADDRESS_TYPE = "CartSelectableAddress"
GROUP_TYPE = "CartDeliveryGroup"


def address_gid(address: AddressRecord) -> str:
    return ids.gid(ADDRESS_TYPE, address.id)


# Changes ------------------------------------------------------------------


def add(cart: CartRecord, inputs: Sequence[dict], warnings: list[CartWarning]) -> None:
    _one_selected(inputs, ["addresses"])
    if len(cart.delivery_addresses) + len(inputs) > MAX_ADDRESSES:
        raise Rejected(UserError("TOO_MANY_DELIVERY_ADDRESSES", ["addresses"],
                                 f"A cart can have at most {MAX_ADDRESSES} delivery addresses."))
    for index, given in enumerate(inputs):
        at = ["addresses", str(index)]
        fields = _fields(given.get("address"), given.get("validationStrategy"), [*at, "address"])
        twin = next((a for a in cart.delivery_addresses if a.fields == fields), None)
        if twin is not None:
            warnings.append(CartWarning("DUPLICATE_DELIVERY_ADDRESS",
                                        "This delivery address is already on the cart.",
                                        address_gid(twin)))
            if given.get("selected"):
                _select(cart, twin)
            continue
        address = AddressRecord(ids.new_number({a.id for a in cart.delivery_addresses}), fields,
                                one_time_use=bool(given.get("oneTimeUse")))
        cart.delivery_addresses.append(address)
        if given.get("selected"):
            _select(cart, address)


def update(cart: CartRecord, inputs: Sequence[dict], warnings: list[CartWarning]) -> None:
    _one_selected(inputs, ["addresses"])
    for index, given in enumerate(inputs):
        at = ["addresses", str(index)]
        address = _find(cart, given.get("id"), [*at, "id"])
        if given.get("address") is not None:
            address.fields = _fields(given["address"], given.get("validationStrategy"),
                                     [*at, "address"])
        if given.get("oneTimeUse") is not None:
            address.one_time_use = given["oneTimeUse"]
        if given.get("selected") is True:
            _select(cart, address)
        elif given.get("selected") is False:
            address.selected = False


def remove(cart: CartRecord, address_ids: Sequence[str], warnings: list[CartWarning]) -> None:
    for index, address_id in enumerate(address_ids):
        address = _find(cart, address_id, ["addressIds", str(index)])
        cart.delivery_addresses.remove(address)
        cart.delivery_options.pop(str(address.id), None)


def replace(cart: CartRecord, inputs: Sequence[dict], warnings: list[CartWarning]) -> None:
    cart.delivery_addresses = []
    cart.delivery_options = {}
    add(cart, inputs, warnings)


def select_options(
    cart: CartRecord, shop: Shop, choices: Sequence[dict], warnings: list[CartWarning]
) -> None:
    """Store the option chosen for each delivery group named."""
    groups = {group.id: group for group in groups_of(cart, shop, ZERO, shop.primary_market)}
    for index, choice in enumerate(choices):
        at = ["selectedDeliveryOptions", str(index)]
        group = groups.get(ids.number_of(choice.get("deliveryGroupId"), GROUP_TYPE))
        if group is None:
            raise Rejected(UserError("INVALID_DELIVERY_GROUP", [*at, "deliveryGroupId"],
                                     "The delivery group was not found in the cart."))
        handle = choice.get("deliveryOptionHandle")
        if handle not in {option.handle for option in group.options}:
            raise Rejected(UserError("INVALID_DELIVERY_OPTION", [*at, "deliveryOptionHandle"],
                                     "The delivery option is not available for this group."))
        cart.delivery_options[str(group.address.id)] = handle


# Delivery groups ----------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOption:
    rate: ShippingRate
    cost: Decimal

    @property
    def handle(self) -> str:
        return self.rate.handle


@dataclass(frozen=True)
class DeliveryGroup:
    id: int
    address: AddressRecord
    options: tuple[DeliveryOption, ...]
    selected: DeliveryOption | None


def groups_of(
    cart: CartRecord, shop: Shop, merchandise_total: Decimal, market: Market
) -> list[DeliveryGroup]:
    """The cart's delivery groups: one for its selected address when it has lines (costs in
    `market`'s currency, the shop's rates converted at its rate)."""
    address = next((a for a in cart.delivery_addresses if a.selected), None)
    if address is None or not cart.lines:
        return []
    options = tuple(
        DeliveryOption(rate, _cost(rate, merchandise_total, market))
        for rate in shop.rates_to(address.fields.get("countryCode"))
    )
    chosen = cart.delivery_options.get(str(address.id))
    selected = next((o for o in options if o.handle == chosen), options[0] if options else None)
    # One group per address: the address's number names its group too.
    return [DeliveryGroup(address.id, address, options, selected)]


def _cost(rate: ShippingRate, merchandise_total: Decimal, market: Market) -> Decimal:
    if rate.free_over is not None and merchandise_total >= market.convert(rate.free_over):
        return ZERO
    return market.convert(rate.price)


# Helpers ------------------------------------------------------------------


def _select(cart: CartRecord, chosen: AddressRecord) -> None:
    for address in cart.delivery_addresses:
        address.selected = address is chosen


def _one_selected(inputs: Sequence[dict], where: list[str]) -> None:
    if sum(1 for given in inputs if given.get("selected")) > 1:
        raise Rejected(UserError("ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED", where,
                                 "Only one delivery address can be selected."))


def _find(cart: CartRecord, address_id: object, where: list[str]) -> AddressRecord:
    number = ids.number_of(address_id, ADDRESS_TYPE)
    address = next((a for a in cart.delivery_addresses if a.id == number), None)
    if address is None:
        raise Rejected(UserError("INVALID_DELIVERY_ADDRESS_ID", where,
                                 "The delivery address was not found in the cart."))
    return address


def _fields(given: dict[str, Any] | None, strategy: str | None, where: list[str]) -> dict:
    """The address's fields, checked; raises Rejected with the first problem found."""
    given = given or {}
    if given.get("copyFromCustomerAddressId") is not None:
        raise Rejected(UserError("MISSING_CUSTOMER_ACCESS_TOKEN",
                                 [*where, "copyFromCustomerAddressId"],
                                 "Copying a customer's address needs a signed-in customer."))
    raw = given.get("deliveryAddress")
    where = [*where, "deliveryAddress"]
    if raw is None:
        raise Rejected(UserError("INVALID", where, "Give a deliveryAddress."))
    fields = {name: raw[name].strip() for name in FIELDS if raw.get(name) is not None}
    fields = {name: value for name, value in fields.items() if value}
    for name, value in fields.items():
        problem = (
            ("ADDRESS_FIELD_IS_TOO_LONG", "is too long") if len(value) > MAX_FIELD_LENGTH
            else ("ADDRESS_FIELD_CONTAINS_HTML_TAGS", "can't contain HTML") if _HTML.search(value)
            else ("ADDRESS_FIELD_CONTAINS_URL", "can't contain a URL") if _URL.search(value)
            else None
        )
        if problem:
            raise Rejected(UserError(problem[0], [*where, name], f"{name} {problem[1]}."))
    required = ["countryCode", *(STRICT_REQUIRED if strategy == "STRICT" else ())]
    for name in required:
        if name not in fields:
            raise Rejected(UserError("ADDRESS_FIELD_IS_REQUIRED", [*where, name],
                                     f"{name} is required."))
    pattern = POSTAL_CODES.get(fields["countryCode"])
    if strategy == "STRICT" and pattern and not pattern.fullmatch(fields["zip"]):
        message = f"{fields['zip']} is not a postal code of {fields['countryCode']}."
        raise Rejected(UserError("INVALID_ZIP_CODE_FOR_COUNTRY", [*where, "zip"], message))
    return fields
