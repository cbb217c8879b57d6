"""Two apps, one with the page fast path and one without, and how to compare their replies."""

from __future__ import annotations

import re

from storefront import attribution, create_app
from storefront.web.fastpath import FastPages

NONCE = re.compile(r"nonce-[A-Za-z0-9_-]+|nonce=\"[A-Za-z0-9_-]+\"")
# CSRF tokens are signed with a timestamp and session cookies hold a random
# token: both differ between any two responses, so only their place is compared.
# So does a referral cookie (it is signed with the time of the visit).
TOKEN = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]+"')
SIGNED = re.compile(rf"^(session|{attribution.COOKIE})=[^;]+;")
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


def normal(reply) -> tuple[int, dict, list, str]:
    """Status, headers, cookies and body, but for the values that differ on every response."""
    headers = {k: v for k, v in reply.headers.items() if k not in VARYING}
    cookies = [SIGNED.sub(r"\1=?;", c) for c in reply.headers.getlist("Set-Cookie")]
    body = TOKEN.sub(r'\1?"', NONCE.sub("nonce", reply.get_data(as_text=True)))
    return reply.status_code, headers, cookies, body
