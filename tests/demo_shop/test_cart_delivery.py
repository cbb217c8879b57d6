"""Delivery addresses on a cart, its delivery group and the chosen delivery option."""

from __future__ import annotations

import json

import pytest

from storefront.demo_shop.carts import CartRecord, MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.web import create_http_app
from tests.demo_shop.conftest import run

CART = """
fragment Delivery on Cart {
  id
  delivery {
    addresses { id selected oneTimeUse address { ... on CartDeliveryAddress {
      firstName address1 city provinceCode zip countryCode name formattedArea
      formatted(withName: true)
    } } }
    selectedOnly: addresses(selected: true) { id }
  }
  deliveryGroups(first: 5) {
    nodes {
      id
      groupType
      cartLines(first: 10) { nodes { quantity } }
      deliveryAddress { id city countryCodeV2 country formatted }
      deliveryOptions { handle title code description deliveryMethodType
                        estimatedCost { amount currencyCode } }
      selectedDeliveryOption { handle estimatedCost { amount } }
    }
  }
}
"""
PAYLOAD = "cart { ...Delivery } userErrors { code field message } warnings { code target }"
ADD = ("mutation($id: ID!, $a: [CartSelectableAddressInput!]!) { "
       f"cartDeliveryAddressesAdd(cartId: $id, addresses: $a) {{ {PAYLOAD} }} }}" + CART)
UPDATE = ("mutation($id: ID!, $a: [CartSelectableAddressUpdateInput!]!) { "
          f"cartDeliveryAddressesUpdate(cartId: $id, addresses: $a) {{ {PAYLOAD} }} }}" + CART)
REMOVE = ("mutation($id: ID!, $ids: [ID!]!) { "
          f"cartDeliveryAddressesRemove(cartId: $id, addressIds: $ids) {{ {PAYLOAD} }} }}" + CART)
REPLACE = ("mutation($id: ID!, $a: [CartSelectableAddressInput!]!) { "
           f"cartDeliveryAddressesReplace(cartId: $id, addresses: $a) {{ {PAYLOAD} }} }}" + CART)
SELECT = ("mutation($id: ID!, $o: [CartSelectedDeliveryOptionInput!]!) { "
          f"cartSelectedDeliveryOptionsUpdate(cartId: $id, selectedDeliveryOptions: $o) "
          f"{{ {PAYLOAD} }} }}" + CART)
READ = "query($id: ID!) { cart(id: $id) { ...Delivery } }" + CART

PORTLAND = {"firstName": "Ada", "lastName": "Lovelace", "address1": "12 Analytical Way",
            "city": "Portland", "provinceCode": "OR", "zip": "97201", "countryCode": "US"}
TORONTO = {"lastName": "Hopper", "address1": "1 Front St W", "city": "Toronto",
           "provinceCode": "ON", "zip": "M5J 2X5", "countryCode": "CA"}
TEE = "gid://shopify/ProductVariant/1001"  # 38.00


@pytest.fixture
def shop() -> DemoShop:
    return DemoShop(carts=MemoryCartStore())


def new_cart(shop, quantity: int = 1) -> str:
    data = run(shop, "mutation($l: [CartLineInput!]) { cartCreate(input: {lines: $l}) "
                     "{ cart { id } } }", {"l": [{"merchandiseId": TEE, "quantity": quantity}]})
    return data["cartCreate"]["cart"]["id"]


def address(fields: dict, **rest) -> dict:
    return {"address": {"deliveryAddress": fields}, **rest}


def mutate(shop, document: str, **variables) -> dict:
    [payload] = run(shop, document, variables).values()
    return payload


def test_an_address_is_stored_read_back_and_delivered_to(shop):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True)])
    assert payload["userErrors"] == [] and payload["warnings"] == []
    [stored] = payload["cart"]["delivery"]["addresses"]
    assert stored["id"].startswith("gid://shopify/CartSelectableAddress/")
    assert stored["selected"] is True and stored["oneTimeUse"] is False
    assert stored["address"]["name"] == "Ada Lovelace"
    assert stored["address"]["formattedArea"] == "Portland, OR, United States"
    assert stored["address"]["formatted"] == [
        "Ada Lovelace", "12 Analytical Way", "Portland OR 97201", "United States"]
    again = run(shop, READ, {"id": cart_id})["cart"]
    assert again["delivery"]["addresses"] == [stored]
    [group] = again["deliveryGroups"]["nodes"]
    assert group["groupType"] == "ONE_TIME_PURCHASE"
    assert group["cartLines"]["nodes"] == [{"quantity": 1}]
    assert group["deliveryAddress"]["city"] == "Portland"
    assert group["deliveryAddress"]["country"] == "United States"
    options = {o["handle"]: o for o in group["deliveryOptions"]}
    assert options["standard"]["estimatedCost"] == {"amount": "5.0", "currencyCode": "USD"}
    assert options["express"]["estimatedCost"]["amount"] == "15.0"
    assert options["standard"]["deliveryMethodType"] == "SHIPPING"
    # Shopify keeps a default option selected in each group.
    assert group["selectedDeliveryOption"]["handle"] == "standard"


def test_standard_delivery_is_free_from_75_dollars(shop):
    cart_id = new_cart(shop, quantity=2)  # 76.00
    payload = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True)])
    [group] = payload["cart"]["deliveryGroups"]["nodes"]
    assert group["selectedDeliveryOption"]["estimatedCost"]["amount"] == "0.0"


def test_each_country_has_its_rates_and_others_none(shop):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(TORONTO, selected=True)])
    [group] = payload["cart"]["deliveryGroups"]["nodes"]
    assert [o["estimatedCost"]["amount"] for o in group["deliveryOptions"]] == ["12.0", "28.0"]
    berlin = {"address1": "Unter den Linden 1", "city": "Berlin", "countryCode": "DE"}
    payload = mutate(shop, ADD, id=cart_id, a=[address(berlin, selected=True)])
    [group] = payload["cart"]["deliveryGroups"]["nodes"]
    assert group["deliveryOptions"] == [] and group["selectedDeliveryOption"] is None


def test_no_group_without_a_selected_address_or_without_lines(shop):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND)])
    assert payload["cart"]["deliveryGroups"]["nodes"] == []
    assert payload["cart"]["delivery"]["selectedOnly"] == []
    empty = run(shop, "mutation { cartCreate { cart { id } } }")["cartCreate"]["cart"]["id"]
    payload = mutate(shop, ADD, id=empty, a=[address(PORTLAND, selected=True)])
    assert payload["cart"]["deliveryGroups"]["nodes"] == []


def test_the_chosen_option_is_stored_and_checked(shop):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True)])
    group_id = payload["cart"]["deliveryGroups"]["nodes"][0]["id"]
    payload = mutate(shop, SELECT, id=cart_id,
                     o=[{"deliveryGroupId": group_id, "deliveryOptionHandle": "express"}])
    assert payload["userErrors"] == []
    cart = run(shop, READ, {"id": cart_id})["cart"]
    assert cart["deliveryGroups"]["nodes"][0]["selectedDeliveryOption"]["handle"] == "express"
    for choice, code in [
        ({"deliveryGroupId": group_id, "deliveryOptionHandle": "by-pigeon"},
         "INVALID_DELIVERY_OPTION"),
        ({"deliveryGroupId": "gid://shopify/CartDeliveryGroup/1", "deliveryOptionHandle":
          "standard"}, "INVALID_DELIVERY_GROUP"),
        ({"deliveryGroupId": "garbage", "deliveryOptionHandle": "standard"},
         "INVALID_DELIVERY_GROUP"),
    ]:
        payload = mutate(shop, SELECT, id=cart_id, o=[choice])
        assert [e["code"] for e in payload["userErrors"]] == [code]
        assert payload["userErrors"][0]["field"][0] == "selectedDeliveryOptions"
    cart = run(shop, READ, {"id": cart_id})["cart"]
    assert cart["deliveryGroups"]["nodes"][0]["selectedDeliveryOption"]["handle"] == "express"


def test_selecting_an_address_unselects_the_others_and_moves_the_group(shop):
    cart_id = new_cart(shop)
    first = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True)])
    group = first["cart"]["deliveryGroups"]["nodes"][0]["id"]
    second = mutate(shop, ADD, id=cart_id, a=[address(TORONTO, selected=True)])
    selected = [a["selected"] for a in second["cart"]["delivery"]["addresses"]]
    assert selected == [False, True]
    [moved] = second["cart"]["deliveryGroups"]["nodes"]
    assert moved["id"] != group and moved["deliveryAddress"]["countryCodeV2"] == "CA"


def test_update_changes_an_address_in_place(shop):
    cart_id = new_cart(shop)
    added = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND)])
    address_id = added["cart"]["delivery"]["addresses"][0]["id"]
    payload = mutate(shop, UPDATE, id=cart_id, a=[
        {"id": address_id, "selected": True, "oneTimeUse": True,
         "address": {"deliveryAddress": {**PORTLAND, "city": "Salem", "zip": "97301"}}}])
    [updated] = payload["cart"]["delivery"]["addresses"]
    assert updated["id"] == address_id and updated["selected"] and updated["oneTimeUse"]
    assert updated["address"]["city"] == "Salem"
    payload = mutate(shop, UPDATE, id=cart_id, a=[{"id": address_id, "selected": False}])
    assert payload["cart"]["delivery"]["addresses"][0]["address"]["city"] == "Salem"
    assert payload["cart"]["deliveryGroups"]["nodes"] == []


def test_remove_and_replace(shop):
    cart_id = new_cart(shop)
    added = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True),
                                             address(TORONTO)])
    ids = [a["id"] for a in added["cart"]["delivery"]["addresses"]]
    payload = mutate(shop, REMOVE, id=cart_id, ids=ids[:1])
    assert [a["id"] for a in payload["cart"]["delivery"]["addresses"]] == ids[1:]
    payload = mutate(shop, REPLACE, id=cart_id, a=[address(PORTLAND, oneTimeUse=True)])
    [only] = payload["cart"]["delivery"]["addresses"]
    assert only["id"] not in ids and only["oneTimeUse"] is True


def test_the_same_address_twice_is_kept_once_with_a_warning(shop):
    cart_id = new_cart(shop)
    mutate(shop, ADD, id=cart_id, a=[address(PORTLAND)])
    payload = mutate(shop, ADD, id=cart_id, a=[address({**PORTLAND, "city": " Portland "},
                                                       selected=True)])
    [kept] = payload["cart"]["delivery"]["addresses"]
    assert [w["code"] for w in payload["warnings"]] == ["DUPLICATE_DELIVERY_ADDRESS"]
    assert payload["warnings"][0]["target"] == kept["id"] and kept["selected"]


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        (address({"city": "Portland"}), "ADDRESS_FIELD_IS_REQUIRED", "countryCode"),
        (address({**PORTLAND, "city": "<b>Portland</b>"}), "ADDRESS_FIELD_CONTAINS_HTML_TAGS",
         "city"),
        (address({**PORTLAND, "address2": "see https://evil.example"}),
         "ADDRESS_FIELD_CONTAINS_URL", "address2"),
        (address({**PORTLAND, "company": "x" * 256}), "ADDRESS_FIELD_IS_TOO_LONG", "company"),
        (address({"countryCode": "US"}, validationStrategy="STRICT"),
         "ADDRESS_FIELD_IS_REQUIRED", "address1"),
        (address({**PORTLAND, "zip": "9720"}, validationStrategy="STRICT"),
         "INVALID_ZIP_CODE_FOR_COUNTRY", "zip"),
        (address({**TORONTO, "zip": "12345"}, validationStrategy="STRICT"),
         "INVALID_ZIP_CODE_FOR_COUNTRY", "zip"),
        ({"address": {"copyFromCustomerAddressId": "gid://shopify/MailingAddress/1"}},
         "MISSING_CUSTOMER_ACCESS_TOKEN", "copyFromCustomerAddressId"),
        ({"address": {}}, "INVALID", "deliveryAddress"),
    ],
)
def test_a_bad_address_is_refused_and_nothing_changes(shop, given, code, field):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(TORONTO), given])
    [error] = payload["userErrors"]
    assert error["code"] == code and error["field"][:2] == ["addresses", "1"]
    assert error["field"][-1] == field and error["message"]
    assert payload["cart"]["delivery"]["addresses"] == []  # the good one was not added


def test_strict_accepts_a_complete_address(shop):
    payload = mutate(shop, ADD, id=new_cart(shop),
                     a=[address(PORTLAND, validationStrategy="STRICT")])
    assert payload["userErrors"] == []


def test_limits_and_unknown_ids(shop):
    cart_id = new_cart(shop)
    payload = mutate(shop, ADD, id=cart_id, a=[address(PORTLAND, selected=True),
                                               address(TORONTO, selected=True)])
    assert payload["userErrors"][0]["code"] == "ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED"
    many = [address({**PORTLAND, "address1": f"{n} Main St"}) for n in range(21)]
    payload = mutate(shop, ADD, id=cart_id, a=many)
    assert payload["userErrors"][0]["code"] == "TOO_MANY_DELIVERY_ADDRESSES"
    unknown = "gid://shopify/CartSelectableAddress/123456789012"
    for document, variables in [(UPDATE, {"a": [{"id": unknown}]}),
                                (REMOVE, {"ids": [unknown]}), (REMOVE, {"ids": ["garbage"]})]:
        payload = mutate(shop, document, id=cart_id, **variables)
        assert [e["code"] for e in payload["userErrors"]] == ["INVALID_DELIVERY_ADDRESS_ID"]
    payload = mutate(shop, ADD, id="gid://shopify/Cart/nope?key=nope", a=[address(PORTLAND)])
    assert payload["cart"] is None and payload["userErrors"][0]["field"] == ["cartId"]


def test_a_cart_stored_before_delivery_existed_still_reads():
    old = {"token": "t", "key": "k", "created_at": 1.0, "updated_at": 2.0, "lines": [],
           "discount_codes": [], "attributes": [], "note": None, "buyer_email": None,
           "buyer_phone": None, "buyer_country": None}
    cart = CartRecord.from_json(json.dumps(old))
    assert cart.delivery_addresses == [] and cart.metafields == []
    assert CartRecord.from_json(cart.to_json()) == cart


def test_the_checkout_page_shows_where_and_how_it_ships(shop):
    cart_id = new_cart(shop)
    added = mutate(shop, ADD, id=cart_id, a=[address({**PORTLAND, "company": "Lovelace & Co"},
                                                     selected=True)])
    group_id = added["cart"]["deliveryGroups"]["nodes"][0]["id"]
    mutate(shop, SELECT, id=cart_id,
           o=[{"deliveryGroupId": group_id, "deliveryOptionHandle": "express"}])
    checkout_url = run(shop, "query($id: ID!) { cart(id: $id) { checkoutUrl } }",
                       {"id": cart_id})["cart"]["checkoutUrl"]
    page = create_http_app(shop, "t").test_client().get(checkout_url).get_data(as_text=True)
    assert "<address>Ada Lovelace<br>Lovelace &amp; Co<br>12 Analytical Way<br>" in page
    assert "Express (1 to 2 working days):\n    $15.00, charged at Shopify" in page
