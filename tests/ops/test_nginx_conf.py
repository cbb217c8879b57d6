"""deploy/nginx.conf: nginx accepts it, and it hands gunicorn what the app expects.

The shipped file itself is used, with loopback addresses put in (as
`python -m bench.slowloris` does). In front of a stand-in for gunicorn, nginx
must read whole requests first, pass compression through untouched, and set
the X-Forwarded-* headers that the app reads with TRUSTED_PROXY_COUNT=1.

nginx is a system program (apt-get install nginx): without it these tests skip
on a laptop and fail under CI=true; so does the TLS check without openssl.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from bench.slowloris import TEMPLATE, nginx_binary, site_config, start_nginx, write_config
from tests.support.ports import free_port


def _required(program: str | None, name: str) -> str:
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed: apt-get install {name}")
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return program


@pytest.fixture
def nginx() -> str:
    return _required(nginx_binary(), "nginx")


def test_nginx_accepts_the_shipped_configuration_with_tls(nginx, tmp_path):
    openssl = _required(shutil.which("openssl"), "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    site = site_config(TEMPLATE.read_text(), upstream="127.0.0.1:8000",
                       http_port=free_port(), https_port=free_port(), certificate=(cert, key))
    config = write_config(tmp_path, site)

    done = subprocess.run([nginx, "-t", "-p", f"{tmp_path}/", "-e", "stderr", "-c", str(config)],
                          capture_output=True, text=True, timeout=30)

    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    assert "ssl_certificate" in site and "http2" in site  # the TLS server was checked too


# nginx in front of a stand-in for gunicorn ----------------------------------

PAGE = "<!doctype html><p>" + "A page the app rendered. " * 200
PAGE_GZIP = gzip.compress(PAGE.encode(), mtime=0)


@dataclass
class Seen:
    """A request as the upstream (gunicorn's place) received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int]


class App(BaseHTTPRequestHandler):
    """Answers like the storefront: a gzip page with Vary and an ETag, or plain HTML."""

    protocol_version = "HTTP/1.1"  # keeps connections open, as gunicorn does

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        # No Transfer-Encoding handling on purpose: nginx must send a length.
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))

    def _answer(self, body: bytes) -> None:
        self.server.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body,
                                     self.client_address))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path == "/page":
            reply = PAGE_GZIP
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding, Cookie")
            self.send_header("ETag", '"page-1-gzip"')
        else:
            reply = PAGE.encode()
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Front:
    host: str
    port: int
    seen: list[Seen]

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=10)


@pytest.fixture
def front(nginx, tmp_path) -> Iterator[Front]:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), App)
    upstream.daemon_threads = True
    upstream.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    site = site_config(TEMPLATE.read_text(), upstream=f"127.0.0.1:{upstream.server_port}",
                       http_port=free_port(), https_port=port)
    try:
        server = start_nginx(nginx, tmp_path, write_config(tmp_path, site))
        try:
            yield Front("127.0.0.1", port, upstream.seen)
        finally:
            server.stop()
    finally:
        upstream.shutdown()
        upstream.server_close()


def _get(front: Front, path: str, headers: dict[str, str]):
    """(response, body) of one GET on a new connection."""
    connection = front.connection()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_compression_passes_through_untouched(front):
    page, page_body = _get(front, "/page", {"Accept-Encoding": "gzip, br"})
    plain, plain_body = _get(front, "/plain", {"Accept-Encoding": "gzip, br"})

    assert [seen.headers["Accept-Encoding"] for seen in front.seen] == ["gzip, br"] * 2
    assert page.getheader("Content-Encoding") == "gzip"
    assert page_body == PAGE_GZIP  # not compressed again, not decompressed
    assert page.getheader("Vary") == "Accept-Encoding, Cookie"
    assert page.getheader("ETag") == '"page-1-gzip"'  # not weakened
    # What the app leaves plain (a body under its threshold, an image) stays plain.
    assert plain.getheader("Content-Encoding") is None
    assert plain_body == PAGE.encode()


def test_forwarded_headers_give_the_app_the_client_not_what_it_claims(front):
    _get(front, "/page", {
        "Host": "shop.example.com",
        "X-Forwarded-For": "203.0.113.9",  # a client's own claims
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Ssl": "on",
        "X-Request-Id": "mine",
    })

    [seen] = front.seen
    assert seen.headers["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert seen.headers["X-Forwarded-Proto"] == "http"  # this listener's scheme
    assert seen.headers["X-Forwarded-Host"] == "shop.example.com"
    assert "X-Forwarded-Ssl" not in seen.headers
    assert re.fullmatch(r"[0-9a-f]{32}", seen.headers["X-Request-Id"])
    # The app with TRUSTED_PROXY_COUNT=1 (storefront/__init__.py) reads them so:
    environ = {"REMOTE_ADDR": seen.peer[0], "wsgi.url_scheme": "http"}
    environ |= {"HTTP_" + name.upper().replace("-", "_"): value
                for name, value in seen.headers.items()}
    app_saw: dict = {}
    ProxyFix(lambda env, start: app_saw.update(env) or [], x_for=1, x_proto=1, x_host=1)(
        environ, None)
    assert app_saw["REMOTE_ADDR"] == "127.0.0.1"  # the client nginx saw, not 203.0.113.9
    assert app_saw["wsgi.url_scheme"] == "http"
    assert app_saw["HTTP_HOST"] == "shop.example.com"


def test_requests_reach_the_app_whole_over_kept_connections(front):
    # A streamed (chunked) body larger than what nginx reads at once: with request
    # buffering off, nginx would pass the chunks on as they come, to a busy thread.
    piece = b"x" * 16 * 1024
    connection = front.connection()
    for _ in range(2):
        connection.request("POST", "/webhooks/shopify", body=iter([piece] * 32),
                           headers={"Content-Type": "application/json"}, encode_chunked=True)
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    connection.close()

    first, second = front.seen
    assert first.body == second.body == piece * 32
    assert first.headers["Content-Length"] == str(len(piece) * 32)
    assert "Transfer-Encoding" not in first.headers
    assert "Connection" not in first.headers  # HTTP/1.1 keep-alive to gunicorn
    assert first.peer == second.peer  # the same upstream connection, reused


def test_bodies_over_the_apps_limit_stop_at_nginx(front):
    connection = front.connection()
    connection.putrequest("POST", "/webhooks/shopify")
    connection.putheader("Content-Length", str(2 * 1024 * 1024 + 1))  # MAX_CONTENT_LENGTH + 1
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()

    assert response.status == 413
    assert front.seen == []


def test_an_unencrypted_visit_is_sent_to_https(nginx, tmp_path):
    port = free_port()
    site = site_config(TEMPLATE.read_text(), upstream="127.0.0.1:9", http_port=port,
                       https_port=free_port())
    server = start_nginx(nginx, tmp_path, write_config(tmp_path, site))
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/@maya?utm_source=x", headers={"Host": "shop.example.com"})
        response = connection.getresponse()
        response.read()
        connection.close()
    finally:
        server.stop()

    assert response.status == 301
    assert response.getheader("Location") == "https://shop.example.com/@maya?utm_source=x"


def test_a_template_without_the_lines_to_replace_is_an_error_not_half_replaced():
    changed = TEMPLATE.read_text().replace("listen 80;", "listen 8080;")
    with pytest.raises(ValueError, match="expected one line matching 'listen 80;'"):
        site_config(changed, upstream="127.0.0.1:1", http_port=1, https_port=2)
