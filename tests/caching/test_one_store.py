"""The default server (gunicorn's 4 workers, no Redis) behaves as one store.

The shared tier is the SQLite file every worker opens (CACHE_TYPE's default,
SQLiteCache): a page one worker cached is every worker's during an outage, a
purge reaches them all within a second, a webhook is acted on once, and a
cold page costs one Shopify request for the whole machine.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support import STRONG_KEY, processes
from tests.support.waiting import until

TOKEN = "one-store-token"
WEBHOOK_SECRET = "one-store-webhook-secret"
PRODUCT = "/products/organic-cotton-tee"
PIDS = re.compile(r"^pid=<(\d+)> GET ", re.MULTILINE)


@pytest.fixture
def stack(tmp_path):
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0",
        "--token", TOKEN, "--cart-db", str(tmp_path / "shop-carts.sqlite3"),
        "--latency-ms", "150",
    ])
    env = {
        "SHOPIFY_STORE_DOMAIN": shop.url,
        "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
        "SECRET_KEY": STRONG_KEY,
        "SHOPIFY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WEB_CONCURRENCY": "4",
        "FUNNELS_URL": "off",
        "INSTANCE_DIR": str(tmp_path / "instance"),
    }
    server = processes.gunicorn("wsgi:app", env=env,
                                extra=["--access-logformat", "pid=%(p)s %(r)s %(s)s"])
    server.wait_for("Booting worker", count=4)
    yield {"shop": shop, "server": server}
    for process in (server, shop):
        process.stop()
    assert "Traceback" not in server.log()


def views(url: str, path: str, count: int) -> list[requests.Response]:
    """`count` views, each on a new connection (so the workers share them out)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: requests.get(url + path, timeout=30), range(count)))


def title_of(reply: requests.Response) -> str:
    return re.search(r'<h1 class="product__title">([^<]+)</h1>', reply.text).group(1)


def workers_seen(server) -> int:
    return len(set(PIDS.findall(server.log())))


def signed(body: bytes) -> str:
    return base64.b64encode(hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).digest()
                            ).decode()


def test_a_page_one_worker_cached_is_every_workers_during_an_outage(stack):
    url, shop = stack["server"].url, stack["shop"]
    assert requests.get(url + PRODUCT, timeout=30).status_code == 200  # one worker, once
    shop.stop()  # Shopify is down
    replies = views(url, PRODUCT, 40)
    assert [reply.status_code for reply in replies] == [200] * 40
    assert {title_of(reply) for reply in replies} == {"Organic Cotton Tee"}
    assert workers_seen(stack["server"]) >= 2  # not all from the one that rendered it


def test_a_purge_reaches_every_worker_within_a_second(stack):
    url, shop = stack["server"].url, stack["shop"].url
    assert {title_of(reply) for reply in views(url, PRODUCT, 40)} == {"Organic Cotton Tee"}
    assert requests.post(shop + "/_admin/products/organic-cotton-tee",
                         json={"title": "Organic Cotton Tee, Reworked"},
                         timeout=10).status_code == 200
    body = b'{"id": 7001, "handle": "organic-cotton-tee"}'
    reply = requests.post(url + "/webhooks/shopify", data=body, timeout=10, headers={
        "Content-Type": "application/json", "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": signed(body), "X-Shopify-Webhook-Id": "whk-purge-1",
    })
    assert reply.json()["purged"] == ["catalog"]

    def everyone_fresh() -> bool:
        return {title_of(r) for r in views(url, PRODUCT, 8)} == {"Organic Cotton Tee, Reworked"}

    fresh, taken = until(everyone_fresh, within=1.0)
    assert fresh, f"some worker still served the old title {taken:.2f} s after the purge"
    assert {title_of(reply) for reply in views(url, PRODUCT, 40)} == {
        "Organic Cotton Tee, Reworked"}
    assert workers_seen(stack["server"]) >= 2


def test_a_delivery_sent_six_times_is_acted_on_once(stack):
    url = stack["server"].url
    body = b'{"id": 7002, "handle": "organic-cotton-tee"}'
    headers = {
        "Content-Type": "application/json", "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": signed(body), "X-Shopify-Webhook-Id": "whk-six",
        "X-Shopify-Event-Id": "evt-six",
    }
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: requests.post(
            url + "/webhooks/shopify", data=body, headers=headers, timeout=10).json(),
            range(6)))
    assert sum(1 for reply in replies if reply.get("purged") == ["catalog"]) == 1
    assert sum(1 for reply in replies if reply.get("duplicate")) == 5


def test_a_cold_page_costs_one_shopify_request_for_the_whole_machine(stack):
    url, shop = stack["server"].url, stack["shop"].url
    assert requests.get(url + "/", timeout=30).status_code == 200  # the frame's data, warm
    requests.post(shop + "/_stats/reset", timeout=10)
    replies = views(url, "/collections/apparel", 16)  # at once, on every worker
    assert [reply.status_code for reply in replies] == [200] * 16
    asked = requests.get(shop + "/_stats", timeout=10).json()["by_operation"]
    assert asked == {"CollectionPage": 1}
