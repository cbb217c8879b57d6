"""Replies chosen by Accept say `Vary: Accept`; JSON errors and probes are never stored."""

from __future__ import annotations

import pytest

from storefront.shopify.errors import Unavailable
from tests.web.conftest import csrf_token

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
TEE = "1003"  # organic-cotton-tee S / Oat


def vary(reply) -> set[str]:
    return {name.strip().lower() for name in reply.headers.get("Vary", "").split(",")}


@pytest.fixture
def shopify_down(app, monkeypatch):
    def down(*args, **kwargs):
        raise Unavailable("down")

    monkeypatch.setattr(app.extensions["storefront"].transport, "execute", down)


def test_a_json_404_is_never_stored_and_varies_by_accept(client):
    reply = client.get("/no-such-page", headers=JSON)
    assert reply.status_code == 404 and reply.get_json() == {"ok": False, "errors": ["error"]}
    assert reply.headers["Cache-Control"] == "no-store"
    assert {"accept", "cookie"} <= vary(reply)


def test_an_html_404_varies_by_accept(client):
    reply = client.get("/no-such-page", headers=HTML)
    assert reply.status_code == 404 and reply.mimetype == "text/html"
    assert "accept" in vary(reply)
    assert reply.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(("headers", "mimetype"), [(JSON, "application/json"),
                                                    (HTML, "text/html")])
def test_a_csrf_failure_is_never_stored_and_varies_by_accept(client, headers, mimetype):
    # A form from another site, without a token.
    reply = client.post("/cart/add", data={"variant_id": TEE, "quantity": "1"},
                        headers={**headers, "Sec-Fetch-Site": "cross-site"})
    assert reply.status_code == 400 and reply.mimetype == mimetype
    assert reply.headers["Cache-Control"] == "no-store"
    assert "accept" in vary(reply)


@pytest.mark.parametrize("url", ["/collections/apparel", "/search/suggest?q=tee"])
def test_a_json_503_while_shopify_is_down_is_never_stored(client, shopify_down, url):
    reply = client.get(url, headers=JSON)
    assert reply.status_code == 503 and reply.get_json()["ok"] is False
    assert reply.headers["Cache-Control"] == "no-store" and reply.headers["Retry-After"]
    assert "accept" in vary(reply)


def test_an_html_503_varies_by_accept(client, shopify_down):
    reply = client.get("/collections/apparel", headers=HTML)
    assert reply.status_code == 503 and reply.mimetype == "text/html"
    assert "accept" in vary(reply)


def test_a_cart_reply_varies_by_accept_whichever_it_is(client):
    form = {"variant_id": TEE, "quantity": "1", "return_to": "/cart"}
    as_json = client.post("/cart/add", data={**form, "csrf_token": csrf_token(client)},
                          headers=JSON)
    as_form = client.post("/cart/add", data={**form, "csrf_token": csrf_token(client)},
                          headers=HTML)
    assert as_json.status_code == 200 and as_json.get_json()["ok"] is True
    assert as_form.status_code == 303
    for reply in (as_json, as_form, client.get("/cart", headers=HTML)):
        assert reply.headers["Cache-Control"] == "no-store"
        assert "accept" in vary(reply)


def test_a_cart_503_as_json_is_never_stored(client, shopify_down):
    reply = client.get("/cart/1003:1", headers=JSON)
    assert reply.status_code == 503 and reply.get_json()["ok"] is False
    assert reply.headers["Cache-Control"] == "no-store" and "accept" in vary(reply)


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_are_never_stored(client, url):
    reply = client.get(url)
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"


def test_the_readyz_503_is_never_stored(client, shopify_down):
    reply = client.get("/readyz")
    assert reply.status_code == 503 and reply.get_json()["ready"] is False
    assert reply.headers["Cache-Control"] == "no-store"
