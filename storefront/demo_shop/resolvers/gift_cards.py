"""Gift cards on a cart: `Cart.appliedGiftCards`, `AppliedGiftCard` and the three
`cartGiftCardCodes*` mutations, over `cart_ops` (the rules are in gift_cards.py)."""

from __future__ import annotations

from storefront.demo_shop import ids
from storefront.demo_shop.gift_cards import Applied
from storefront.demo_shop.money import Money
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.cart import CartView, payload
from storefront.demo_shop.resolvers.catalog import ctx
from storefront.demo_shop.resolvers.where import where

field = registry.field


@field("Mutation", "cartGiftCardCodesUpdate")
def resolve_codes_update(_, info, cartId, giftCardCodes):
    return payload(info, ctx(info).carts.gift_card_codes_update(cartId, giftCardCodes))


@field("Mutation", "cartGiftCardCodesAdd")
def resolve_codes_add(_, info, cartId, giftCardCodes):
    return payload(info, ctx(info).carts.gift_card_codes_add(cartId, giftCardCodes))


@field("Mutation", "cartGiftCardCodesRemove")
def resolve_codes_remove(_, info, cartId, appliedGiftCardIds):
    return payload(info, ctx(info).carts.gift_card_codes_remove(cartId, appliedGiftCardIds))


@field("Cart", "appliedGiftCards")
def resolve_applied(cart: CartView, info):
    return list(cart.gift_cards)


@field("AppliedGiftCard", "id")
def resolve_id(applied: Applied, info):
    return ids.gid("AppliedGiftCard", applied.card.id)


@field("AppliedGiftCard", "lastCharacters")
def resolve_last_characters(applied: Applied, info):
    return applied.card.last_characters


@field("AppliedGiftCard", "amountUsed")
@field("AppliedGiftCard", "amountUsedV2")
def resolve_amount_used(applied: Applied, info):
    return Money(applied.used, applied.card.currency_code)  # taken from the card


@field("AppliedGiftCard", "presentmentAmountUsed")
def resolve_presentment_amount_used(applied: Applied, info):
    return where(info).money(applied.presented)  # what it paid, in the cart's currency


@field("AppliedGiftCard", "balance")
@field("AppliedGiftCard", "balanceV2")
def resolve_balance(applied: Applied, info):
    return Money(applied.balance, applied.card.currency_code)
