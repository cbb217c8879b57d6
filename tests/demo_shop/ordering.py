"""Helpers for the demo shop's order tests: carts to place, a book, a sender, a fake store."""

from __future__ import annotations

import json
from pathlib import Path

from storefront.demo_shop.carts import SqliteCartStore
from storefront.demo_shop.orders import OrderBook
from storefront.demo_shop.outbox import Sender
from storefront.demo_shop.shop import DemoShop
from tests.demo_shop.conftest import FIXTURE_CATALOG, Clock, run

SECRET = "demo-orders-secret"
TARGET = "http://store.test/webhooks/shopify"
TEE, TOTE = 700103, 700401  # 38.00 each (apparel), 18.00 (accessories)
CREATOR_ATTRIBUTES = (("_creator", "maya"), ("_creator_first", "maya"),
                      ("_creator_clicked_at", "2026-06-01T10:00:00Z"),
                      ("_utm_source", "instagram"), ("gift_message", "Happy birthday"))


class Shop:
    """A demo shop on the fixture catalog with carts and orders in one SQLite file,
    its clock moved by hand, and a sender that posts through `post` (no thread)."""

    def __init__(self, folder: Path, post=None, clock: Clock | None = None,
                 catalog: Path = FIXTURE_CATALOG) -> None:
        self.clock = clock or Clock()
        self.path = folder / "shop.sqlite3"
        self.shop = DemoShop(catalog, carts=SqliteCartStore(self.path, clock=self.clock))
        self.book = OrderBook.beside(self.shop)
        self.book.clock = self.clock
        self.sent: list[tuple[str, bytes, dict]] = []
        self.post = post or self._accept
        self.sender = Sender(self.book.outbox, secret=SECRET, shop_domain="fernwood.example",
                             api_version="2026-04", post=lambda *a: self.post(*a),
                             clock=self.clock, background=False)

    def _accept(self, url: str, body: bytes, headers: dict) -> int:
        self.sent.append((url, body, headers))
        return 200

    def cart(self, lines=((TEE, 3), (TOTE, 1)), codes=("APPAREL20", "TAKE5", "NOPE"),
             attributes=CREATOR_ATTRIBUTES, note=None, buyer_email=None,
             gift_cards=(), country=None) -> tuple[str, str]:
        """A new cart; its (token, key)."""
        cart_input = {
            "lines": [{"merchandiseId": f"gid://shopify/ProductVariant/{variant}",
                       "quantity": quantity} for variant, quantity in lines],
            "discountCodes": list(codes),
            "giftCardCodes": list(gift_cards),
            "attributes": [{"key": k, "value": v} for k, v in attributes],
            "note": note,
        }
        if buyer_email or country:
            cart_input["buyerIdentity"] = {"email": buyer_email, "countryCode": country}
        data = run(self.shop, "mutation($input: CartInput) { cartCreate(input: $input) {"
                   " cart { checkoutUrl } } }", {"input": cart_input})
        url = data["cartCreate"]["cart"]["checkoutUrl"]
        token = url.split("/checkouts/")[1].split("?")[0]
        return token, url.split("key=")[1]

    def place(self, email=None, target=TARGET, **cart):
        return self.book.place(*self.cart(**cart), email, target)

    def bodies(self, topic: str | None = None) -> list[dict]:
        """The JSON of what was sent, in order (of `topic` only, if given)."""
        return [json.loads(body) for _, body, headers in self.sent
                if topic in (None, headers["X-Shopify-Topic"])]
