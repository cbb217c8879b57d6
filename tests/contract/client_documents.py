"""Real clients' GraphQL operations, run unchanged against the demo shop over HTTP.

`tests/contract/clients/<set>/` holds our own copies of the operations a client
sends (written from reading the client: same root fields, fields, fragments
and variables), one `<operationName>.graphql` each, with `<operationName>.json`
for its variables. Fragments live in `fragments/`, as the clients keep them
apart in their own code, and each operation is sent with those it uses (as the
storefront's own documents are: storefront/shopify/documents.py).

In the variables, `{{name}}` stands for something only a running shop knows
(a cart id, a line id, a delivery group...): `ShopValues` finds it, making a
cart with a line, a selected delivery address and a metafield when asked for
one.

A set's test module says what each operation must answer (`Check`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from graphql import (
    DocumentNode,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
)

from storefront.shopify.documents import load_fragments, with_fragments

CLIENTS_DIR = Path(__file__).parent / "clients"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
API_VERSION = "2026-04"


@dataclass(frozen=True)
class ClientOperation:
    name: str
    text: str
    document: DocumentNode
    variables: dict[str, Any]

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation.value == "mutation"

    @property
    def operation(self) -> OperationDefinitionNode:
        return next(d for d in self.document.definitions
                    if isinstance(d, OperationDefinitionNode))

    @property
    def declared(self) -> set[str]:
        return {v.variable.name.value for v in self.operation.variable_definitions or ()}


def load(set_name: str) -> dict[str, ClientOperation]:
    folder = CLIENTS_DIR / set_name
    fragments = load_fragments(folder / "fragments")
    operations = {}
    for path in sorted(folder.glob("*.graphql")):
        [operation] = parse(path.read_text(encoding="utf-8"), no_location=True).definitions
        assert operation.name.value == path.stem, f"{path.name} names {operation.name.value}"
        document = DocumentNode(definitions=(operation, *with_fragments(operation, fragments)))
        variables_file = path.with_suffix(".json")
        variables = json.loads(variables_file.read_text()) if variables_file.exists() else {}
        operations[path.stem] = ClientOperation(path.stem, print_ast(document), document,
                                                variables)
    return operations


# The shop over HTTP -------------------------------------------------------


class DemoApi:
    """POSTs documents to the demo shop's Storefront API, as a client's fetch does."""

    def __init__(self, base_url: str, token: str) -> None:
        self.url = f"{base_url}/api/{API_VERSION}/graphql.json"
        self.session = requests.Session()
        self.session.headers.update({
            "X-Shopify-Storefront-Access-Token": token,
            "Content-Type": "application/json",
        })

    def post(self, query: str, variables: dict | None = None, name: str | None = None) -> dict:
        body = {"query": query, "variables": variables or {}}
        if name:
            body["operationName"] = name
        response = self.session.post(self.url, json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: dict | None = None) -> dict:
        """The data of one of our own documents, which must not fail."""
        reply = self.post(query, variables)
        assert "errors" not in reply, reply["errors"]
        return reply["data"]


SETUP = """
query Setup {
  tee: product(handle: "organic-cotton-tee") {
    id
    variants(first: 20) { nodes { id availableForSale } }
  }
  mug: product(handle: "stoneware-mug") {
    variants(first: 5) { nodes { id availableForSale } }
  }
}
"""

NEW_CART = """
mutation NewCart($variantId: ID!) {
  cartCreate(input: {lines: [{merchandiseId: $variantId, quantity: 1}]}) {
    cart { id lines(first: 5) { nodes { id } } }
    userErrors { message }
  }
}
"""

DELIVER_TO = """
mutation DeliverTo($cartId: ID!) {
  cartDeliveryAddressesAdd(cartId: $cartId, addresses: [{selected: true, address: {
    deliveryAddress: {firstName: "Ada", lastName: "Lovelace", address1: "12 Analytical Way",
                      city: "Portland", provinceCode: "OR", zip: "97201", countryCode: US}}}]) {
    cart {
      delivery { addresses { id } }
      deliveryGroups(first: 1) {
        nodes { id deliveryOptions { handle } selectedDeliveryOption { handle } }
      }
    }
    userErrors { message }
  }
  cartMetafieldsSet(metafields: [{ownerId: $cartId, key: "custom.delivery_note",
                                  type: "single_line_text_field", value: "Ring twice"}]) {
    userErrors { message }
  }
}
"""

# What a test reads back of a cart to see what a mutation changed.
READBACK = """
query Readback($cartId: ID!) {
  cart(id: $cartId) {
    id
    totalQuantity
    note
    attributes { key value }
    discountCodes { code applicable }
    buyerIdentity { email countryCode }
    lines(first: 50) {
      nodes { id quantity merchandise { ... on ProductVariant { id } } }
    }
    delivery {
      addresses {
        id
        selected
        oneTimeUse
        address { ... on CartDeliveryAddress { address1 city zip countryCode } }
      }
    }
    deliveryGroups(first: 5) {
      nodes { id selectedDeliveryOption { handle } deliveryOptions { handle } }
    }
    giftMessage: metafield(namespace: "custom", key: "gift_message") { value type }
    deliveryNote: metafield(namespace: "custom", key: "delivery_note") { value }
    appliedGiftCards { id lastCharacters amountUsed { amount } balance { amount } }
  }
}
"""

APPLY_GIFT_CARD = """
mutation ApplyGiftCard($cartId: ID!, $code: String!) {
  cartGiftCardCodesAdd(cartId: $cartId, giftCardCodes: [$code]) {
    cart { appliedGiftCards { id lastCharacters } }
    userErrors { message }
  }
}
"""

OUR_DOCUMENTS = {"Setup": SETUP, "NewCart": NEW_CART, "DeliverTo": DELIVER_TO,
                 "Readback": READBACK, "ApplyGiftCard": APPLY_GIFT_CARD}

# An article of the demo shop's Journal (tools/demo_catalog/journal.py).
ARTICLE = "how-to-care-for-linen"
# A demo gift card with $50 on it (tools/demo_catalog/content.py).
GIFT_CARD = "FERNGIFTFIFTY050"


class ShopValues:
    """The values `{{name}}` stands for, found in the running shop when first needed."""

    def __init__(self, api: DemoApi) -> None:
        self.api = api
        self._values: dict[str, str] = {"articleHandle": ARTICLE, "giftCardCode": GIFT_CARD}

    def __getitem__(self, name: str) -> str:
        if name not in self._values:
            self._find(name)
        return self._values[name]

    def _find(self, name: str) -> None:
        if "variantId" not in self._values:
            shop = self.api.data(SETUP)
            tee = [v["id"] for v in shop["tee"]["variants"]["nodes"] if v["availableForSale"]]
            mug = [v["id"] for v in shop["mug"]["variants"]["nodes"] if v["availableForSale"]]
            self._values.update(productId=shop["tee"]["id"], variantId=tee[0],
                                otherVariantId=mug[0])
        if name == "appliedGiftCardId":  # the demo card, applied to the test's cart
            applied = self.api.data(APPLY_GIFT_CARD, {"cartId": self["cartId"], "code": GIFT_CARD})
            cards = applied["cartGiftCardCodesAdd"]["cart"]["appliedGiftCards"]
            self._values[name] = next(c["id"] for c in cards if GIFT_CARD.endswith(
                c["lastCharacters"]))
            return
        if name not in self._values:  # a cart: with a line, an address and a metafield
            cart = self.api.data(NEW_CART, {"variantId": self._values["variantId"]})
            cart = cart["cartCreate"]["cart"]
            delivered = self.api.data(DELIVER_TO, {"cartId": cart["id"]})
            delivery = delivered["cartDeliveryAddressesAdd"]["cart"]
            group = delivery["deliveryGroups"]["nodes"][0]
            chosen = group["selectedDeliveryOption"]["handle"]
            self._values.update(
                cartId=cart["id"],
                lineId=cart["lines"]["nodes"][0]["id"],
                addressId=delivery["delivery"]["addresses"][0]["id"],
                deliveryGroupId=group["id"],
                otherDeliveryOptionHandle=next(
                    o["handle"] for o in group["deliveryOptions"] if o["handle"] != chosen
                ),
            )

    def fill(self, template: Any) -> Any:
        """`template` with every `{{name}}` replaced by its value."""
        if isinstance(template, str):
            return PLACEHOLDER.sub(lambda m: self[m.group(1)], template)
        if isinstance(template, list):
            return [self.fill(item) for item in template]
        if isinstance(template, dict):
            return {key: self.fill(value) for key, value in template.items()}
        return template

    def cart(self, cart_id: str | None = None) -> dict | None:
        """The cart as READBACK reads it (the test's own cart by default)."""
        return self.api.data(READBACK, {"cartId": cart_id or self["cartId"]})["cart"]


# Running one operation ----------------------------------------------------


@dataclass
class Outcome:
    """What an operation answered, and for a mutation, its cart before and after."""

    data: dict
    values: ShopValues
    before: dict | None = None
    after: dict | None = None
    extra: dict = field(default_factory=dict)


Check = Callable[[Outcome], None]


def run(
    api: DemoApi,
    operation: ClientOperation,
    values: ShopValues,
    *,
    text: str | None = None,
    context: dict | None = None,
) -> Outcome:
    """Run `operation` (or `text`, a part of it) as its client would, and check the reply
    has no errors and no null root; a mutation's cart is read before and after."""
    variables = values.fill(operation.variables)
    for name, value in (context or {}).items():  # what a client adds on its own
        if name in operation.declared:
            variables.setdefault(name, value)
    cart_id = variables.get("cartId") or _owner(variables)
    before = values.cart(cart_id) if operation.is_mutation and cart_id else None
    reply = api.post(text or operation.text, variables, operation.name)
    assert "errors" not in reply, reply["errors"]
    data = reply["data"]
    nulls = [key for key, value in data.items() if value is None]
    assert nulls == [], f"null roots: {nulls}"
    after = None
    if operation.is_mutation:
        for payload in data.values():
            assert payload.get("userErrors", []) == [], payload["userErrors"]
            assert payload.get("warnings", []) == [], payload["warnings"]
        made = _cart_id_in(data) or cart_id
        after = values.cart(made) if made else None
    return Outcome(data, values, before, after)


def _owner(variables: dict) -> str | None:
    """The cart a metafield mutation is about."""
    entries = variables.get("metafields") or [variables.get("input") or {}]
    return entries[0].get("ownerId") if isinstance(entries[0], dict) else None


def _cart_id_in(data: dict) -> str | None:
    for payload in data.values():
        cart = payload.get("cart") if isinstance(payload, dict) else None
        if cart and cart.get("id"):
            return cart["id"]
    return None


# The tests every set runs ---------------------------------------------------


@dataclass(frozen=True)
class ClientSet:
    """A client's operations and what each must answer.

    `context`: variables the client adds on its own to any operation that declares
    them (Hydrogen's storefront client adds the country and language).
    """

    name: str
    checks: dict[str, Check]
    context: dict[str, str] = field(default_factory=dict)

    @property
    def operations(self) -> dict[str, ClientOperation]:
        return load(self.name)

    def tests(self):
        """The set's two tests, for its module to bind to `test_*` names."""
        operations, checks = self.operations, self.checks
        names = sorted(operations)

        @pytest.mark.parametrize("name", names)
        def valid_against_shopify(shopify, name):
            """Our copy of the operation is one Shopify's real schema accepts."""
            assert set(checks) == set(operations), "every operation needs its check"
            errors = validate(shopify, operations[name].document)
            assert errors == [], [e.message for e in errors]

        @pytest.mark.parametrize("name", names)
        def runs_unchanged(demo_api, shop_values, name):
            """The operation, as the client sends it, answers what its page needs."""
            outcome = run(demo_api, operations[name], shop_values, context=self.context)
            checks[name](outcome)

        return valid_against_shopify, runs_unchanged
