"""The shopper-facing web layer: blueprints, template context, error pages, CSRF."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.http import dump_cookie

from storefront import caching
from storefront.machines import for_machines
from storefront.visit import session as sessions
from storefront.web.csrf_check import TokenOrOrigin

csrf = TokenOrOrigin()


class SessionOverHttps(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over HTTPS.

    (SESSION_COOKIE_SECURE is one value for the app; a store reached over HTTPS
    behind a proxy, and over HTTP in development, needs it per request.)
    """

    def __init__(self) -> None:
        self._serializers: dict = {}
        self._verified: dict = {}  # per key set: the cookies that checked out (visit.session)

    def get_signing_serializer(self, app: Flask):
        # Built once per key set rather than twice per request (opening and
        # saving the session): building one costs as much as using it.
        if not app.secret_key:
            return None  # (as Flask: no session without a key)
        keys = _key_set(app)
        if keys not in self._serializers:
            # Flask's own serializer (current key last, as itsdangerous wants), lean.
            self._serializers[keys] = sessions.LeanSerializer(
                [*keys[1], keys[0]], salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
            self._verified[keys] = {}
        return self._serializers[keys]

    def load(self, app: Flask, raw: str | None) -> dict | None:
        """The session in cookie value `raw` ({} for none, None when it does not
        verify), read as the app reads it (storefront.visit.session.load)."""
        if not raw:
            return {}  # most page views: no work for a visitor without a session
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        serializer = self.get_signing_serializer(app)
        return sessions.load(serializer, raw, lifetime, self._verified[_key_set(app)])

    def open_session(self, app: Flask, request):
        data = self.load(app, request.cookies.get(self.get_cookie_name(app)))
        return self.session_class(data or {})  # one that does not verify: a new session

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )

    def cookie_header(self, app: Flask, data: dict, https: bool) -> str:
        """The Set-Cookie value `save_session` would send for a new session holding `data`.

        For the page fast path (web.fastpath), which has no request context.
        """
        return dump_cookie(
            self.get_cookie_name(app),
            self.get_signing_serializer(app).dumps(data),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=bool(app.config["SESSION_COOKIE_SECURE"]) or https,
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )


def _key_set(app: Flask) -> tuple:
    """The session keys in use: the secret, then the fallbacks still accepted."""
    return app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ())


def init_app(app: Flask) -> None:
    from storefront.web import (
        blogs,
        cart,
        catalog,
        context,
        creators,
        errors,
        filters,
        markets,
        referral,
        security,
        seo,
        webhooks,
    )

    # A POST carries a CSRF token (forms: a hidden field; fetch: the X-CSRFToken
    # header), kept raw in Flask's signed session cookie; or, before the visitor
    # has a session, comes from this store's pages (web.csrf_check).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session
    # Shoppers send short forms; Shopify's webhooks are the largest bodies we take.
    # (Flask defines these keys already, so setdefault would not take.)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = 64 * 1024
    app.config["MAX_FORM_PARTS"] = 100
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # (Flask's default is None)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    csrf.init_app(app)
    app.session_interface = SessionOverHttps()
    # Shared (cached) pages carry slots where the token and the nonce go; see
    # web.pages. (Flask-WTF offers csrf_token both as a global and from a
    # context processor; ours, registered later, wins.)
    from storefront.web.pages import csp_nonce, csrf_token

    app.jinja_env.globals.update(csrf_token=csrf_token, csp_nonce=csp_nonce)
    app.context_processor(lambda: {"csrf_token": csrf_token})
    caching.init_app(app)
    security.init_app(app)
    referral.init_app(app)
    context.init_app(app)
    markets.init_app(app)  # (after context: the visit's market is set first)
    app.context_processor(creators.creator_context)
    filters.init_app(app)
    errors.init_app(app)
    # Shopify signs webhooks with an HMAC; they carry no CSRF token.
    csrf.exempt(webhooks.bp)
    for blueprint in (catalog.bp, blogs.bp, cart.bp, seo.bp, creators.bp, webhooks.bp):
        app.register_blueprint(blueprint)
    app.after_request(for_machines(http_caching))


def http_caching(response):
    """HTTP caching and compression rules for every response.

    HTML is personal (creator, cart count, CSRF token), so shared caches must
    never store it (`private`) and browsers revalidate it (`no-cache`) with an
    ETag, getting 304 when nothing changed. Views that must never be stored at
    all (cart, checkout, every POST) say `no-store` themselves. A 304 carries no
    new CSP: the browser keeps the policy (and nonce) of the copy it reuses.

    Text goes out compressed when the request accepts it (storefront.compression):
    a shared page as gzip joined from the pieces its `Page` keeps, anything
    else compressed here. Both say `Vary: Accept-Encoding`, compressed or not.
    """
    from flask import request

    from storefront.current import visit
    from storefront.visit import headers

    if request.method not in ("GET", "HEAD") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    elif response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = headers.HTML_CACHE_CONTROL
        state = visit()
        if response.status_code == 200 and state.page_etag and state.page_filled:
            return _shared_page(response, state.page_etag, *state.page_filled)
    return _compressed(response)


def _shared_page(response, etag: str, page, values):
    """A shared page's body, gzip when accepted, and its 304: as the page fast path
    (web.fastpath) answers a hit, with the same functions."""
    from flask import current_app, request

    from storefront.visit import headers
    from storefront.web import pages

    coding = pages.coding_for(page, request.headers.get("Accept-Encoding"))
    response.vary.add(headers.ENCODING_VARY)
    for name in pages.varies(page, current_app.config):  # (its market suggestion's)
        response.vary.add(name)
    response.set_etag(headers.representation(etag, coding))
    if headers.not_modified(request.headers.get("If-None-Match"), etag):
        response.status_code = 304  # (Werkzeug drops a 304's body and its entity headers)
    elif coding:
        response.set_data(pages.gzipped(page, values))
        response.headers["Content-Encoding"] = coding
    return response.make_conditional(request)  # the Date, and 412 when If-Match fails


def _compressed(response):
    """`response` compressed on the fly when its type, its size and the request allow."""
    from flask import request

    from storefront import compression
    from storefront.visit import headers

    if not compression.compressible(response.mimetype) or "Content-Encoding" in response.headers:
        return response
    response.vary.add(headers.ENCODING_VARY)
    if (response.direct_passthrough or not response.is_sequence  # a file or a stream
            or response.status_code in (204, 206, 304)):
        return response
    coding = compression.choose(request.headers.get("Accept-Encoding"), compression.DYNAMIC)
    body = response.get_data()
    if coding is None or len(body) < compression.MINIMUM:
        return response
    response.set_data(compression.compress(body, coding))
    response.headers["Content-Encoding"] = coding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(headers.representation(etag, coding), weak=bool(weak))
    return response
