"""What every resolver may use while answering one document."""

from __future__ import annotations

from dataclasses import dataclass, field

from storefront.demo_shop.cart_ops import CartOperations
from storefront.demo_shop.catalog import Catalog
from storefront.demo_shop.in_context import Asked
from storefront.demo_shop.search import SearchIndex

FILES_PATH = "/demo-shop/files"
CHECKOUTS_PATH = "/demo-shop/checkouts"


@dataclass(frozen=True)
class ShopContext:
    catalog: Catalog
    search: SearchIndex
    carts: CartOperations
    base_url: str  # "" for root-relative URLs, else "http://host:port"
    # Per document (DemoShop.execute makes a copy for each): what its @inContext asked,
    # and the buyer country of each cart it answered, by the root field it is under.
    asked: Asked = Asked()
    cart_countries: dict[str, str | None] = field(default_factory=dict)

    def file_url(self, file: str) -> str:
        return f"{self.base_url}{FILES_PATH}/{file}"

    def checkout_url(self, token: str, key: str) -> str:
        return f"{self.base_url}{CHECKOUTS_PATH}/{token}?key={key}"

    def store_url(self, path: str) -> str:
        """A URL on the shop's primary domain (Shopify's `onlineStoreUrl`)."""
        return f"{self.catalog.shop.url.rstrip('/')}{path}"
