"""The Cart API through `DemoShop.execute`, with Shopify's semantics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.demo_shop.conftest import run

CART_FIELDS = """
  id checkoutUrl createdAt updatedAt totalQuantity note
  attributes { key value } attribute(key: "_creator") { value }
  buyerIdentity { email phone countryCode }
  discountCodes { code applicable }
  discountAllocations {
    discountedAmount { amount } targetType
    ... on CartCodeDiscountAllocation { code }
  }
  cost { subtotalAmount { amount currencyCode } totalAmount { amount }
         checkoutChargeAmount { amount } }
  lines(first: 250) {
    edges { cursor }
    nodes {
      id quantity attributes { key value }
      merchandise { ... on ProductVariant { id title } }
      cost { amountPerQuantity { amount } compareAtAmountPerQuantity { amount }
             subtotalAmount { amount } totalAmount { amount } }
      discountAllocations {
        discountedAmount { amount } targetType
        ... on CartCodeDiscountAllocation { code discountApplication {
          allocationMethod targetSelection targetType
          value { ... on PricingPercentageValue { percentage } ... on MoneyV2 { amount } } } }
      }
    }
  }
"""
PAYLOAD = (
    f"cart {{ {CART_FIELDS} }} userErrors {{ code field message }} "
    "warnings { code message target }"
)

TEE_XS_OAT = "gid://shopify/ProductVariant/700101"  # 2 in stock, $38
TEE_M_OAT = "gid://shopify/ProductVariant/700105"  # 12 in stock, $38
TEE_S_FOREST = "gid://shopify/ProductVariant/700104"  # sold out
SHIRT_M = "gid://shopify/ProductVariant/700202"  # $68 (compare at $85), 5 in stock
CANDLE_FIG = "gid://shopify/ProductVariant/700602"  # $26, home collection
MUG = "gid://shopify/ProductVariant/700501"  # sold out
SOCKS = "gid://shopify/ProductVariant/700801"  # $12


def line(variant, quantity=None, **extra):
    return {
        "merchandiseId": variant,
        **({"quantity": quantity} if quantity is not None else {}),
        **extra,
    }


def create(shop, **cart_input):
    data = run(
        shop,
        f"mutation($input: CartInput) {{ cartCreate(input: $input) {{ {PAYLOAD} }} }}",
        {"input": cart_input},
    )
    return data["cartCreate"]


def mutate(shop, name, argument_types, **arguments):
    params = ", ".join(f"${k}: {t}" for k, t in argument_types.items())
    args = ", ".join(f"{k}: ${k}" for k in argument_types)
    data = run(shop, f"mutation({params}) {{ {name}({args}) {{ {PAYLOAD} }} }}", arguments)
    return data[name]


def add(shop, cart_id, *lines):
    return mutate(
        shop,
        "cartLinesAdd",
        {"cartId": "ID!", "lines": "[CartLineInput!]!"},
        cartId=cart_id,
        lines=list(lines),
    )


def update(shop, cart_id, *lines):
    return mutate(
        shop,
        "cartLinesUpdate",
        {"cartId": "ID!", "lines": "[CartLineUpdateInput!]!"},
        cartId=cart_id,
        lines=list(lines),
    )


def remove(shop, cart_id, *line_ids):
    return mutate(
        shop,
        "cartLinesRemove",
        {"cartId": "ID!", "lineIds": "[ID!]!"},
        cartId=cart_id,
        lineIds=list(line_ids),
    )


def codes(shop, cart_id, *discount_codes):
    return mutate(
        shop,
        "cartDiscountCodesUpdate",
        {"cartId": "ID!", "discountCodes": "[String!]!"},
        cartId=cart_id,
        discountCodes=list(discount_codes),
    )


def read(shop, cart_id):
    return run(shop, f"query($id: ID!) {{ cart(id: $id) {{ {CART_FIELDS} }} }}", {"id": cart_id})[
        "cart"
    ]


def quantities(cart):
    return {ln["merchandise"]["id"]: ln["quantity"] for ln in cart["lines"]["nodes"]}


def money(value):
    return Decimal(value["amount"])


def check_costs(cart):
    """Every cost adds up to the cent."""
    lines = cart["lines"]["nodes"]
    for ln in lines:
        cost = ln["cost"]
        assert money(cost["subtotalAmount"]) == money(cost["amountPerQuantity"]) * ln["quantity"]
        allocated = sum(
            (money(a["discountedAmount"]) for a in ln["discountAllocations"]), Decimal(0)
        )
        assert money(cost["totalAmount"]) == money(cost["subtotalAmount"]) - allocated
    # Line totals carry line-level (product) discounts only; the cart's subtotal
    # is before, and its total after, the cart-level (order) discounts.
    subtotal = sum((money(ln["cost"]["totalAmount"]) for ln in lines), Decimal(0))
    assert money(cart["cost"]["subtotalAmount"]) == subtotal
    order_discounts = sum(
        (money(a["discountedAmount"]) for a in cart["discountAllocations"]), Decimal(0)
    )
    assert money(cart["cost"]["totalAmount"]) == subtotal - order_discounts
    assert money(cart["cost"]["checkoutChargeAmount"]) == sum(
        (money(ln["cost"]["subtotalAmount"]) for ln in lines), Decimal(0)
    )
    assert cart["totalQuantity"] == sum(ln["quantity"] for ln in lines)


def cart_codes(cart) -> list[tuple[str, Decimal]]:
    return [(a["code"], money(a["discountedAmount"])) for a in cart["discountAllocations"]]


def test_create_with_everything(shop):
    result = create(
        shop,
        lines=[line(TEE_M_OAT, 2, attributes=[{"key": "gift", "value": "y"}])],
        attributes=[{"key": "_creator", "value": "maya"}],
        note="Hi",
        discountCodes=["welcome10"],
        buyerIdentity={"email": "sam@example.com", "countryCode": "CA"},
    )
    assert result["userErrors"] == [] and result["warnings"] == []
    cart = result["cart"]
    token, key = cart["id"].removeprefix("gid://shopify/Cart/").split("?key=")
    assert len(token) >= 32 and len(key) >= 32
    assert cart["checkoutUrl"] == f"/demo-shop/checkouts/{token}?key={key}"
    assert cart["attribute"] == {"value": "maya"} and cart["note"] == "Hi"
    assert cart["buyerIdentity"] == {"email": "sam@example.com", "phone": None, "countryCode": "CA"}
    assert cart["discountCodes"] == [{"code": "welcome10", "applicable": True}]
    (only,) = cart["lines"]["nodes"]
    assert only["attributes"] == [{"key": "gift", "value": "y"}]
    assert only["id"].startswith("gid://shopify/CartLine/") and only["id"].endswith(
        f"?cart={token}"
    )
    assert cart["cost"]["subtotalAmount"] == {"amount": "76.0", "currencyCode": "USD"}
    assert cart["cost"]["totalAmount"] == {"amount": "68.4"}
    assert cart["cost"]["checkoutChargeAmount"] == {"amount": "76.0"}
    assert cart["createdAt"].endswith("Z")
    check_costs(cart)
    assert read(shop, cart["id"]) == cart


def test_quantity_defaults_to_one_and_same_variant_merges(shop):
    cart = create(shop, lines=[line(TEE_M_OAT)])["cart"]
    assert quantities(cart) == {TEE_M_OAT: 1}
    cart = add(shop, cart["id"], line(TEE_M_OAT, 2), line(SOCKS, 1))["cart"]
    assert quantities(cart) == {TEE_M_OAT: 3, SOCKS: 1}
    assert len(cart["lines"]["nodes"]) == 2
    # Different attributes make a separate line.
    cart = add(shop, cart["id"], line(SOCKS, 1, attributes=[{"key": "k", "value": "v"}]))["cart"]
    assert len(cart["lines"]["nodes"]) == 3


def test_update_and_remove_lines(shop):
    cart = create(shop, lines=[line(TEE_M_OAT, 1), line(SOCKS, 2)])["cart"]
    tee_line, socks_line = (ln["id"] for ln in cart["lines"]["nodes"])
    cart = update(shop, cart["id"], {"id": tee_line, "quantity": 4})["cart"]
    assert quantities(cart) == {TEE_M_OAT: 4, SOCKS: 2}
    cart = update(shop, cart["id"], {"id": socks_line, "quantity": 0})["cart"]  # 0 removes
    assert quantities(cart) == {TEE_M_OAT: 4}
    cart = remove(shop, cart["id"], tee_line)["cart"]
    assert cart["lines"]["nodes"] == [] and cart["totalQuantity"] == 0
    assert cart["cost"]["totalAmount"] == {"amount": "0.0"}


def test_unknown_line_ids_change_nothing(shop):
    cart = create(shop, lines=[line(TEE_M_OAT, 1)])["cart"]
    other = create(shop, lines=[line(SOCKS, 1)])["cart"]
    foreign_line = other["lines"]["nodes"][0]["id"]
    for bad in [foreign_line, "gid://shopify/CartLine/nope", "garbage"]:
        result = remove(shop, cart["id"], bad)
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
            ("INVALID", ["lineIds", "0"])
        ]
        assert quantities(result["cart"]) == {TEE_M_OAT: 1}
        result = update(
            shop,
            cart["id"],
            {"id": cart["lines"]["nodes"][0]["id"], "quantity": 5},
            {"id": bad, "quantity": 1},
        )
        assert result["userErrors"][0]["field"] == ["lines", "1", "id"]
        assert quantities(read(shop, cart["id"])) == {TEE_M_OAT: 1}  # the first update undone


def test_negative_quantity_is_a_user_error(shop):
    cart = create(shop, lines=[line(TEE_M_OAT, 1)])["cart"]
    result = add(shop, cart["id"], line(SOCKS, -1))
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INVALID", ["lines", "0", "quantity"])
    ]
    result = update(shop, cart["id"], {"id": cart["lines"]["nodes"][0]["id"], "quantity": -2})
    assert result["userErrors"][0]["code"] == "INVALID"
    assert quantities(read(shop, cart["id"])) == {TEE_M_OAT: 1}


@pytest.mark.parametrize(
    "merchandise",
    ["gid://shopify/ProductVariant/999999", "gid://shopify/Product/7001", "nonsense", ""],
)
def test_invalid_merchandise_leaves_the_cart_as_it_was(shop, merchandise):
    cart = create(shop, lines=[line(TEE_M_OAT, 1)], discountCodes=["TAKE5"])["cart"]
    before = read(shop, cart["id"])
    result = add(shop, cart["id"], line(SOCKS, 1), line(merchandise, 1))
    assert result["userErrors"] == [
        {
            "code": "INVALID_MERCHANDISE_LINE",
            "field": ["lines", "1", "merchandiseId"],
            "message": "The merchandise line was not found in the cart or is not valid.",
        }
    ]
    assert result["warnings"] == []
    assert read(shop, cart["id"]) == before
    created = create(shop, lines=[line(SOCKS, 1), line(merchandise)])
    assert created["cart"] is None
    assert created["userErrors"][0]["field"] == ["input", "lines", "1", "merchandiseId"]


def test_quantity_above_stock_is_reduced_with_a_warning(shop):
    cart = create(shop, lines=[line(TEE_XS_OAT, 5)])
    assert quantities(cart["cart"]) == {TEE_XS_OAT: 2}
    (warning,) = cart["warnings"]
    assert warning["code"] == "MERCHANDISE_NOT_ENOUGH_STOCK"
    assert warning["target"] == cart["cart"]["lines"]["nodes"][0]["id"]
    again = add(shop, cart["cart"]["id"], line(TEE_XS_OAT, 1))
    assert quantities(again["cart"]) == {TEE_XS_OAT: 2}
    assert [w["code"] for w in again["warnings"]] == ["MERCHANDISE_NOT_ENOUGH_STOCK"]
    tee_line = again["cart"]["lines"]["nodes"][0]["id"]
    updated = update(shop, cart["cart"]["id"], {"id": tee_line, "quantity": 9})
    assert quantities(updated["cart"]) == {TEE_XS_OAT: 2}
    assert [w["code"] for w in updated["warnings"]] == ["MERCHANDISE_NOT_ENOUGH_STOCK"]


def test_sold_out_variant_is_not_added(shop):
    result = create(shop, lines=[line(TEE_M_OAT), line(TEE_S_FOREST), line(MUG)])
    assert result["userErrors"] == []
    assert quantities(result["cart"]) == {TEE_M_OAT: 1}
    assert [(w["code"], w["target"]) for w in result["warnings"]] == [
        ("MERCHANDISE_OUT_OF_STOCK", TEE_S_FOREST),
        ("MERCHANDISE_OUT_OF_STOCK", MUG),
    ]


@pytest.mark.parametrize(
    "cart_id",
    [
        "garbage",
        "",
        "gid://shopify/Cart/",
        "gid://shopify/Cart/abc",
        "gid://shopify/Cart/x?key=",
        "gid://shopify/Cart/0123456789abcdef?key=0123456789abcdef",
        "gid://shopify/Product/7001",
    ],
)
def test_garbage_and_unknown_cart_ids(shop, cart_id):
    assert run(shop, "query($id: ID!) { cart(id: $id) { id } }", {"id": cart_id}) == {"cart": None}
    result = add(shop, cart_id, line(SOCKS))
    assert result["cart"] is None
    assert result["userErrors"] == [
        {"code": "INVALID", "field": ["cartId"], "message": "The specified cart does not exist."}
    ]


def test_wrong_key_and_expired_carts_are_gone(shop, clock):
    cart = create(shop, lines=[line(SOCKS)])["cart"]
    token = cart["id"].split("?")[0]
    assert read(shop, f"{token}?key=0000") is None
    assert add(shop, f"{token}?key=0000", line(SOCKS))["cart"] is None
    assert quantities(read(shop, cart["id"])) == {SOCKS: 1}  # the wrong key changed nothing
    clock.advance(9.9)
    assert add(shop, cart["id"], line(SOCKS))["cart"]  # an update keeps the cart fresh
    clock.advance(9.9)
    assert read(shop, cart["id"]) is not None
    clock.advance(0.2)
    assert read(shop, cart["id"]) is None
    assert codes(shop, cart["id"], "TAKE5")["userErrors"][0]["field"] == ["cartId"]


def test_updated_at_moves_and_created_at_stays(shop, clock):
    cart = create(shop, lines=[line(SOCKS)])["cart"]
    clock.advance(1)
    later = add(shop, cart["id"], line(SOCKS))["cart"]
    assert later["createdAt"] == cart["createdAt"] and later["updatedAt"] > cart["updatedAt"]


# Discount codes -----------------------------------------------------------


def test_codes_are_case_insensitive_kept_as_typed_and_deduplicated(shop):
    cart = create(shop, lines=[line(TEE_M_OAT, 2), line(SOCKS, 1)])["cart"]
    result = codes(shop, cart["id"], " Welcome10 ", "WELCOME10", "welcome10")
    assert result["cart"]["discountCodes"] == [{"code": "Welcome10", "applicable": True}]
    assert result["warnings"] == []
    # An order discount is reported once, on the cart, not on its lines.
    assert cart_codes(result["cart"]) == [("Welcome10", Decimal("8.80"))]
    assert result["cart"]["discountAllocations"][0]["targetType"] == "LINE_ITEM"
    assert all(ln["discountAllocations"] == [] for ln in result["cart"]["lines"]["nodes"])
    assert money(result["cart"]["cost"]["totalAmount"]) == Decimal("79.20")
    check_costs(result["cart"])


def test_codes_update_replaces_the_list(shop):
    cart = create(shop, lines=[line(SOCKS)], discountCodes=["WELCOME10"])["cart"]
    result = codes(shop, cart["id"], "TAKE5")
    assert [c["code"] for c in result["cart"]["discountCodes"]] == ["TAKE5"]
    assert codes(shop, cart["id"])["cart"]["discountCodes"] == []


@pytest.mark.parametrize(
    ("code", "lines", "warning"),
    [
        ("NOPE-123", [line(SOCKS)], "DISCOUNT_NOT_FOUND"),
        ("summer24", [line(SOCKS)], "DISCOUNT_CURRENTLY_INACTIVE"),
        ("LAUNCHPARTY", [line(SOCKS)], "DISCOUNT_USAGE_LIMIT_REACHED"),
        ("APPAREL20", [line(CANDLE_FIG)], "DISCOUNT_NO_ENTITLED_LINE_ITEMS"),
        ("FERN15", [line(SHIRT_M)], "DISCOUNT_PURCHASE_NOT_IN_RANGE"),
    ],
)
def test_codes_that_do_not_apply_stay_with_a_warning(shop, code, lines, warning):
    cart = create(shop, lines=lines)["cart"]
    result = codes(shop, cart["id"], code)
    assert result["userErrors"] == []
    assert result["cart"]["discountCodes"] == [{"code": code, "applicable": False}]
    assert [(w["code"], w["target"]) for w in result["warnings"]] == [(warning, cart["id"])]
    assert code in result["warnings"][0]["message"]
    assert result["cart"]["cost"]["totalAmount"] == {
        "amount": result["cart"]["cost"]["subtotalAmount"]["amount"]
    }


def test_applicable_is_recomputed_when_lines_change(shop):
    cart = create(shop, lines=[line(SHIRT_M)], discountCodes=["FERN15"])
    assert cart["cart"]["discountCodes"] == [{"code": "FERN15", "applicable": False}]
    assert [w["code"] for w in cart["warnings"]] == ["DISCOUNT_PURCHASE_NOT_IN_RANGE"]
    more = add(shop, cart["cart"]["id"], line(SOCKS, 1))  # 68 + 12 = 80 >= 75
    assert more["cart"]["discountCodes"] == [{"code": "FERN15", "applicable": True}]
    assert more["warnings"] == []
    socks_line = next(
        ln["id"] for ln in more["cart"]["lines"]["nodes"] if ln["merchandise"]["id"] == SOCKS
    )
    fewer = remove(shop, cart["cart"]["id"], socks_line)
    assert fewer["cart"]["discountCodes"] == [{"code": "FERN15", "applicable": False}]
    assert [w["code"] for w in fewer["warnings"]] == ["DISCOUNT_PURCHASE_NOT_IN_RANGE"]


def test_empty_cart_keeps_codes_not_applicable(shop):
    result = create(shop, discountCodes=["WELCOME10"])
    assert result["cart"]["discountCodes"] == [{"code": "WELCOME10", "applicable": False}]
    assert result["warnings"] == []
    filled = add(shop, result["cart"]["id"], line(SOCKS))
    assert filled["cart"]["discountCodes"] == [{"code": "WELCOME10", "applicable": True}]


def test_entitled_collection_code_discounts_only_entitled_lines(shop):
    cart = create(
        shop, lines=[line(TEE_M_OAT, 1), line(CANDLE_FIG, 1)], discountCodes=["APPAREL20"]
    )["cart"]
    by_variant = {ln["merchandise"]["id"]: ln for ln in cart["lines"]["nodes"]}
    assert money(by_variant[TEE_M_OAT]["discountAllocations"][0]["discountedAmount"]) == Decimal(
        "7.60"
    )
    assert by_variant[CANDLE_FIG]["discountAllocations"] == []
    application = by_variant[TEE_M_OAT]["discountAllocations"][0]["discountApplication"]
    assert application["targetSelection"] == "ENTITLED"
    check_costs(cart)


def test_fixed_amount_spreads_exactly_over_lines(shop):
    # 3 x $38 + 1 x $26 + 1 x $12 = $152: shares of $5 do not divide evenly.
    cart = create(
        shop, lines=[line(TEE_M_OAT, 3), line(CANDLE_FIG), line(SOCKS)], discountCodes=["TAKE5"]
    )["cart"]
    assert cart_codes(cart) == [("TAKE5", Decimal("5.00"))]
    assert money(cart["cost"]["totalAmount"]) == Decimal("147.00")
    check_costs(cart)


def test_fixed_amount_is_capped_at_the_cart(shop):
    cart = create(shop, lines=[line(SOCKS)], discountCodes=["TAKE5"])["cart"]
    assert money(cart["cost"]["totalAmount"]) == Decimal("7.00")
    check_costs(cart)


def test_several_codes_add_up_and_never_exceed_a_line(shop):
    cart = create(
        shop,
        lines=[line(TEE_M_OAT, 1), line(SHIRT_M, 1)],
        discountCodes=["WELCOME10", "APPAREL20", "FERN15", "TAKE5"],
    )["cart"]
    assert all(c["applicable"] for c in cart["discountCodes"])
    tee = next(ln for ln in cart["lines"]["nodes"] if ln["merchandise"]["id"] == TEE_M_OAT)
    # The collection code is a product discount, on its lines; the others are
    # order discounts on the cart, each computed on the undiscounted $106.
    assert [(a["code"], money(a["discountedAmount"])) for a in tee["discountAllocations"]] == [
        ("APPAREL20", Decimal("7.60"))
    ]
    assert cart_codes(cart) == [
        ("WELCOME10", Decimal("10.60")),
        ("FERN15", Decimal("15.90")),
        ("TAKE5", Decimal("5.00")),
    ]
    check_costs(cart)


def test_discounts_never_exceed_a_line(shop):
    codes_ = ["APPAREL20", "WELCOME10", "FERN15", "TAKE5"]
    cart = create(shop, lines=[line(SOCKS, 1), line(SHIRT_M, 1)], discountCodes=codes_)["cart"]
    assert money(cart["cost"]["totalAmount"]) >= 0
    check_costs(cart)


# Attributes, note, buyer identity -------------------------------------------


def test_attributes_update_replaces_the_whole_list(shop):
    cart = create(
        shop,
        attributes=[{"key": "_creator", "value": "maya"}, {"key": "_utm_source", "value": "ig"}],
    )["cart"]
    result = mutate(
        shop,
        "cartAttributesUpdate",
        {"cartId": "ID!", "attributes": "[AttributeInput!]!"},
        cartId=cart["id"],
        attributes=[{"key": "_creator", "value": "leo"}, {"key": "_creator", "value": "june"}],
    )
    assert result["cart"]["attributes"] == [{"key": "_creator", "value": "june"}]
    blank = mutate(
        shop,
        "cartAttributesUpdate",
        {"cartId": "ID!", "attributes": "[AttributeInput!]!"},
        cartId=cart["id"],
        attributes=[{"key": " ", "value": "x"}],
    )
    assert blank["userErrors"][0]["code"] == "INVALID"
    assert read(shop, cart["id"])["attributes"] == [{"key": "_creator", "value": "june"}]


def test_note_and_its_limit(shop):
    cart = create(shop)["cart"]
    types = {"cartId": "ID!", "note": "String!"}
    assert (
        mutate(shop, "cartNoteUpdate", types, cartId=cart["id"], note="Gift <wrap>")["cart"]["note"]
        == "Gift <wrap>"
    )
    too_long = mutate(shop, "cartNoteUpdate", types, cartId=cart["id"], note="x" * 5001)
    assert [(e["code"], e["field"]) for e in too_long["userErrors"]] == [
        ("NOTE_TOO_LONG", ["note"])
    ]
    assert too_long["cart"]["note"] == "Gift <wrap>"


def test_buyer_identity(shop):
    cart = create(shop)["cart"]
    types = {"cartId": "ID!", "buyerIdentity": "CartBuyerIdentityInput!"}
    result = mutate(
        shop,
        "cartBuyerIdentityUpdate",
        types,
        cartId=cart["id"],
        buyerIdentity={"email": "kim@example.com", "countryCode": "DE"},
    )
    assert result["cart"]["buyerIdentity"] == {
        "email": "kim@example.com",
        "phone": None,
        "countryCode": "DE",
    }
    result = mutate(
        shop,
        "cartBuyerIdentityUpdate",
        types,
        cartId=cart["id"],
        buyerIdentity={"countryCode": "CA"},
    )
    assert result["cart"]["buyerIdentity"]["email"] == "kim@example.com"  # untouched
    bad = mutate(
        shop,
        "cartBuyerIdentityUpdate",
        types,
        cartId=cart["id"],
        buyerIdentity={"email": "not an email"},
    )
    assert bad["userErrors"][0]["field"] == ["buyerIdentity", "email"]


def test_more_than_250_inputs_is_a_user_error(shop):
    cart = create(shop)["cart"]
    result = add(shop, cart["id"], *[line(SOCKS)] * 251)
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("MAXIMUM_EXCEEDED", ["lines"])
    ]
    result = codes(shop, cart["id"], *[f"CODE{i}" for i in range(251)])
    assert result["userErrors"][0]["code"] == "MAXIMUM_EXCEEDED"
    assert read(shop, cart["id"])["discountCodes"] == []


def test_cart_lines_page_like_any_connection(shop):
    cart = create(shop, lines=[line(TEE_M_OAT), line(SOCKS), line(CANDLE_FIG)])["cart"]
    every = [ln["id"] for ln in cart["lines"]["nodes"]]
    data = run(
        shop,
        "query($id: ID!, $after: String) { cart(id: $id) { lines(first: 2, "
        "after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } } }",
        {"id": cart["id"]},
    )
    page = data["cart"]["lines"]
    assert [n["id"] for n in page["nodes"]] == every[:2] and page["pageInfo"]["hasNextPage"]
    rest = run(
        shop,
        "query($id: ID!, $after: String) { cart(id: $id) { lines(first: 2, "
        "after: $after) { nodes { id } } } }",
        {"id": cart["id"], "after": page["pageInfo"]["endCursor"]},
    )
    assert [n["id"] for n in rest["cart"]["lines"]["nodes"]] == every[2:]
