"""Page-cache hits served below Flask: the same bytes and headers, less work.

Most page views are hits of the page cache. This WSGI layer answers those
before Flask builds a request context, runs its hooks and opens a session.
It only takes the simple case and hands everything else to the app:

- a GET or HEAD of a catalog page (home, collections, products, search, pages,
  policies), with no `ref` parameter and no `If-Match` (the app's 412);
- a session, if any, that holds no flashed message, and a referral cookie that
  is absent or verifies for an active creator (anything else must be cleared
  by the app).

A page with a form gets its CSRF token as Flask-WTF would make it: the raw
token kept in the session (a new session cookie for a first visit), signed
with the same key and salt, so the app accepts it on the POST that follows.

The host (Werkzeug's `get_host`, as Flask reads and checks it), the key
(`pages.key_for`), the stored `pages.Page` and how its slots are filled
(`pages.fill`), the ETag (`pages.etag_for`) and its matching (Werkzeug's,
as the app's `make_conditional`), and the headers (`security.ALWAYS`,
`security.policy`) are the app's own; a test compares both paths response by
response.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import SecurityError
from werkzeug.http import is_resource_modified, parse_cookie
from werkzeug.wsgi import get_host

from storefront import attribution
from storefront.caching import store
from storefront.funnels import observe_page
from storefront.observability import REQUEST_ID
from storefront.shared_pages import shared_paths
from storefront.web.pages import (
    HTML_CACHE_CONTROL,
    HTML_VARY,
    Page,
    creator_part,
    etag_for,
    fill,
    key_for,
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
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _hit(self, environ: dict[str, Any]):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or "HTTP_IF_MATCH" in environ:
            return None
        path = environ.get("PATH_INFO", "")
        if not shared_paths(self.app).fullmatch(path):
            return None
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if any(key == "ref" for key, _ in query):
            return None
        cookies = parse_cookie(environ)
        session = self._session(cookies.get(self.app.config["SESSION_COOKIE_NAME"]))
        if session is None:
            return None
        creator = self._creator(cookies.get(attribution.COOKIE))
        if creator is False:
            return None
        # The host as Flask reads it (the same call): trusted, and without a
        # default port, so `Host: shop.example:80` finds the page the app kept
        # under `shop.example` (the raw header here made every such view a miss).
        try:
            host = get_host(environ, self.app.config.get("TRUSTED_HOSTS"))
        except SecurityError:
            return None  # an untrusted host: the app answers 400
        theme = self.app.extensions["themes"].get(creator.theme if creator else None)
        if theme is None:
            theme = self.app.extensions["themes"].default()
        with self.app.app_context():
            key = key_for(environ["wsgi.url_scheme"], host, path, query, creator_part(creator),
                          theme.theme.name, self.app.config["SHOPIFY_API_VERSION"])
            page = store.get(key)
        if not isinstance(page, Page):  # a miss, or an entry from before slots
            return None
        count_raw = cookies.get("cart_count", "")
        count = int(count_raw) if count_raw.isdigit() and len(count_raw) <= 5 else 0
        etag = etag_for(key, count, page)  # named by the shared page, as in the app
        values = {"csrf": "", "cart_count": str(count)}
        extra: list[tuple[str, str]] = []
        if page.has("csrf"):
            token = self._csrf_token(session, environ, extra)
            if token is None:
                return None
            values["csrf"] = token
        recorder = self.app.extensions.get("funnels")
        if recorder is not None and method == "GET":  # as the app: HEAD is no page view
            observe_page(recorder, creator.handle if creator else None, environ)
        return self._respond(environ, page, values, etag, extra)

    def _session(self, value: str | None) -> dict | None:
        """The visitor's session ({} for none), or None when the app must handle it.

        The app must when the session holds a message to show, or does not verify
        (the app replaces it).
        """
        if value is None:
            return {}
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        lifetime = int(self.app.permanent_session_lifetime.total_seconds())
        try:
            session = serializer.loads(value, max_age=lifetime)
        except Exception:
            return None
        if not isinstance(session, dict) or session.get("_flashes"):
            return None
        return session

    def _csrf_token(self, session: dict, environ, extra: list) -> str | None:
        """Flask-WTF's token for this session; a new session's cookie goes in `extra`."""
        config = self.app.config
        secret = config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        raw = session.get(field)
        if raw is None:
            raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
            https = environ.get("wsgi.url_scheme") == "https"
            extra.append(("Set-Cookie",
                          self.app.session_interface.cookie_header(self.app, session, https)))
        elif not isinstance(raw, str):
            return None  # the app replaces it
        return _csrf_signer(secret).dumps(raw)

    def _creator(self, value: str | None):
        """The credited active creator, None for none, False when the app must look."""
        if value is None:
            return None
        signer = self.app.extensions.get("referral_signer")
        if signer is None:
            return False
        referral = signer.loads(value)
        if referral is None:
            return False
        handle = referral.credited(self.app.config["ATTRIBUTION_MODEL"]).handle
        creator = self.app.extensions["creators"].get(handle)
        if creator is None or not creator.is_active:
            return False
        return creator

    def _respond(self, environ, page: Page, values: dict[str, str], etag: str, extra: list):
        from storefront.web.security import ALWAYS, HSTS, policy

        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        headers = [
            ("Cache-Control", HTML_CACHE_CONTROL),
            ("Vary", HTML_VARY),
            ("ETag", f'"{etag}"'),
            *ALWAYS,
            ("X-Request-Id", request_id),
            *extra,
        ]
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", HSTS))
        not_modified = not is_resource_modified(environ, f'"{etag}"')
        if REQUESTS_LOG.isEnabledFor(logging.DEBUG):
            REQUESTS_LOG.debug("request", extra={
                "request_id": request_id, "path": environ.get("PATH_INFO"),
                "method": environ["REQUEST_METHOD"],
                "status": 304 if not_modified else 200, "storefront_calls": 0,
                "storefront_ms": 0.0, "page_cache": "hit", "data_cache": {}, "fast_path": True,
            })
        if not_modified:
            return "304 NOT MODIFIED", headers, b""
        values["nonce"] = nonce = secrets.token_urlsafe(18)
        body = fill(page, values).encode()
        headers += [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Content-Security-Policy", policy(nonce, self.app.extensions["csp_shop"])),
        ]
        return "200 OK", headers, b"" if environ["REQUEST_METHOD"] == "HEAD" else body


@functools.lru_cache(maxsize=4)
def _csrf_signer(secret: str) -> URLSafeTimedSerializer:
    # Flask-WTF's serializer, built once per secret: building one costs as much as using it.
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
