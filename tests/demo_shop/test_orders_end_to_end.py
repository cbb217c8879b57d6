"""The loop works offline, over real HTTP: a creator's link, a cart, the demo checkout's
"Place order", the order webhooks, and the creator's sale in the store's ledger.

The store runs as `make run` runs it (gunicorn, several workers, the in-process
demo shop, no webhook secret configured). The standalone demo shop delivers to
a `--webhook-url`, and a restart resumes what it could not deliver.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime
from urllib.parse import urljoin

import pytest
import requests
from werkzeug.serving import make_server

from tests.support import processes
from tests.support.ports import free_port
from tests.support.waiting import until

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
VARIANT = re.compile(r'name="variant_id" value="(\d+)"')
FORM = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def ledger_file() -> str:
    url = os.environ["DATABASE_URL"]  # tests/conftest.py: this test's own SQLite file
    assert url.startswith("sqlite:///")
    return url.removeprefix("sqlite:///")


def ledger(query: str) -> list[tuple]:
    """Rows of the store's ledger, read as any tool would ([] until its tables exist)."""
    try:
        with sqlite3.connect(ledger_file()) as db:
            return db.execute(query).fetchall()
    except sqlite3.OperationalError:
        return []


@pytest.fixture
def store(tmp_path, monkeypatch):
    for name in ("SHOPIFY_STORE_DOMAIN", "SHOPIFY_WEBHOOK_SECRET", "SECRET_KEY",
                 "DEMO_SHOP_WEBHOOK_URL", "DEMO_SHOP_CART_DB"):
        monkeypatch.delenv(name, raising=False)
    env = {"WEB_CONCURRENCY": "2", "FUNNELS_URL": "off",
           "INSTANCE_DIR": str(tmp_path / "instance")}
    server = processes.gunicorn("wsgi:app", env=env)
    server.wait_for("Booting worker", count=2)
    yield server, env
    server.stop()
    assert "Traceback" not in server.log()


def test_from_a_creators_link_to_the_creators_sale_without_leaving_the_machine(store):
    server, env = store
    shopper = requests.Session()
    assert shopper.get(server.url + "/@maya", timeout=30).status_code == 200
    product = shopper.get(server.url + "/products/organic-cotton-tee", timeout=30).text
    added = shopper.post(server.url + "/cart/add", timeout=30, allow_redirects=False, data={
        "csrf_token": CSRF.search(product).group(1),
        "variant_id": VARIANT.search(product).group(1)})
    assert added.status_code == 303
    checkout = shopper.get(server.url + "/checkout", timeout=30, allow_redirects=False)
    assert checkout.status_code == 303 and "/demo-shop/checkouts/" in checkout.headers["Location"]
    checkout_url = urljoin(server.url, checkout.headers["Location"])
    page = shopper.get(checkout_url, timeout=30)
    assert page.status_code == 200 and "Place order" in page.text
    placed = shopper.post(urljoin(checkout_url, FORM.search(page.text).group(1)),
                          data=dict(HIDDEN.findall(page.text)), timeout=30,
                          allow_redirects=False)
    assert placed.status_code == 303
    order_url = urljoin(server.url, placed.headers["Location"])

    def credited():
        return ledger("SELECT order_id, name, creator, credit_rule, net_sales, financial_status,"
                      " created_at FROM orders")

    found, _ = until(lambda: [r for r in credited() if r[5] == "paid"], within=30)
    assert found, (credited(), server.log()[-3000:])
    [(order_id, name, creator, rule, net_sales, _, created_at)] = found
    assert (name, creator, rule) == ("#1001", "maya", "attribute")
    assert str(net_sales) in ("32.30", "32.3")  # 38.00 less Maya's 15 %
    # orders/create and orders/paid, each received and applied once.
    assert sorted(ledger("SELECT topic, status FROM deliveries")) == [
        ("orders/create", "done"), ("orders/paid", "done")]
    delivered, _ = until(lambda: shopper.get(order_url, timeout=30).text.count(">delivered<")
                         == 2, within=10)
    assert delivered
    # The brand's report, from the same settings, shows Maya's sale.
    period = datetime.fromisoformat(str(created_at)).strftime("%Y-%m")
    report = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "orders", "report", "--format", "json",
         "--period", period], cwd=processes.ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    rows = {row["creator"]: row for row in json.loads(report.stdout)["creators"]}
    assert rows["maya"]["orders"] == 1 and rows["maya"]["net_sales"] in ("32.30", "32.3")
    # Placing the same checkout again shows the same order and sends nothing new.
    again = shopper.post(urljoin(checkout_url, FORM.search(page.text).group(1)),
                         data=dict(HIDDEN.findall(page.text)), timeout=30,
                         allow_redirects=False)
    assert urljoin(server.url, again.headers["Location"]) == order_url
    assert len(ledger("SELECT id FROM deliveries")) == 2


class Receiver:
    """A webhook endpoint over real HTTP that keeps what it was sent."""

    def __init__(self, port: int) -> None:
        self.got: list[tuple[dict, bytes]] = []
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", port, self, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        with self.lock:
            self.got.append((headers, body))
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]


def test_the_standalone_shop_delivers_to_its_webhook_url_and_resumes_after_a_restart(
        tmp_path, monkeypatch):
    secret = "standalone-webhook-secret"
    monkeypatch.setenv("SHOPIFY_WEBHOOK_SECRET", secret)
    port = free_port()  # where the store will listen; nothing does yet
    args = [sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0", "--token", "t",
            "--cart-db", str(tmp_path / "shop.sqlite3"),
            "--webhook-url", f"http://127.0.0.1:{port}/webhooks/shopify"]
    shop = processes.start(args)
    try:
        created = requests.post(shop.url + "/api/2026-04/graphql.json", timeout=30, headers={
            "X-Shopify-Storefront-Access-Token": "t"}, json={
            "query": "mutation($input: CartInput) { cartCreate(input: $input) {"
                     " cart { checkoutUrl } } }",
            "variables": {"input": {
                "lines": [{"merchandiseId": "gid://shopify/ProductVariant/1001", "quantity": 1}],
                "attributes": [{"key": "_creator", "value": "maya"}]}}}).json()
        checkout_url = created["data"]["cartCreate"]["cart"]["checkoutUrl"]
        page = requests.get(checkout_url, timeout=30).text
        placed = requests.post(urljoin(checkout_url, FORM.search(page).group(1)),
                               data=dict(HIDDEN.findall(page)), timeout=30,
                               allow_redirects=False)
        order_url = urljoin(shop.url, placed.headers["Location"])
        refused, _ = until(lambda: requests.get(order_url, timeout=30).text.count(
            ">retrying<") == 2, within=20)
        assert refused, requests.get(order_url, timeout=30).text[-2000:]
    finally:
        shop.stop()
    receiver = Receiver(port)
    try:
        shop = processes.start(args)  # the same file: what was pending is sent now
        try:
            got, _ = until(lambda: len(receiver.got) >= 2, within=30)
            assert got, shop.log()
            assert sorted(h["x-shopify-topic"] for h, _ in receiver.got) == [
                "orders/create", "orders/paid"]
            for headers, body in receiver.got:
                expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256)
                                            .digest()).decode()
                assert headers["x-shopify-hmac-sha256"] == expected
                assert json.loads(body)["note_attributes"] == [{"name": "_creator",
                                                                "value": "maya"}]
            order_url = urljoin(shop.url, placed.headers["Location"])
            delivered, _ = until(lambda: requests.get(order_url, timeout=30).text.count(
                ">delivered<") == 2, within=10)
            assert delivered
        finally:
            shop.stop()
        assert "Traceback" not in shop.log()
    finally:
        receiver.server.shutdown()
