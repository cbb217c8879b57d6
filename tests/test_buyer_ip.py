"""The buyer IP sent with the private token comes from the shopper's request,
reading X-Forwarded-For only as deep as the configured number of proxies."""

import sys

import pytest
import requests

from storefront import create_app
from tests.support import STRONG_KEY, processes

TOKEN = "buyer-ip-private-token"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """The fault server as a recording proxy in front of the demo shop over HTTP."""
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0", "--token", TOKEN,
        "--cart-db", str(tmp_path_factory.mktemp("carts") / "carts.sqlite3"),
    ])
    proxy = processes.start([sys.executable, "-m", "tests.support.fault_server",
                             "--upstream", shop.url])
    yield proxy
    proxy.stop()
    shop.stop()


def buyer_ip_seen(upstream, proxies: int, headers: dict, remote_addr: str) -> str | None:
    app = create_app({
        "SHOPIFY_STORE_DOMAIN": upstream.url,
        "SHOPIFY_STOREFRONT_PRIVATE_TOKEN": TOKEN,
        "SECRET_KEY": STRONG_KEY,
        "TRUSTED_PROXY_COUNT": proxies,
    })
    reply = app.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": remote_addr})
    assert reply.status_code == 200
    seen = requests.get(f"{upstream.url}/_requests", timeout=5).json()["last_headers"]
    return {k.lower(): v for k, v in seen.items()}.get("shopify-storefront-buyer-ip")


def test_without_proxies_forwarded_headers_are_ignored(upstream):
    forged = {"X-Forwarded-For": "198.51.100.1"}
    assert buyer_ip_seen(upstream, 0, forged, "203.0.113.5") == "203.0.113.5"


def test_behind_one_proxy_the_last_hop_is_the_shopper(upstream):
    # The shopper forged the first entry; our one proxy appended the real address.
    chain = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    assert buyer_ip_seen(upstream, 1, chain, "10.0.0.2") == "203.0.113.9"


def test_behind_two_proxies(upstream):
    chain = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9, 10.0.0.3"}
    assert buyer_ip_seen(upstream, 2, chain, "10.0.0.2") == "203.0.113.9"
