"""A cart's delivery addresses and delivery groups, and the mutations that change them."""

from __future__ import annotations

from dataclasses import dataclass

from storefront.demo_shop import ids
from storefront.demo_shop.cart_delivery import (
    ADDRESS_TYPE,
    FIELDS,
    GROUP_TYPE,
    DeliveryGroup,
    DeliveryOption,
)
from storefront.demo_shop.carts import AddressRecord, CartRecord
from storefront.demo_shop.pagination import paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.cart import CartView, payload, resolve_lines
from storefront.demo_shop.resolvers.catalog import ctx
from storefront.demo_shop.resolvers.localization import country_name
from storefront.demo_shop.resolvers.where import where

field = registry.field


# Mutations ----------------------------------------------------------------


@field("Mutation", "cartDeliveryAddressesAdd")
def resolve_addresses_add(_, info, cartId, addresses):
    return payload(info, ctx(info).carts.delivery_addresses_add(cartId, addresses))


@field("Mutation", "cartDeliveryAddressesUpdate")
def resolve_addresses_update(_, info, cartId, addresses):
    return payload(info, ctx(info).carts.delivery_addresses_update(cartId, addresses))


@field("Mutation", "cartDeliveryAddressesRemove")
def resolve_addresses_remove(_, info, cartId, addressIds):
    return payload(info, ctx(info).carts.delivery_addresses_remove(cartId, addressIds))


@field("Mutation", "cartDeliveryAddressesReplace")
def resolve_addresses_replace(_, info, cartId, addresses):
    return payload(info, ctx(info).carts.delivery_addresses_replace(cartId, addresses))


@field("Mutation", "cartSelectedDeliveryOptionsUpdate")
def resolve_delivery_options_update(_, info, cartId, selectedDeliveryOptions):
    return payload(info, ctx(info).carts.delivery_options_select(cartId, selectedDeliveryOptions))


# Addresses ----------------------------------------------------------------


@field("Cart", "delivery")
def resolve_delivery(cart: CartView, info):
    return cart.record  # CartDelivery reads the addresses stored on the cart


@field("CartDelivery", "addresses")
def resolve_addresses(record: CartRecord, info, selected=False):
    # `selected: true` keeps the selected address only; the default lists them all.
    return [a for a in record.delivery_addresses if a.selected or not selected]


@field("CartSelectableAddress", "id")
def resolve_address_id(address: AddressRecord, info):
    return ids.gid(ADDRESS_TYPE, address.id)


@field("CartSelectableAddress", "address")
def resolve_address(address: AddressRecord, info):
    return address  # the CartDeliveryAddress member of the CartAddress union


def _given(name: str):
    def resolve(address: AddressRecord, info):
        return address.fields.get(name)

    return resolve


for _name in FIELDS:
    field("CartDeliveryAddress", _name)(_given(_name))
    if _name != "countryCode":
        field("MailingAddress", _name)(_given(_name))


@field("CartDeliveryAddress", "name")
@field("MailingAddress", "name")
def resolve_address_name(address: AddressRecord, info):
    name = " ".join(address.fields[k] for k in ("firstName", "lastName") if k in address.fields)
    return name or None


@field("CartDeliveryAddress", "formatted")
@field("MailingAddress", "formatted")
def resolve_formatted(address: AddressRecord, info, withName=False, withCompany=True):
    """The address as lines to print, in the US order: street, "city province zip", country."""
    given = address.fields
    area = " ".join(given[k] for k in ("city", "provinceCode", "zip") if k in given)
    lines = [
        resolve_address_name(address, info) if withName else None,
        given.get("company") if withCompany else None,
        given.get("address1"),
        given.get("address2"),
        area,
        country_name(given.get("countryCode")),
    ]
    return [line for line in lines if line]


@field("CartDeliveryAddress", "formattedArea")
@field("MailingAddress", "formattedArea")
def resolve_formatted_area(address: AddressRecord, info):
    given = address.fields
    parts = [given.get("city"), given.get("provinceCode"), country_name(given.get("countryCode"))]
    return ", ".join(part for part in parts if part) or None


@field("MailingAddress", "id")
def resolve_mailing_address_id(address: AddressRecord, info):
    return ids.gid("MailingAddress", address.id)


@field("MailingAddress", "country")
def resolve_mailing_country(address: AddressRecord, info):
    return country_name(address.fields.get("countryCode"))


@field("MailingAddress", "countryCodeV2")
def resolve_mailing_country_code(address: AddressRecord, info):
    return address.fields.get("countryCode")


# Delivery groups ----------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    cart: CartView
    group: DeliveryGroup


@field("Cart", "deliveryGroups")
def resolve_delivery_groups(cart: CartView, info, reverse=False, withCarrierRates=False,
                            **window):
    # The demo's rates are all the shop's own: there are no carrier-calculated rates.
    groups = [
        GroupView(cart, group)
        for group in ctx(info).carts.delivery_groups(cart.record)
    ]
    return paginate(groups, lambda view: (view.group.id,), reverse=bool(reverse), **window)


@field("CartDeliveryGroup", "id")
def resolve_group_id(view: GroupView, info):
    return ids.gid(GROUP_TYPE, view.group.id)


@field("CartDeliveryGroup", "cartLines")
def resolve_group_lines(view: GroupView, info, reverse=False, **window):
    return resolve_lines(view.cart, info, reverse=reverse, **window)  # every line ships


@field("CartDeliveryGroup", "deliveryAddress")
def resolve_group_address(view: GroupView, info):
    return view.group.address


@field("CartDeliveryGroup", "deliveryOptions")
def resolve_group_options(view: GroupView, info):
    return list(view.group.options)


@field("CartDeliveryGroup", "selectedDeliveryOption")
def resolve_group_selected(view: GroupView, info):
    return view.group.selected


@field("CartDeliveryGroup", "groupType")
def resolve_group_type(view: GroupView, info):
    return "ONE_TIME_PURCHASE"


@field("CartDeliveryOption", "handle")
def resolve_option_handle(option: DeliveryOption, info):
    return option.rate.handle


@field("CartDeliveryOption", "title")
@field("CartDeliveryOption", "code")
def resolve_option_title(option: DeliveryOption, info):
    return option.rate.title


@field("CartDeliveryOption", "description")
def resolve_option_description(option: DeliveryOption, info):
    return option.rate.description


@field("CartDeliveryOption", "estimatedCost")
def resolve_option_cost(option: DeliveryOption, info):
    return where(info).money(option.cost)  # in the cart's currency


@field("CartDeliveryOption", "deliveryMethodType")
def resolve_option_method(option: DeliveryOption, info):
    return "SHIPPING"
