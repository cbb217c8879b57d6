"""Branded error pages: 400, 404, 405, 500, and 503 while Shopify is unreachable.

Each error is HTML or JSON as the request's Accept prefers (JSON always for a
`.json` path), so every reply says `Vary: Accept`; a JSON one is `no-store`
(an HTML one gets the HTML rules of `web.http_caching`). The 503 page asks
Shopify nothing: its frame comes from the data cache, or is the plain one.
A 404 first asks Shopify for the merchant's URL redirect from that path.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, redirect, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError

from storefront.shopify import api
from storefront.shopify.errors import Busy, StorefrontError
from storefront.web.context import storefront
from storefront.web.csrf_check import CROSS_SITE
from storefront.web.filters import localize
from storefront.web.layout import page
from storefront.web.redirects import redirect_key, redirect_location

log = logging.getLogger(__name__)

RETRY_AFTER = "30"
RETRY_BUSY = "5"  # the worker had too many calls waiting on Shopify; soon one is done


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.path.endswith(".json")


def _page(template: str, status: int, message: str | None = None, headers=None,
          cached_only: bool = False):
    if _wants_json():
        response = jsonify({"ok": False, "errors": [message or "error"]})
        # One request's failure: no browser or proxy may answer a later one with it.
        response.headers["Cache-Control"] = "no-store"
    else:
        try:
            body = page(template, message=message, cached_only=cached_only)
        except Exception:  # the theme itself is broken: still answer, plainly
            log.exception("error page %s failed to render", template)
            title = gettext("Error %(status)s", status=status)
            body = f"<!doctype html><title>{title}</title><h1>{title}</h1>"
        response = make_response(body)
    response.status_code = status
    response.headers.update(headers or {})
    # Chosen by Accept: a cache keeping one must not hand it to the other kind.
    response.vary.add("Accept")
    return response


def _moved():
    """A 301 to where the merchant's URL redirect for this path points, or None.

    Asked only once the store has nothing at the address (a 404), as Shopify's
    storefronts do; the answer is cached with the shop's data. Shopify failing to
    answer leaves the 404 as it was.
    """
    key = redirect_key(request.path)
    if request.method not in ("GET", "HEAD") or key is None:
        return None
    try:
        target = api.url_redirect(storefront(), key)
    except StorefrontError as error:
        log.info("no URL redirect lookup for %s: %s", request.path, error)
        return None
    location = target and redirect_location(
        target, request.path, list(request.args.items(multi=True)))
    # A market's page moves within its market (/fr-ca/old -> /fr-ca/new).
    return redirect(localize(location), 301) if location else None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        if error.description == CROSS_SITE:  # not the shopper's old tab: reloading won't help
            message = gettext("This form was sent from another website, so nothing was "
                              "changed. Open this store's page and try again there.")
        else:
            message = gettext(
                "This form has expired. Please go back, reload the page and try again.")
        return _page("errors/400.html", 400, message)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # Not rendered with the theme: every link on it would name that host.
        return gettext("Bad request: this store does not answer to that host name.") + "\n", 400, {
            "Content-Type": "text/plain; charset=utf-8"
        }

    @app.errorhandler(StorefrontError)
    def shop_unavailable(error: StorefrontError):
        retry_after = RETRY_AFTER
        if isinstance(error, Busy):  # a full gate, not a failure of Shopify's
            log.warning("too busy for %s: %s", request.path, error)
            retry_after = RETRY_BUSY
        else:
            log.error("storefront request failed on %s: %s", request.path, error)
        # Shopify just failed (or we are not to wait on it): the page asks it nothing.
        return _page("errors/503.html", 503, headers={"Retry-After": retry_after},
                     cached_only=True)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status == 404 and (moved := _moved()) is not None:
            return moved
        template = "errors/404.html" if status == 404 else "errors/400.html"
        if status >= 500:
            template = "errors/500.html"
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return _page(template, status, error.description if status == 400 else None, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return _page("errors/500.html", 500)
