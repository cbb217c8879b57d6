"""A Shopify-shaped HTTP server that misbehaves on command, for client tests.

Run as `python -m tests.support.fault_server [--port P] [--upstream URL]`; it
prints its URL. With `--upstream` (the demo shop over HTTP) it is a proxy that
answers normally by forwarding to it, so pages get real data. `POST /_fault`
with `{"mode": ..., "times": n[, "operation": name][, "location": url]}` makes the
next n API requests (of that operation only, if named) fail that way (then it
answers normally again; a redirect mode, "301" to "308", points at `location`);
`GET /_requests` returns how many API requests arrived per operation, the
headers of the last one, and how many client connections carried them.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = {"data": {"cart": None, "collections": {"nodes": [], "pageInfo": {
    "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}}}}

# mode -> (status, content type, body)
REPLIES = {
    "503": (503, "application/json", json.dumps({"errors": "Service Unavailable"})),
    "500": (500, "application/json", json.dumps({"errors": [{"message": "Internal error"}]})),
    "html502": (502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "402": (402, "application/json", json.dumps({"errors": "Unavailable Shop"})),
    "403": (403, "application/json", json.dumps({"errors": "Unavailable Shop"})),
    "423": (423, "application/json", json.dumps({"errors": "Unavailable Shop"})),
    "401": (401, "application/json", json.dumps({"errors": "[API] Invalid API key"})),
    "429": (429, "application/json", json.dumps({"errors": "Too many requests"})),
    "430": (430, "application/json", json.dumps({"errors": "Security Rejection"})),
    "400": (400, "application/json", json.dumps(
        {"errors": {"query": "Required parameter missing or invalid"}})),
    "throttled": (200, "application/json", json.dumps({"errors": [
        {"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})),
    "complexity": (200, "application/json", json.dumps({"errors": [
        {"message": "Query too costly", "extensions": {"code": "MAX_COMPLEXITY_EXCEEDED"}}]})),
    "access_denied": (200, "application/json", json.dumps({"data": None, "errors": [
        {"message": "Access denied", "extensions": {"code": "ACCESS_DENIED"}}]})),
    "truncated": (200, "application/json", '{"data": {"collections": {"nodes": ['),
    "deprecated": (200, "application/json", json.dumps(OK)),
}
# Redirects, each to the `location` given with the fault.
REPLIES.update({str(code): (code, "application/json", "") for code in (301, 302, 303, 307, 308)})


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mode = "ok"
        self.times = 0
        self.only: str | None = None  # fail only this operation, when set
        self.location = ""  # where redirect modes send the client
        self.counts: dict[str, int] = {}
        self.last_headers: dict[str, str] = {}
        self.peers: set[int] = set()  # client ports seen: one per kept-alive connection
        self.in_flight = 0
        self.idle = threading.Condition(self.lock)

    def next_mode(self, operation: str) -> str:
        with self.lock:
            if self.only and operation != self.only:
                return "ok"
            if self.times > 0:
                self.times -= 1
                return self.mode
            return "ok"


STATE = State()
UPSTREAM: list[str] = []  # the real shop behind the proxy, when there is one
FORWARDED = ("Content-Type", "X-Shopify-Storefront-Access-Token",
             "Shopify-Storefront-Private-Token", "Shopify-Storefront-Buyer-IP")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, content_type: str, body: str, headers=()) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", f"req-{time.monotonic_ns()}")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/_idle":
            # Blocks until every API request received so far has been answered
            # (a test's way to wait for a deliberately slow reply to land).
            with STATE.idle:
                done = STATE.idle.wait_for(lambda: STATE.in_flight == 0, timeout=30)
            self._send(200 if done else 504, "application/json", "{}")
            return
        if self.path == "/_requests":
            with STATE.lock:
                body = {
                    "counts": STATE.counts,
                    "last_headers": STATE.last_headers,
                    "connections": len(STATE.peers),
                }
            self._send(200, "application/json", json.dumps(body))
        else:
            self._send(404, "application/json", "{}")

    def do_POST(self) -> None:
        api = not self.path.startswith("/_")
        if api:
            with STATE.lock:
                STATE.in_flight += 1
        try:
            self._post()
        finally:
            if api:
                with STATE.idle:
                    STATE.in_flight -= 1
                    STATE.idle.notify_all()

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/_fault":
            with STATE.lock:
                STATE.mode, STATE.times = body["mode"], body.get("times", 1)
                STATE.only = body.get("operation")
                STATE.location = body.get("location", "")
                STATE.counts = {}
                STATE.peers = set()
            self._send(200, "application/json", "{}")
            return
        with STATE.lock:
            name = body.get("operationName") or "?"
            STATE.counts[name] = STATE.counts.get(name, 0) + 1
            STATE.last_headers = dict(self.headers.items())
            STATE.peers.add(self.client_address[1])
        mode = STATE.next_mode(body.get("operationName") or "?")
        if mode == "timeout":
            time.sleep(3)  # longer than the client's read timeout in the tests
            mode = "ok"
        if mode == "reset":
            # An abortive close (RST) instead of a reply.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.connection.close()
            self.close_connection = True
            return
        if mode == "ok" and UPSTREAM:
            self._forward(json.dumps(body).encode())
            return
        if mode == "ok":
            self._send(200, "application/json", json.dumps(OK), [("Set-Cookie", "shop=1")])
            return
        status, content_type, text = REPLIES[mode]
        extra = [("X-Shopify-API-Deprecated-Reason", "https://shopify.dev/changelog")] \
            if mode == "deprecated" else []
        if 300 <= status < 400:
            extra = [("Location", STATE.location)]
        self._send(status, content_type, text, extra)


    def _forward(self, data: bytes) -> None:
        import urllib.error
        import urllib.request

        headers = {k: v for k, v in self.headers.items() if k in FORWARDED}
        request = urllib.request.Request(UPSTREAM[0] + self.path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                status, text = reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        self._send(status, "application/json", text)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--upstream")
    args = parser.parse_args()
    if args.upstream:
        UPSTREAM.append(args.upstream.rstrip("/"))
    ThreadingHTTPServer.allow_reuse_address = True  # restarted on the same port in tests
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address
    print(f"Listening at: http://{host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
