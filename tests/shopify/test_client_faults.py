"""The Storefront client against a real HTTP server that misbehaves on command."""

from __future__ import annotations

import logging
import socket
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from storefront.shopify import errors
from storefront.shopify.client import StorefrontClient
from storefront.shopify.transport import HTTPTransport
from tests.support import processes


@pytest.fixture(scope="module")
def upstream():
    server = processes.start([sys.executable, "-m", "tests.support.fault_server"])
    yield server
    server.stop()


def make_client(url: str, **transport_options) -> StorefrontClient:
    transport = HTTPTransport(
        f"{url}/api/2026-04/graphql.json",
        public_token=transport_options.pop("public_token", "public-token"),
        connect_timeout=1.0,
        read_timeout=transport_options.pop("read_timeout", 0.5),
        **transport_options,
    )
    return StorefrontClient(transport, retry_delay=(0, 0.01), buyer_ip=lambda: "203.0.113.7")


def fault(upstream, mode: str, times: int = 1) -> None:
    requests.post(f"{upstream.url}/_fault", json={"mode": mode, "times": times}, timeout=5)


def received(upstream) -> dict:
    return requests.get(f"{upstream.url}/_requests", timeout=5).json()


CASES = [
    # mode, error class, HTTP status kept on the error
    ("503", errors.Unavailable, 503),
    ("500", errors.Unavailable, 500),
    ("html502", errors.Unavailable, 502),
    ("truncated", errors.Unavailable, 200),
    ("402", errors.ShopUnavailable, 402),
    ("403", errors.ShopUnavailable, 403),
    ("423", errors.ShopUnavailable, 423),
    ("401", errors.Unauthorized, 401),
    ("access_denied", errors.Unauthorized, 200),
    ("430", errors.SecurityRejection, 430),
    ("400", errors.Rejected, 400),
    ("complexity", errors.Rejected, 200),
    ("throttled", errors.Throttled, 200),
    ("429", errors.Throttled, 429),
]


@pytest.mark.parametrize(("mode", "error_class", "status"), CASES)
def test_each_fault_is_classified_with_status_request_id_and_operation(
    upstream, mode, error_class, status
):
    client = make_client(upstream.url)
    fault(upstream, mode, times=2)
    with pytest.raises(error_class) as caught:
        client.execute("Collections", {"first": 1})
    error = caught.value
    assert error.status == status
    assert error.operation == "Collections"
    assert error.request_id and error.request_id.startswith("req-")


def test_string_errors_keep_their_whole_message(upstream):
    client = make_client(upstream.url)
    fault(upstream, "402")
    with pytest.raises(errors.ShopUnavailable) as caught:
        client.execute("Cart", {"id": "gid://shopify/Cart/x?key=y"})
    assert caught.value.message == "Unavailable Shop"


@pytest.mark.parametrize(
    ("mode", "expected_sends"),
    [("503", 2), ("throttled", 2), ("429", 2), ("timeout", 2), ("reset", 2),
     ("401", 1), ("402", 1), ("complexity", 1), ("430", 1)],
)
def test_queries_retry_once_and_only_when_unavailable_or_throttled(upstream, mode, expected_sends):
    client = make_client(upstream.url)
    fault(upstream, mode, times=5)
    with pytest.raises(errors.StorefrontError):
        client.execute("Collections", {"first": 1})
    assert received(upstream)["counts"] == {"Collections": expected_sends}


def test_a_query_that_fails_once_succeeds_on_the_retry(upstream):
    client = make_client(upstream.url)
    fault(upstream, "503", times=1)
    data = client.execute("Collections", {"first": 1})
    assert data["collections"]["nodes"] == []
    assert received(upstream)["counts"] == {"Collections": 2}


@pytest.mark.parametrize("mode", ["503", "timeout", "reset", "throttled", "html502"])
def test_a_mutation_is_sent_exactly_once(upstream, mode):
    client = make_client(upstream.url)
    fault(upstream, mode, times=5)
    with pytest.raises(errors.StorefrontError):
        client.execute("CartLinesAdd", {"cartId": "gid://shopify/Cart/a?key=b", "lines": []})
    assert received(upstream)["counts"] == {"CartLinesAdd": 1}


def test_timeout_is_unavailable(upstream):
    client = make_client(upstream.url, read_timeout=0.3)
    fault(upstream, "timeout", times=2)
    with pytest.raises(errors.Unavailable) as caught:
        client.execute("Collections", {"first": 1})
    assert "timed out" in caught.value.message


def test_connection_refused_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    client = make_client(f"http://127.0.0.1:{port}")
    with pytest.raises(errors.Unavailable) as caught:
        client.execute("Collections", {"first": 1})
    assert "connection failed" in caught.value.message


def test_public_token_header_and_no_cookie_carried_between_requests(upstream):
    client = make_client(upstream.url)
    fault(upstream, "ok", times=0)
    client.execute("Collections", {"first": 1})  # the reply sets a cookie
    client.execute("Collections", {"first": 1})
    headers = {k.lower(): v for k, v in received(upstream)["last_headers"].items()}
    assert headers["x-shopify-storefront-access-token"] == "public-token"
    assert "cookie" not in headers
    assert "shopify-storefront-buyer-ip" not in headers


def test_private_token_sends_the_buyer_ip(upstream):
    client = make_client(upstream.url, public_token=None, private_token="private-token")
    fault(upstream, "ok", times=0)
    client.execute("Collections", {"first": 1})
    headers = {k.lower(): v for k, v in received(upstream)["last_headers"].items()}
    assert headers["shopify-storefront-private-token"] == "private-token"
    assert headers["shopify-storefront-buyer-ip"] == "203.0.113.7"
    assert "x-shopify-storefront-access-token" not in headers


def test_connections_are_reused(upstream):
    client = make_client(upstream.url)
    fault(upstream, "ok", times=0)
    for _ in range(3):
        client.execute("Collections", {"first": 1})
    seen = received(upstream)
    assert seen["counts"] == {"Collections": 3}
    assert seen["connections"] == 1


def test_deprecation_header_is_logged(upstream, caplog):
    client = make_client(upstream.url)
    fault(upstream, "deprecated")
    with caplog.at_level(logging.WARNING):
        client.execute("Collections", {"first": 1})
    record = next(r for r in caplog.records if "deprecation" in r.getMessage())
    assert record.reason == "https://shopify.dev/changelog"
    assert record.operation == "Collections"


def test_one_client_serves_many_threads_at_once(upstream):
    # A generous read timeout: on a loaded machine a slow reply must not turn
    # into a retry, which would change the counts below.
    client = make_client(upstream.url, pool_size=4, read_timeout=10)
    fault(upstream, "ok", times=0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: client.execute("Collections", {"first": 1}), range(40)))
    assert all(r["collections"]["nodes"] == [] for r in results)
    seen = received(upstream)
    assert seen["counts"] == {"Collections": 40}
    # Connections come from a bounded pool and are reused, not one per request.
    assert seen["connections"] <= 4
