"""Request ids, JSON log lines for Storefront requests, /healthz and /readyz."""

from __future__ import annotations

import json
import logging
import sys

import pytest
import requests

from storefront import create_app
from storefront.observability import RequestContext
from tests.support import STRONG_KEY, processes


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")})


def test_every_response_has_a_request_id_and_a_sane_one_is_kept(app):
    client = app.test_client()
    made = client.get("/healthz").headers["X-Request-Id"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"X-Request-Id": "lb-1234abcd"}).headers[
        "X-Request-Id"] == "lb-1234abcd"
    hostile = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-Id"] != "<script>alert(1)</script>"
    assert len(hostile.headers["X-Request-Id"]) == 32


def test_storefront_requests_are_logged_with_operation_duration_and_request_id(app, caplog):
    caplog.set_level(logging.INFO, logger="storefront")
    caplog.handler.addFilter(RequestContext())
    reply = app.test_client().get("/collections/apparel", headers={"X-Request-Id": "req-abcdef12"})
    assert reply.status_code == 200
    calls = [r for r in caplog.records if r.getMessage() == "storefront request"]
    assert {r.operation for r in calls} == {"CollectionPage", "Layout"}
    assert all(r.outcome == "ok" and r.duration_ms >= 0 for r in calls)
    assert all(r.request_id == "req-abcdef12" for r in calls)


def test_healthz_and_readyz(app):
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.get_json()
    assert body["ready"] is True and body["creators"] >= 7 and body["storefront"] == "ok"


def test_readyz_is_503_when_shopify_is_down_and_nothing_is_cached(tmp_path):
    from tests.support.ports import free_port

    app = create_app({"SHOPIFY_STORE_DOMAIN": f"http://127.0.0.1:{free_port()}",
                      "SHOPIFY_STOREFRONT_TOKEN": "t", "SECRET_KEY": STRONG_KEY,
                      "SHOPIFY_CONNECT_TIMEOUT": 0.5})
    reply = app.test_client().get("/readyz")
    assert reply.status_code == 503
    assert reply.get_json() == {"ready": False, "creators": 7, "creator_problems": 0,
                                "cache": "ok", "storefront": "unavailable"}


def test_logs_are_json_lines_under_gunicorn_and_never_carry_the_token(tmp_path):
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0",
        "--token", "very-secret-token-123", "--cart-db", str(tmp_path / "s.sqlite3"),
    ])
    server = processes.gunicorn("wsgi:app", env={
        "SHOPIFY_STORE_DOMAIN": shop.url, "SHOPIFY_STOREFRONT_PRIVATE_TOKEN":
        "very-secret-token-123", "SECRET_KEY": STRONG_KEY, "WEB_CONCURRENCY": "1",
    })
    try:
        assert requests.get(server.url + "/products/organic-cotton-tee", timeout=10).ok
        server.wait_for('"storefront request"', 2)
    finally:
        server.stop()
        shop.stop()
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    calls = [line for line in lines if line["message"] == "storefront request"]
    assert {c["operation"] for c in calls} >= {"ProductPage", "Layout"}
    assert all(c["level"] == "INFO" and c["request_id"] for c in calls)
    assert "very-secret-token-123" not in server.log()


def test_with_debug_each_request_is_summarised_with_cache_outcomes(tmp_path, caplog):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3"), "LOG_LEVEL": "DEBUG"})
    caplog.set_level(logging.DEBUG, logger="storefront")
    client = app.test_client()
    client.get("/collections/apparel")
    client.get("/collections/apparel?utm_source=x")
    summaries = [r for r in caplog.records if r.getMessage() == "request"]
    first, second = summaries[-2], summaries[-1]
    assert first.page_cache == "miss" and first.data_cache == {"miss": 2}
    assert first.storefront_calls == 2 and first.status == 200
    assert second.page_cache == "hit" and second.storefront_calls == 0
