"""One contract suite, two shops: the demo shop in-process and over HTTP.

Every test in this folder runs against both, through the same Storefront
client, so the HTTP server is held to exactly what the in-process shop does.
"""

from __future__ import annotations

import sys

import pytest

from storefront.demo_shop.carts import MemoryCartStore
from storefront.demo_shop.shop import DemoShop
from storefront.demo_shop.transport import DemoShopTransport
from storefront.shopify.client import StorefrontClient
from storefront.shopify.transport import HTTPTransport, endpoint_url
from tests.contract.client_documents import DemoApi, ShopValues
from tests.support import processes
from tests.support.ports import free_port

TOKEN = "contract-token"


@pytest.fixture(scope="session")
def demo_shop_server(tmp_path_factory):
    port = free_port()
    server = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve",
        "--port", str(port), "--token", TOKEN,
        "--cart-db", str(tmp_path_factory.mktemp("carts") / "carts.sqlite3"),
    ])
    yield server
    server.stop()


@pytest.fixture(params=["in_process", "http"])
def client(request) -> StorefrontClient:
    if request.param == "in_process":
        transport = DemoShopTransport(DemoShop(carts=MemoryCartStore()))
    else:
        server = request.getfixturevalue("demo_shop_server")
        transport = HTTPTransport(endpoint_url(server.url, "2026-04"), public_token=TOKEN)
    return StorefrontClient(transport, context={"country": "US", "language": "EN"})


@pytest.fixture(scope="session")
def demo_api(demo_shop_server) -> DemoApi:
    """The demo shop's Storefront API over HTTP, for real clients' documents."""
    return DemoApi(demo_shop_server.url, TOKEN)


@pytest.fixture
def shop_values(demo_api) -> ShopValues:
    """What the documents' `{{placeholders}}` stand for; a fresh cart for each test."""
    return ShopValues(demo_api)
