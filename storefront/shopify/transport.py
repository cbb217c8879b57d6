"""HTTP transport to Shopify's Storefront API, as a gql transport.

gql's own RequestsHTTPTransport has no timeout by default, retries POSTs
(mutations included) when asked to retry, and loses the HTTP status and the
string form of `errors` on non-2xx replies. This transport keeps one pooled
`requests.Session` per process, never retries by itself, and turns every reply
into either data or one of the named errors in `errors.py`.

It never follows a redirect: requests would re-send the token headers to
wherever `Location` points, so a 3xx is an error and nothing more is sent.

A call may bring a `timeout`: what is left of the page view's time for
Shopify. Connecting and reading then each get the lesser of it and their own
timeout, and the two together no more than it.
"""

from __future__ import annotations

import logging
import os
import threading
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from gql.transport import Transport
from graphql import ExecutionResult
from requests.adapters import HTTPAdapter
from urllib3.util import Timeout

from storefront.shopify.errors import (
    ShopUnavailable,
    Unavailable,
    error_for_graphql,
    error_for_status,
)

log = logging.getLogger(__name__)

PUBLIC_TOKEN_HEADER = "X-Shopify-Storefront-Access-Token"
PRIVATE_TOKEN_HEADER = "Shopify-Storefront-Private-Token"
BUYER_IP_HEADER = "Shopify-Storefront-Buyer-IP"
DEPRECATION_HEADER = "X-Shopify-API-Deprecated-Reason"


def endpoint_url(domain: str, version: str) -> str:
    """`shop.myshopify.com` -> its HTTPS endpoint; a domain with a scheme keeps it."""
    base = domain.rstrip("/") if "://" in domain else f"https://{domain.strip('/')}"
    return f"{base}/api/{version}/graphql.json"


def _origin(url: str) -> str:
    """`scheme://host[:port]` of a URL: never its path or query, which may hold secrets."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else "?"


class HTTPTransport(Transport):
    """POSTs GraphQL requests to one Storefront API endpoint."""

    def __init__(
        self,
        url: str,
        *,
        public_token: str | None = None,
        private_token: str | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 8.0,
        pool_size: int = 16,
    ) -> None:
        self.url = url
        self.timeout = (connect_timeout, read_timeout)
        self.pool_size = pool_size
        self.private = bool(private_token)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if private_token:
            self._headers[PRIVATE_TOKEN_HEADER] = private_token
        elif public_token:
            self._headers[PUBLIC_TOKEN_HEADER] = public_token
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        self._session_pid: int | None = None

    def _get_session(self) -> requests.Session:
        # A session made before gunicorn forks would share sockets between
        # workers, so each process makes its own on first use.
        pid = os.getpid()
        if self._session is None or self._session_pid != pid:
            with self._lock:
                if self._session is None or self._session_pid != pid:
                    session = requests.Session()
                    # Shopify may set cookies; one shopper's must never travel
                    # with another shopper's request.
                    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
                    # pool_block: threads beyond pool_size wait for a connection
                    # instead of opening throwaway ones, so the count is bounded.
                    adapter = HTTPAdapter(
                        pool_connections=1,
                        pool_maxsize=self.pool_size,
                        pool_block=True,
                        max_retries=0,
                    )
                    session.mount("http://", adapter)
                    session.mount("https://", adapter)
                    self._session, self._session_pid = session, pid
        return self._session

    def connect(self) -> None:
        """Nothing to do: the pooled session lives as long as the process."""

    def close(self) -> None:
        """Kept open on purpose: gql closes the transport after every request."""

    def execute(self, request, *args: Any, buyer_ip: str | None = None,
                timeout: float | None = None, **kwargs: Any):
        """POST `request`; `timeout` (seconds) bounds connecting and reading together."""
        operation = request.operation_name
        headers = dict(self._headers)
        if self.private and buyer_ip:
            headers[BUYER_IP_HEADER] = buyer_ip
        try:
            reply = self._get_session().post(
                self.url,
                json=request.payload,
                headers=headers,
                timeout=self._timeouts(timeout),
                allow_redirects=False,  # the tokens must never travel to another origin
            )
        except requests.Timeout as exc:
            reason = f"timed out ({type(exc).__name__})"
            if timeout is not None and timeout < self.timeout[1]:
                reason += f" after the {timeout:.2f} s left of the time for Shopify"
            raise Unavailable(reason, operation=operation) from exc
        except requests.RequestException as exc:
            reason = f"connection failed ({type(exc).__name__})"
            raise Unavailable(reason, operation=operation) from exc
        return self._result(reply, operation)

    def _timeouts(self, limit: float | None) -> tuple[float, float] | Timeout:
        if limit is None:
            return self.timeout
        connect, read = self.timeout
        return Timeout(connect=min(connect, limit), read=min(read, limit), total=limit)

    def _result(self, reply: requests.Response, operation: str | None) -> ExecutionResult:
        context = {"request_id": reply.headers.get("X-Request-Id"), "operation": operation}
        if 300 <= reply.status_code < 400:
            raise self._redirected(reply, context)
        deprecated = reply.headers.get(DEPRECATION_HEADER)
        if deprecated:
            log.warning(
                "Storefront API deprecation",
                extra={"operation": operation, "reason": deprecated, **context},
            )
        try:
            body = reply.json()
        except ValueError:
            body = None
        if reply.status_code != 200:
            raise error_for_status(reply.status_code, body, **context)
        if not isinstance(body, dict):
            raise Unavailable("reply is not a JSON object", status=200, **context)
        if body.get("errors"):
            raise error_for_graphql(body["errors"], body.get("data"), status=200, **context)
        if not isinstance(body.get("data"), dict):
            raise Unavailable("reply has no data", status=200, **context)
        return ExecutionResult(data=body["data"], extensions=body.get("extensions"))

    def _redirected(self, reply: requests.Response, context: dict[str, Any]) -> ShopUnavailable:
        """The error for a 3xx, logged with the status and the target's origin only.

        The shop is not answering at the configured address (a changed domain,
        a proxy, or someone luring the tokens away): like a 404 for "no such
        shop here", it is ShopUnavailable, so it is not retried (the answer
        would be the same) and cached data is still served while it lasts.
        """
        location = reply.headers.get("Location")
        target = _origin(urljoin(self.url, location)) if location else "nowhere (no Location)"
        log.error(
            "Storefront API answered %s, redirecting to %s: not followed",
            reply.status_code, target,
            extra={"status": reply.status_code, "location_origin": target, **context},
        )
        reason = f"redirected to {target} (not followed: tokens stay with the shop)"
        return ShopUnavailable(reason, status=reply.status_code, **context)
