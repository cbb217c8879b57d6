"""The operations `@shopify/hydrogen` itself sends run unchanged on the demo shop.

Our copies of its cart handler's queries and mutations (with their default
fragments), its sitemap and redirect helpers, getShopAnalytics and its built-in
welcome route, in tests/contract/clients/hydrogen_runtime/. Mutations must
really change the cart: each test reads the cart back before and after.
"""

from __future__ import annotations

from tests.contract.client_documents import GIFT_CARD, Check, ClientSet, Outcome


def items(out: Outcome) -> list[dict]:
    found = out.data["sitemap"]["resources"]["items"]
    assert found, "an empty sitemap page"
    assert all(item["handle"] and item["updatedAt"].endswith("Z") for item in found)
    return found


def lines(cart: dict) -> dict[str, dict]:
    return {line["id"]: line for line in cart["lines"]["nodes"]}


def addresses(cart: dict) -> list[dict]:
    return cart["delivery"]["addresses"]


def check_shop_data(out: Outcome) -> None:
    assert out.data["shop"]["id"].startswith("gid://shopify/Shop/")
    assert out.data["localization"] == {
        "country": {"currency": {"isoCode": "USD"}}, "language": {"isoCode": "EN"}
    }


def check_redirect(out: Outcome) -> None:
    # A brand's old product address, as the demo catalog's URL redirects have it.
    assert out.data["urlRedirects"]["edges"] == [{"node": {"target": "/products/linen-shirt"}}]


def check_count(found: list, expected: int) -> None:
    assert len(found) == expected


def check_layout(out: Outcome) -> None:
    assert out.data["shop"]["name"] == "Fernwood"


def check_products_sitemap(out: Outcome) -> None:
    assert len(items(out)) == 48  # every product of the demo catalog


def check_metaobjects_sitemap(out: Outcome) -> None:
    assert {item["type"] for item in items(out)} == {"creator"}


def check_sitemap_index(out: Outcome) -> None:
    counts = {kind: sitemap["pagesCount"]["count"] for kind, sitemap in out.data.items()}
    for kind in ("products", "collections", "pages", "metaObjects", "blogs", "articles"):
        assert counts[kind] == 1, kind  # under 250 of each: one page
    assert all(count >= 0 for count in counts.values())


def check_created(out: Outcome) -> None:
    cart = out.after
    assert cart["totalQuantity"] == 2 and cart["buyerIdentity"]["countryCode"] == "US"
    [line] = lines(cart).values()
    assert line["merchandise"]["id"] == out.values["variantId"]
    assert out.data["cartCreate"]["cart"]["checkoutUrl"].startswith("http")


def check_lines_added(out: Outcome) -> None:
    assert out.after["totalQuantity"] == out.before["totalQuantity"] + 1
    added = [line["merchandise"]["id"] for line in lines(out.after).values()]
    assert out.values["otherVariantId"] in added


def check_lines_updated(out: Outcome) -> None:
    assert lines(out.after)[out.values["lineId"]]["quantity"] == 3
    assert out.data["cartLinesUpdate"]["cart"]["totalQuantity"] == 3


def check_lines_removed(out: Outcome) -> None:
    assert out.values["lineId"] in lines(out.before)
    assert lines(out.after) == {} and out.after["totalQuantity"] == 0


def check_codes(out: Outcome) -> None:
    # The cart sits in a deferred fragment: the demo shop sends it with the rest.
    assert out.data["cartDiscountCodesUpdate"]["cart"]["id"] == out.values["cartId"]
    assert out.after["discountCodes"] == [{"code": "WELCOME10", "applicable": True}]


def check_new_address(out: Outcome) -> None:
    before, after = addresses(out.before), addresses(out.after)
    assert len(after) == len(before) + 1
    [added] = [a for a in after if a["id"] not in {b["id"] for b in before}]
    assert added["selected"] and added["address"]["address1"] == "350 Fifth Avenue"
    assert [a["selected"] for a in after].count(True) == 1
    [group] = out.after["deliveryGroups"]["nodes"]
    assert group["id"] != out.values["deliveryGroupId"]  # the group of the new address


def check_address_updated(out: Outcome) -> None:
    [address] = addresses(out.after)
    assert address["id"] == out.values["addressId"]
    assert address["address"]["city"] == "Seattle" and address["address"]["zip"] == "98101"


def check_address_removed(out: Outcome) -> None:
    assert addresses(out.before) and addresses(out.after) == []
    assert out.after["deliveryGroups"]["nodes"] == []  # nowhere to deliver to


def check_addresses_replaced(out: Outcome) -> None:
    [address] = addresses(out.after)
    assert address["id"] != out.values["addressId"]
    assert address["oneTimeUse"] and address["selected"]
    assert address["address"]["address1"] == "1 Compiler Road"


def check_delivery_option(out: Outcome) -> None:
    def chosen(cart):
        return cart["deliveryGroups"]["nodes"][0]["selectedDeliveryOption"]["handle"]

    assert chosen(out.before) != out.values["otherDeliveryOptionHandle"]
    assert chosen(out.after) == out.values["otherDeliveryOptionHandle"]


def check_metafield_set(out: Outcome) -> None:
    assert out.before["giftMessage"] is None
    assert out.after["giftMessage"] == {
        "value": "Happy birthday, Ada!", "type": "single_line_text_field"
    }


def check_metafield_deleted(out: Outcome) -> None:
    assert out.before["deliveryNote"] == {"value": "Ring twice"}
    assert out.after["deliveryNote"] is None


def check_cart(out: Outcome) -> None:
    cart = out.data["cart"]
    [edge] = cart["lines"]["edges"]
    assert edge["node"]["merchandise"]["product"]["handle"] == "organic-cotton-tee"
    assert cart["cost"]["totalTaxAmount"] is None and cart["cost"]["totalDutyAmount"] is None
    assert cart["buyerIdentity"]["customer"] is None


def demo_cards(cart: dict) -> list[dict]:
    return [c for c in cart["appliedGiftCards"] if GIFT_CARD.endswith(c["lastCharacters"])]


def check_gift_card_added(out: Outcome) -> None:
    [card] = demo_cards(out.after)
    assert float(card["amountUsed"]["amount"]) > 0  # it pays for the cart
    assert float(card["balance"]["amount"]) == 50 - float(card["amountUsed"]["amount"])


def check_gift_card_removed(out: Outcome) -> None:
    applied = out.values["appliedGiftCardId"]
    assert applied in [c["id"] for c in out.before["appliedGiftCards"]]
    assert applied not in [c["id"] for c in out.after["appliedGiftCards"]]


def check_gift_cards_replaced(out: Outcome) -> None:
    assert [c["lastCharacters"] for c in out.after["appliedGiftCards"]] == [GIFT_CARD[-4:]]


def changed(field: str, expected) -> Check:
    def check(out: Outcome) -> None:
        assert out.before[field] != expected and out.after[field] == expected

    return check


CHECKS = {
    "ShopData": check_shop_data,
    "layout": check_layout,
    "SitemapIndex": check_sitemap_index,
    "SitemapProducts": check_products_sitemap,
    "SitemapCollections": items,
    "SitemapPages": items,
    "SitemapMetaobjects": check_metaobjects_sitemap,
    "SitemapArticles": lambda out: check_count(items(out), 7),  # the Journal's articles
    "SitemapBlogs": lambda out: check_count(items(out), 1),
    "redirects": check_redirect,
    "CartQuery": check_cart,
    "cartCreate": check_created,
    "cartLinesAdd": check_lines_added,
    "cartLinesUpdate": check_lines_updated,
    "cartLinesRemove": check_lines_removed,
    "cartDiscountCodesUpdate": check_codes,
    "cartAttributesUpdate": changed("attributes", [{"key": "gift_wrap", "value": "yes"}]),
    "cartNoteUpdate": changed("note", "Please leave it with the neighbour."),
    "cartBuyerIdentityUpdate": changed("buyerIdentity",
                                       {"email": "shopper@example.com", "countryCode": "US"}),
    "cartDeliveryAddressesAdd": check_new_address,
    "cartDeliveryAddressesUpdate": check_address_updated,
    "cartDeliveryAddressesRemove": check_address_removed,
    "cartDeliveryAddressesReplace": check_addresses_replaced,
    "cartSelectedDeliveryOptionsUpdate": check_delivery_option,
    "cartMetafieldsSet": check_metafield_set,
    "cartMetafieldDelete": check_metafield_deleted,
    "cartGiftCardCodesAdd": check_gift_card_added,
    "cartGiftCardCodesRemove": check_gift_card_removed,
    "cartGiftCardCodesUpdate": check_gift_cards_replaced,
}


SET = ClientSet("hydrogen_runtime", CHECKS, context={"country": "US", "language": "EN"})
test_our_copy_is_valid_against_shopify, test_operation_runs_unchanged = SET.tests()


def test_the_set_is_what_hydrogen_sends():
    assert len(SET.operations) == 29
