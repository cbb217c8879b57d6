"""Two apps, one with the page fast path and one without, and how to compare their replies."""

from __future__ import annotations

import gzip
import re

import brotli

from storefront import attribution, create_app
from storefront.web.fastpath import FastPages

NONCE = re.compile(r"nonce-[A-Za-z0-9_-]+|nonce=\"[A-Za-z0-9_-]+\"")
# CSRF tokens are signed with a timestamp and session cookies hold a random
# token: both differ between any two responses, so only their place is compared.
# So does a referral cookie (it is signed with the time of the visit).
TOKEN = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]*"')
SIGNED = re.compile(rf"^(session|{attribution.COOKIE})=[^;]+;")
EXPIRES = re.compile(r"Expires=[^;]*;")
VARYING = {"X-Request-Id", "Content-Security-Policy", "Date", "Set-Cookie"}


def pair(tmp_path, **config):
    """An app with the fast path and one without, on the same settings and cart file."""
    config = {"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), **config}
    fast = create_app(config)
    slow = create_app({**config, "PAGE_FAST_PATH": "false"})
    return fast, slow


def handed_to_app(app) -> list[str]:
    """The paths the fast path hands to the app below it, recorded from now on."""
    layer = app.wsgi_app
    while not isinstance(layer, FastPages):  # under whatever wraps it (ProxyFix keeps .app)
        layer = getattr(layer, "wsgi_app", None) or layer.app
    inner, served = layer.wsgi_app, []

    def counting(environ, start_response):
        served.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    layer.wsgi_app = counting
    return served


def text(reply) -> str:
    """The reply's body as text, decompressed as its Content-Encoding says."""
    body = reply.get_data()
    coding = reply.headers.get("Content-Encoding")
    if coding == "gzip":
        body = gzip.decompress(body)
    elif coding == "br":
        body = brotli.decompress(body)
    else:
        assert coding is None, coding
    return body.decode()


def normal(reply) -> tuple[int, dict, list, str]:
    """Status, headers, cookies and body (decompressed), but for the values that differ
    on every response. Headers are compared as sent, Content-Length too: the nonce
    and the token have the same length in every response, and a shared page (the
    one with an ETag) in gzip carries them uncompressed (compression.stored). Only
    a body compressed whole (a page with a message) has a length that depends on
    their random bytes."""
    headers = {k: v for k, v in reply.headers.items() if k not in VARYING}
    if "Content-Encoding" in headers and "ETag" not in headers:
        headers["Content-Length"] = "?"
    # (Expires is written from the clock: the two replies may straddle a second.)
    cookies = [EXPIRES.sub("Expires=?;", SIGNED.sub(r"\1=?;", c))
               for c in reply.headers.getlist("Set-Cookie")]
    body = TOKEN.sub(r'\1?"', NONCE.sub("nonce", text(reply)))
    return reply.status_code, headers, cookies, body
