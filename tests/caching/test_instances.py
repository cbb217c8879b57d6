"""Two storefront instances sharing one real Redis, the demo shop over HTTP between them.

A webhook sent to one instance makes both serve fresh data; Redis going away
does not take pages down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import shutil
import signal
import sys
import time

import pytest
import requests

from tests.support import STRONG_KEY, processes
from tests.support.ports import free_port
from tests.support.waiting import until

TOKEN = "instances-token"
WEBHOOK_SECRET = "instances-webhook-secret"
PRODUCT = "/products/organic-cotton-tee"


def title_of(url: str) -> str:
    page = requests.get(url + PRODUCT, timeout=10)
    assert page.status_code == 200
    return re.search(r'<h1 class="product__title">([^<]+)</h1>', page.text).group(1)


@pytest.fixture
def redis_port():
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    return free_port()


@pytest.fixture
def stack(tmp_path, redis_port):
    redis = processes.redis_server(redis_port)
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0",
        "--token", TOKEN, "--cart-db", str(tmp_path / "shop-carts.sqlite3"),
    ])
    env = {
        "SHOPIFY_STORE_DOMAIN": shop.url,
        "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
        "SECRET_KEY": STRONG_KEY,
        "SHOPIFY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "WEB_CONCURRENCY": "1",
    }
    one = processes.gunicorn("wsgi:app", env=env)
    two = processes.gunicorn("wsgi:app", env=env)
    yield {"redis": redis, "shop": shop, "one": one, "two": two}
    for server in (one, two, shop, redis):
        server.stop()
    for server in (one, two):
        assert "Traceback" not in server.log()


def webhook(url: str, topic: str) -> requests.Response:
    body = b'{"id": 7001, "handle": "organic-cotton-tee"}'
    signature = base64.b64encode(hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).digest())
    return requests.post(url + "/webhooks/shopify", data=body, timeout=10, headers={
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature.decode(),
        "X-Shopify-Event-Id": "evt-instances-1",
    })


def test_a_webhook_to_one_instance_refreshes_both(stack):
    one, two, shop = stack["one"].url, stack["two"].url, stack["shop"].url
    assert title_of(one) == title_of(two) == "Organic Cotton Tee"
    # The merchant renames the product; both instances still serve their cache...
    edit = requests.post(shop + "/_admin/products/organic-cotton-tee",
                         json={"title": "Organic Cotton Tee, Reworked"}, timeout=10)
    assert edit.status_code == 200
    assert title_of(one) == title_of(two) == "Organic Cotton Tee"
    # ...until Shopify's webhook reaches one of them.
    reply = webhook(one, "products/update")
    assert reply.status_code == 200 and reply.json()["purged"] == ["catalog"]
    assert title_of(one) == "Organic Cotton Tee, Reworked"  # the one purged: at once
    # The other re-reads the purge generations at most half a second apart.
    fresh, taken = until(lambda: title_of(two) == "Organic Cotton Tee, Reworked", within=1.0)
    assert fresh, f"the other instance still served the old title after {taken:.2f} s"
    # The same event delivered again (Shopify retries) is recognised by the other one.
    assert webhook(two, "products/update").json()["duplicate"] is True


def test_pages_stay_up_when_redis_goes_away(stack):
    one = stack["one"].url
    assert title_of(one) == "Organic Cotton Tee"
    stack["redis"].stop()
    for path in ("/", PRODUCT, "/collections/apparel", "/cart"):
        for _ in range(3):
            assert requests.get(one + path, timeout=10).status_code == 200, path
    complaints = [line for line in stack["one"].log().splitlines() if "cache " in line
                  and "failed" in line]
    assert 1 <= len(complaints) <= 2  # logged, not once per request
    # A webhook can't be recorded as seen, nor its purge: 503, and Shopify retries it.
    assert webhook(one, "products/update").status_code == 503


@pytest.mark.parametrize("how", ["stopped", "frozen"])
def test_cached_pages_answer_within_a_second_when_redis_fails(stack, how):
    one, redis = stack["one"].url, stack["redis"]
    assert title_of(one) == "Organic Cotton Tee"  # cached
    assert requests.get(one + "/readyz", timeout=10).json()["cache"] == "ok"
    if how == "stopped":
        redis.stop()
    else:  # SIGSTOP: the connection stays open and nothing answers
        os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        for path in (PRODUCT, "/", PRODUCT, "/collections/apparel", PRODUCT):
            start = time.monotonic()
            reply = requests.get(one + path, timeout=10)
            took = time.monotonic() - start
            assert reply.status_code == 200, path
            assert took < 1.0, f"{path} took {took:.2f} s with Redis {how}"
        ready = requests.get(one + "/readyz", timeout=10)
        assert ready.status_code == 200  # pages are served: still ready...
        assert ready.json()["cache"].startswith("failing")  # ...and it says what is wrong
    finally:
        if how == "frozen":
            os.kill(redis.process.pid, signal.SIGCONT)
