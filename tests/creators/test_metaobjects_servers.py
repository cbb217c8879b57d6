"""A store whose creators live only in Shopify metaobjects, over real HTTP.

The demo shop runs as its own server (with creators generated into the test's
folder), the store under gunicorn with two workers. Waits ask again until a
deadline (tests/support/waiting.py), never sleep.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

import requests

from tests.creators.metaobject_data import generated, shipped, write_catalog
from tests.support import processes
from tests.support.ports import free_port
from tests.support.waiting import until

TOKEN = "metaobjects-test-token"
SECRET = "whsec-metaobjects-servers"
SECRET_KEY = "3f9c1a7e5b2d8046c1e9a3b7d5f20c8e4a6b1d3f"
ACCESS = re.compile(r"^pid=<(\d+)> id=(probe-\d+) ", re.MULTILINE)


def demo_shop(catalog: Path, port: int, folder: Path) -> processes.Server:
    return processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", str(port),
        "--token", TOKEN, "--catalog", str(catalog), "--cart-db", str(folder / "carts.sqlite3"),
    ])


def store(folder: Path, shop_port: int) -> processes.Server:
    """The storefront on the shop at `shop_port`, creators from Shopify only, two workers."""
    return processes.gunicorn("wsgi:app", env={
        "SHOPIFY_STORE_DOMAIN": f"http://127.0.0.1:{shop_port}",
        "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
        "SHOPIFY_WEBHOOK_SECRET": SECRET,
        "SECRET_KEY": SECRET_KEY,
        "CREATORS_SOURCE": "shopify",
        "CREATORS_RELOAD_SECONDS": "0.2",
        "INSTANCE_DIR": str(folder / "instance"),
        "WEB_CONCURRENCY": "2",
        "FUNNELS_URL": "off",
        "SHOPIFY_CONNECT_TIMEOUT": "1",
    }, extra=["--access-logformat", "pid=%(p)s id=%({x-request-id}i)s %(s)s"])


class Probe:
    """GETs on fresh connections, each with the id of the worker that answered."""

    def __init__(self, server: processes.Server) -> None:
        self.server = server
        self.count = 0

    def get(self, path: str) -> tuple[int, requests.Response]:
        self.count += 1
        probe = f"probe-{self.count:06d}"
        page = requests.get(self.server.url + path, timeout=20,
                            headers={"Connection": "close", "X-Request-Id": probe})
        self.server.wait_for(rf"id={probe} ")  # the access log line names the worker
        pid = next(int(p) for p, seen in ACCESS.findall(self.server.log()) if seen == probe)
        return pid, page


def webhook(server: processes.Server, topic: str, payload: dict) -> requests.Response:
    body = json.dumps(payload).encode()
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
    return requests.post(server.url + "/webhooks/shopify", data=body, timeout=10, headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature.decode(), "X-Shopify-Webhook-Id": f"whk-{topic}",
    })


def test_ten_thousand_creators_and_a_webhook_seen_by_both_workers(tmp_path):
    catalog = write_catalog(tmp_path / "catalog", [generated(n) for n in range(10_000)])
    port = free_port()
    shop = demo_shop(catalog, port, tmp_path)
    server = None
    try:
        server = store(tmp_path, port)
        probe = Probe(server)
        last = "/@creator-09998"
        # The watcher reads all 40 pages (250 a page), then both workers serve them.
        page, taken = until(lambda: probe.get(last)[1].status_code == 200, within=90)
        assert page, f"no creators after {taken:.0f} s:\n{server.log()[-3000:]}"
        graphql = requests.get(shop.url + "/_stats", timeout=10).json()["by_operation"]
        assert graphql["Metaobjects"] >= 40
        assert "Creator 9998" in probe.get(last)[1].text

        # One worker fetched; the other reads its copy when told. Both serve the creator.
        workers: set[int] = set()
        answered: set[int] = set()

        def both_serve() -> bool:
            pid, answer = probe.get(last)
            answered.add(pid)
            if answer.status_code == 200:
                workers.add(pid)
            return len(workers) == 2

        served, taken = until(both_serve, within=60)
        assert served, f"workers {answered - workers} of {answered} without the creators"

        # A merchant renames the creator in Shopify; Shopify tells one worker.
        edited = requests.post(shop.url + "/_admin/metaobjects/creator/creator-09998",
                               json={"fields": {"name": "Renamed Nine"}}, timeout=10)
        assert edited.status_code == 200
        delivered = webhook(server, "metaobjects/update",
                            {"type": "creator", "handle": "creator-09998"})
        assert delivered.status_code == 200 and delivered.json()["creators"] == "refreshing"
        renamed: set[int] = set()

        def both_renamed() -> bool:
            pid, answer = probe.get(last)
            if "Renamed Nine" in answer.text:
                renamed.add(pid)
            return renamed == workers

        # Both re-read all 40 pages: as long a bound as the first read's (a loaded machine).
        done, taken = until(both_renamed, within=90)
        assert done, f"workers still showing the old name after {taken:.0f} s: " \
                     f"{set(workers) - renamed}"
    finally:
        if server is not None:
            server.stop()
        shop.stop()
    assert "Traceback" not in server.log()


def test_a_store_started_while_shopify_is_down_gets_its_creators_when_it_comes_up(tmp_path):
    catalog = write_catalog(tmp_path / "catalog", shipped())
    port = free_port()  # nothing listens there yet: Shopify is down
    server = store(tmp_path, port)
    shop = None
    try:
        probe = Probe(server)
        assert probe.get("/@maya")[1].status_code == 404
        server.wait_for("creators from Shopify: reading metaobjects of type 'creator' failed")

        shop = demo_shop(catalog, port, tmp_path)  # Shopify is back
        served, taken = until(lambda: probe.get("/@maya")[1].status_code == 200, within=60)
        assert served, f"no creators {taken:.0f} s after Shopify came back"
        assert "Maya Rivers" in probe.get("/@maya")[1].text
    finally:
        server.stop()
        if shop is not None:
            shop.stop()
    assert "Traceback" not in server.log()

    # Down again, and the store restarts: the copy under INSTANCE_DIR serves at once.
    assert (tmp_path / "instance" / "creators-shopify-creator.json").is_file()
    server = store(tmp_path, port)
    try:
        pid, landing = Probe(server).get("/@maya")
        assert landing.status_code == 200 and "Maya Rivers" in landing.text
    finally:
        server.stop()
