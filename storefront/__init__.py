"""Storefront: a headless Shopify storefront server for brands that sell through creators."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from storefront import config as settings
from storefront import lifecycle, theming
from storefront.machines import App
from storefront.shopify.client import StorefrontClient
from storefront.shopify.transport import HTTPTransport, endpoint_url
from storefront.shopify.waits import Gate


def check_settings(source: Mapping[str, Any]) -> dict[str, Any]:
    """The settings from `source`, checked as create_app checks them, without an app.

    Raises ConfigError. gunicorn's master calls this before it forks (see
    gunicorn.conf.py), so a wrong setting stops the server with one message
    instead of every worker failing to boot, over and over.
    """
    values = settings.load(source)
    if values["ADMIN_USERNAME"]:
        from storefront.admin import auth

        auth.check_setting(values["ADMIN_PASSWORD"], values["ADMIN_USERNAME"])
    theming.check(values["THEME"], values["THEMES_DIR"])
    return values


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with `test_config` taking precedence."""
    values = check_settings({**os.environ, **(test_config or {})})
    # Templates and static files come from the theme (storefront.theming), not Flask's folders.
    app = App(
        __name__,
        static_folder=None,
        instance_path=values["INSTANCE_DIR"],
    )
    app.config.from_mapping(values)
    theming.init_app(app)

    from storefront import caching, creators, funnels, observability, web
    from storefront.caching.data import CachingClient
    from storefront.web import context

    client = StorefrontClient(
        _transport(app),
        context={"country": values["SHOPIFY_COUNTRY"], "language": values["SHOPIFY_LANGUAGE"]},
        market=context.market_context,  # the page view's market, when it has one
        buyer_ip=context.buyer_ip,
        # Bounded waits: each page view's time for Shopify, and how many of a
        # worker's threads may wait on it at once.
        budget=values["SHOPIFY_BUDGET_SECONDS"],
        deadline=context.shopify_deadline,
        gate=Gate(values["SHOPIFY_CONCURRENCY"]),
        observe=observability.storefront_call,
    )
    app.extensions["storefront_client"] = client
    # Everything above the client asks through the data cache.
    app.extensions["storefront"] = CachingClient(
        client, caching.store, values["SHOPIFY_API_VERSION"],
        observe=observability.cache_outcome, run_later=caching.refresher(app),
    )
    observability.init_app(app)
    creators.init_app(app)
    web.init_app(app)
    funnels.init_app(app)
    from storefront import orders

    orders.init_app(app)
    from storefront import admin, creator_stats

    admin.init_app(app)
    creator_stats.init_app(app)  # a creator's own figures, behind their signed link
    from storefront import self_service

    self_service.init_app(app)  # creators edit their page; the brand approves

    # Page-cache hits are answered below Flask (same bytes and headers, less work).
    if values["PAGE_FAST_PATH"]:
        from storefront.web.fastpath import FastPages

        app.wsgi_app = FastPages(app, app.wsgi_app)
    # A market prefix (/fr-ca/...) comes off the path before anything reads it.
    from storefront.markets import MarketPrefix

    app.wsgi_app = MarketPrefix(app.wsgi_app, context.primary_market(app))
    # X-Forwarded-* are trusted only from as many proxies as we were told of,
    # and everything inside (the buyer IP sent to Shopify, the page cache's
    # host) sees the corrected values.
    if values["TRUSTED_PROXY_COUNT"]:
        count = values["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    # Outermost, so every request passes it (fast-path hits too): starts this
    # process's threads on the first request, unless gunicorn's hook did.
    app.wsgi_app = lifecycle.StartOnFirstRequest(app, app.wsgi_app)

    from storefront.demo_shop.cli import demo_shop_cli
    from storefront.theme_cli import theme_cli

    app.cli.add_command(demo_shop_cli)
    app.cli.add_command(theme_cli)
    return app


def _transport(app: Flask):
    """Shopify over HTTP when a shop is configured, else the embedded demo shop."""
    cfg = app.config
    if cfg["SHOPIFY_STORE_DOMAIN"]:
        return HTTPTransport(
            endpoint_url(cfg["SHOPIFY_STORE_DOMAIN"], cfg["SHOPIFY_API_VERSION"]),
            public_token=cfg["SHOPIFY_STOREFRONT_TOKEN"],
            private_token=cfg["SHOPIFY_STOREFRONT_PRIVATE_TOKEN"],
            connect_timeout=cfg["SHOPIFY_CONNECT_TIMEOUT"],
            read_timeout=cfg["SHOPIFY_READ_TIMEOUT"],
        )
    from storefront.demo_shop import web as demo_web
    from storefront.demo_shop.carts import SqliteCartStore
    from storefront.demo_shop.shop import DemoShop
    from storefront.demo_shop.transport import DemoShopTransport

    cart_db = cfg["DEMO_SHOP_CART_DB"] or str(Path(app.instance_path) / "demo-shop-carts.sqlite3")
    Path(cart_db).parent.mkdir(parents=True, exist_ok=True)
    shop = DemoShop(carts=SqliteCartStore(Path(cart_db)))
    app.register_blueprint(demo_web.blueprint(shop))
    app.config["DEMO_SHOP"] = True
    return DemoShopTransport(shop)
