"""The shopper-facing web layer: blueprints, template context, error pages, CSRF."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from storefront import caching

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    from storefront.web import cart, catalog, context, creators, errors, filters, referral, seo

    # Every POST carries a CSRF token (forms: a hidden field; fetch: the
    # X-CSRFToken header). The token lives in Flask's signed session cookie.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    csrf.init_app(app)
    caching.init_app(app)
    referral.init_app(app)
    context.init_app(app)
    app.context_processor(creators.creator_context)
    filters.init_app(app)
    errors.init_app(app)
    for blueprint in (catalog.bp, cart.bp, seo.bp, creators.bp):
        app.register_blueprint(blueprint)
