"""Page-cache hits served below Flask: the same bytes and headers, less work.

Most page views are hits of the page cache. This WSGI layer answers those
before Flask builds a request context, runs its hooks and opens a session.
It is glue: every decision is made by the code the app's hooks call.

- Which paths: the routes declared `@shared_page` (`shared_paths`); GET or
  HEAD, without `If-Match` (the app's 412).
- The visit: `web.referral.decide` (storefront.visit.referral), the session
  (`SessionOverHttps.load`, `visit.session.shareable`; on a page without a
  form only `visit.session.may_hold_message`), the CSRF token
  (`visit.session.csrf_token`) and the cart count (`visit.cart_count`). When
  the decision needs more than a page (a redirect, a referral cookie to set or
  clear, a message to show, a session to replace), the app answers.
- The host (Werkzeug's `get_host`, as Flask reads and checks it), the key
  (`pages.key_for`), the stored `pages.Page` and its slots (`pages.filled_bytes`), its
  coding and gzip body (`pages.coding_for`, `pages.gzipped`), the ETag
  (`pages.etag_for`) and its matching (`visit.headers.not_modified`, as the
  app's `web.http_caching`), and the headers and request id
  (`storefront.visit.headers`).

tests/web/test_two_paths.py compares both paths response by response.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from storefront import attribution
from storefront.caching import store
from storefront.funnels import observe_page
from storefront.shared_pages import shared_paths
from storefront.visit import cart_count, headers, parsed
from storefront.visit import session as sessions
from storefront.web import referral
from storefront.web.cart_cookie import COUNT_COOKIE
from storefront.web.pages import (
    Page,
    coding_for,
    creator_part,
    csrf_for,
    etag_for,
    filled_bytes,
    gzipped,
    hint_for,
    key_for,
    varies,
)

REQUESTS_LOG = logging.getLogger("storefront.requests")


class FastPages:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response):
        try:
            answer = self._hit(environ)
        except Exception:  # never worse than the app: let it answer instead
            self.app.logger.exception("page fast path failed; the app answers")
            answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, response_headers, body = answer
        start_response(status, response_headers)
        return [body]

    def _hit(self, environ: dict[str, Any]):
        app, method = self.app, environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD") or "HTTP_IF_MATCH" in environ:
            return None
        path = environ.get("PATH_INFO", "")
        if not shared_paths(app).fullmatch(path):
            return None
        query = parsed.query(environ.get("QUERY_STRING", ""))
        cookies = parsed.cookies(environ.get("HTTP_COOKIE"))
        decision = referral.decide(app, path, method, query, cookies.get(attribution.COOKIE))
        if decision.redirect_to is not None or decision.cookie != "keep":
            return None
        try:
            host = get_host(environ, app.config.get("TRUSTED_HOSTS"))
        except SecurityError:
            return None  # an untrusted host: the app answers 400
        themes = app.extensions["themes"]
        theme = themes.get(decision.theme) or themes.default()
        # The whole path, as the app keys it: a market's prefix is in SCRIPT_NAME.
        whole = environ.get("SCRIPT_NAME", "").rstrip("/") + path
        key = key_for(environ["wsgi.url_scheme"], host, whole, query,
                      creator_part(decision.creator), theme.theme.name,
                      app.config["SHOPIFY_API_VERSION"], app)
        page = store.get(key, app)
        if not isinstance(page, Page):  # a miss, or an entry from before slots
            return None
        raw_session = cookies.get(app.config["SESSION_COOKIE_NAME"])
        if page.has("csrf"):  # the token comes from the session: it must verify
            session = app.session_interface.load(app, raw_session)
            if session is None or not sessions.shareable(session):
                return None
        elif sessions.may_hold_message(raw_session):
            return None
        count = cart_count(cookies.get(COUNT_COOKIE))
        values = {"csrf": "", "cart_count": str(count),
                  "market_hint": hint_for(page, environ, app.config, cookies)}
        https = environ.get("wsgi.url_scheme") == "https"
        extra: list[tuple[str, str]] = []
        if page.has("csrf"):
            values["csrf"], made = csrf_for(app, session)
            if made:  # as Flask saves a changed session
                cookie = app.session_interface.cookie_header(app, session, https)
                extra.append(("Set-Cookie", cookie))
        recorder = app.extensions.get("funnels")
        if recorder is not None and method == "GET":  # as the app: HEAD is no page view
            observe_page(recorder, decision.creator.handle if decision.creator else None, environ)
        etag = etag_for(key, count, page, values["market_hint"])
        return self._respond(environ, page, values, etag, https, extra)

    def _respond(self, environ, page: Page, values: dict[str, str], etag: str, https: bool,
                 extra: list):
        request_id = headers.request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        coding = coding_for(page, environ.get("HTTP_ACCEPT_ENCODING"))
        not_modified = headers.not_modified(environ.get("HTTP_IF_NONE_MATCH"), etag)
        nonce = None if not_modified else secrets.token_urlsafe(18)
        response_headers = [
            *headers.page(etag, coding, varies(page, self.app.config)),
            *headers.security(https=https, request_id=request_id, nonce=nonce,
                              shop=self.app.extensions["csp_shop"]),
            *extra,
        ]
        if REQUESTS_LOG.isEnabledFor(logging.DEBUG):
            REQUESTS_LOG.debug("request", extra={
                "request_id": request_id, "path": environ.get("PATH_INFO"),
                "method": environ["REQUEST_METHOD"],
                "status": 304 if not_modified else 200, "storefront_calls": 0,
                "storefront_ms": 0.0, "page_cache": "hit", "data_cache": {}, "fast_path": True,
            })
        if nonce is None:
            return "304 NOT MODIFIED", response_headers, b""
        values["nonce"] = nonce
        if coding is not None:
            body = gzipped(page, values)
            response_headers.append(("Content-Encoding", coding))
        else:
            body = filled_bytes(page, values)
        response_headers += [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        return "200 OK", response_headers, b"" if environ["REQUEST_METHOD"] == "HEAD" else body
