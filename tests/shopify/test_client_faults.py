"""The Storefront client against a real HTTP server that misbehaves on command."""

from __future__ import annotations

import logging
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


def fault(upstream, mode: str, times: int = 1, **options) -> None:
    requests.post(f"{upstream.url}/_fault", json={"mode": mode, "times": times, **options},
                  timeout=5)


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


# Redirects ---------------------------------------------------------------------


class _Recording(BaseHTTPRequestHandler):
    """Notes every connection and every request, whatever its method, and answers 200."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def __getattr__(self, name: str):
        if not name.startswith("do_"):
            raise AttributeError(name)
        return self._record

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.server.seen.append((self.command, self.path, dict(self.headers.items())))
        body = b'{"data": {"collections": {"nodes": []}}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def elsewhere():
    """Another origin on loopback, recording whatever reaches it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    server.daemon_threads = True
    server.seen, server.connections = [], 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_recorder_hears_what_a_followed_redirect_would_leak(upstream, elsewhere):
    # What the transport did before: plain requests re-sends custom headers to
    # the new origin (it strips only Authorization).
    fault(upstream, "307", location=f"{elsewhere.url}/steal")
    requests.post(f"{upstream.url}/api/2026-04/graphql.json", json={"operationName": "X"},
                  headers={"Shopify-Storefront-Private-Token": "private-token"}, timeout=5)
    assert [(method, path) for method, path, _ in elsewhere.seen] == [("POST", "/steal")]
    assert elsewhere.seen[0][2]["Shopify-Storefront-Private-Token"] == "private-token"


@pytest.mark.parametrize(("status", "tokens"), [
    ("307", {"public_token": None, "private_token": "private-token"}),
    ("308", {"public_token": None, "private_token": "private-token"}),
    ("301", {"public_token": None, "private_token": "private-token"}),
    ("302", {"public_token": None, "private_token": "private-token"}),
    ("303", {"public_token": None, "private_token": "private-token"}),
    ("307", {"public_token": "public-token"}),
])
def test_a_redirect_is_refused_and_the_tokens_stay_with_the_shop(
    upstream, elsewhere, caplog, status, tokens
):
    client = make_client(upstream.url, **tokens)
    fault(upstream, status, times=5,
          location=f"{elsewhere.url}/api/2026-04/graphql.json?secret=in-the-path")
    with caplog.at_level(logging.WARNING), pytest.raises(errors.ShopUnavailable) as caught:
        client.execute("Collections", {"first": 1})
    assert elsewhere.seen == [] and elsewhere.connections == 0  # not even a connection
    assert received(upstream)["counts"] == {"Collections": 1}  # no retry: same answer
    error = caught.value
    assert error.status == int(status) and error.operation == "Collections"
    reason = f"redirected to {elsewhere.url} (not followed: tokens stay with the shop)"
    assert error.message == reason
    line = next(r for r in caplog.records if "not followed" in r.getMessage())
    assert line.levelno == logging.ERROR
    assert status in line.getMessage() and elsewhere.url in line.getMessage()
    assert line.status == int(status) and line.location_origin == elsewhere.url
    for record in caplog.records:
        logged = record.getMessage() + repr(vars(record))
        assert "private-token" not in logged and "public-token" not in logged
        assert "in-the-path" not in logged  # the origin only, never the path or query


def test_a_redirect_without_location_is_refused_too(upstream):
    client = make_client(upstream.url)
    fault(upstream, "302")  # no location given: an empty Location header
    with pytest.raises(errors.ShopUnavailable) as caught:
        client.execute("Collections", {"first": 1})
    assert "nowhere" in caught.value.message and caught.value.status == 302
