"""`python -m bench --outage`: creator pages while Shopify answers 503 for 30 seconds.

The demo shop (100 ms per request) sits behind the fault-injecting proxy of the
test suite; the storefront runs under the shipped gunicorn configuration, its
workers sharing the default SQLite cache file (so a page one worker built is
every worker's), and talks to the proxy. Creator pages are warmed, a signed products/update webhook
purges the catalog (so pages must be rebuilt from data while Shopify is down,
not merely served from the page cache), the proxy starts answering 503 to
every request, and wrk loads the pages for the length of the outage.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import requests

from bench import client, creators, servers, wrk
from bench.measurement import Target
from tests.support.processes import start

TOKEN = "bench-outage-token"
OUTAGE_S = 30
PAGES = ("/", "/products/organic-cotton-tee", "/collections/apparel", "/collections/home")
CREATORS = ("maya", "june", "leo")


def _webhook(url: str, secret: str) -> None:
    body = b'{"id": 7001, "handle": "organic-cotton-tee"}'
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    reply = requests.post(url + "/webhooks/shopify", data=body, timeout=10, headers={
        "X-Shopify-Topic": "products/update", "X-Shopify-Hmac-Sha256": signature.decode(),
        "X-Shopify-Event-Id": secrets.token_hex(8), "Content-Type": "application/json"})
    reply.raise_for_status()


def run(duration_s: float = OUTAGE_S, latency_ms: int = 100) -> dict[str, Any]:
    wrk.executable()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-outage-")))
        shop = servers.demo_shop(folder, TOKEN, latency_ms)
        stack.callback(shop.stop)
        proxy = start([sys.executable, "-m", "tests.support.fault_server",
                       "--upstream", shop.url])
        stack.callback(proxy.stop)
        secret_key, webhook_secret = secrets.token_urlsafe(32)[:40], secrets.token_hex(16)
        # The shipped default: the workers share one SQLite cache file.
        storefront = servers.gunicorn("wsgi:app", {
            "SHOPIFY_STORE_DOMAIN": proxy.url, "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
            "SECRET_KEY": secret_key, "SHOPIFY_WEBHOOK_SECRET": webhook_secret,
            "CACHE_DIR": str(folder / "cache"), "INSTANCE_DIR": str(folder / "instance"),
        })
        stack.callback(storefront.stop)
        targets = [Target(path, creators.referral_cookie(secret_key, handle))
                   for handle in CREATORS for path in PAGES]
        client.once(storefront.url, targets)  # one pass: the cache is shared
        _webhook(storefront.url, webhook_secret)
        requests.post(proxy.url + "/_fault", json={"mode": "503", "times": 10**9}, timeout=5)
        measured, _ = wrk.run(storefront.url, targets, duration_s)
        asked = requests.get(proxy.url + "/_requests", timeout=5).json()["counts"]
        requests.post(proxy.url + "/_fault", json={"mode": "ok", "times": 0}, timeout=5)
        after = requests.get(storefront.url + "/", timeout=10).status_code
        return {
            "outage_s": duration_s,
            "pages": len(targets),
            **measured.as_dict(),
            "shopify_requests_during_outage": sum(asked.values()),
            "status_after_outage": after,
        }


def table(result: dict[str, Any]) -> list[str]:
    return [
        f"Outage: every Storefront request answered 503 for {result['outage_s']:.0f} s, after a "
        f"webhook purge; wrk on {result['pages']} creator pages (3 creators x 4 pages); "
        "workers share the default SQLite cache.",
        "",
        "| requests | rps | p50 ms | p99 ms | non-2xx + socket errors "
        "| Shopify requests during the outage |",
        "|---|---|---|---|---|---|",
        f"| {result['requests']:,} | {result['rps']:,.0f} | {result['p50_ms']:.1f} | "
        f"{result['p99_ms']:.1f} | {result['non2xx']} + {sum(result['errors'].values())} | "
        f"{result['shopify_requests_during_outage']} |",
    ]
