"""Cart metafields: `Cart.metafield(s)`, `cartMetafieldsSet` and `cartMetafieldDelete`."""

from __future__ import annotations

from graphql import GraphQLError

from storefront.demo_shop import ids
from storefront.demo_shop.cart_metafields import find
from storefront.demo_shop.carts import MetafieldRecord
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.cart import CartView, iso
from storefront.demo_shop.resolvers.catalog import ctx

field = registry.field

MAX_IDENTIFIERS = 250


@field("Mutation", "cartMetafieldsSet")
def resolve_metafields_set(_, info, metafields):
    result = ctx(info).carts.metafields_set(metafields)
    return {"metafields": result.metafields, "userErrors": result.user_errors}


@field("Mutation", "cartMetafieldDelete")
def resolve_metafield_delete(_, info, input):
    result = ctx(info).carts.metafield_delete(input)
    return {"deletedId": result.deleted_id, "userErrors": result.user_errors}


@field("Cart", "metafield")
def resolve_metafield(cart: CartView, info, key, namespace=None):
    return find(cart.record, namespace, key)


@field("Cart", "metafields")
def resolve_metafields(cart: CartView, info, identifiers):
    if len(identifiers) > MAX_IDENTIFIERS:
        raise GraphQLError(f"`identifiers` takes at most {MAX_IDENTIFIERS} values.")
    return [find(cart.record, i.get("namespace"), i["key"]) for i in identifiers]


@field("Metafield", "id")
def resolve_metafield_id(metafield: MetafieldRecord, info):
    return ids.gid("Metafield", metafield.id)


@field("Metafield", "createdAt")
def resolve_metafield_created(metafield: MetafieldRecord, info):
    return iso(metafield.created_at)


@field("Metafield", "updatedAt")
def resolve_metafield_updated(metafield: MetafieldRecord, info):
    return iso(metafield.updated_at)
