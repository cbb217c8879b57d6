"""`demo-shop serve`: the demo shop as its own HTTP server, under gunicorn.

Registered in the storefront as `flask demo-shop serve`; also runs as
`python -m storefront.demo_shop serve`.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from gunicorn.app.base import BaseApplication

# (The shop itself is imported by `serve`: registering the command in a
# storefront on a real shop must not load the demo shop into every worker.)

demo_shop_cli = AppGroup("demo-shop", help="The embedded demo shop (a Storefront API lookalike).")


class _Gunicorn(BaseApplication):
    """gunicorn run from Python with a ready-made WSGI app and explicit settings."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.app = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self.app


_ORIGIN = re.compile(r"https?://(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?")


def _origin(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--public-url`: a scheme, a host and maybe a port; nothing after them."""
    if value is None:
        return None
    value = value.rstrip("/")
    if not _ORIGIN.fullmatch(value):
        raise click.BadParameter(f"{value!r}: give an origin such as http://localhost:8100 "
                                 "(scheme, host and port, no path)")
    return value


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@demo_shop_cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8100,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port.",
)
@click.option(
    "--token",
    default="demo-storefront-token",
    show_default=True,
    help="The Storefront access token clients must send.",
)
@click.option(
    "--latency-ms",
    default=0,
    show_default=True,
    type=click.IntRange(0, 60000),
    help="Delay added to every API request, to mimic a round trip to Shopify.",
)
@click.option(
    "--admin-token",
    envvar="DEMO_SHOP_ADMIN_TOKEN",
    help="The Admin API access token clients must send to /admin/api/<version>/graphql.json "
    "(also DEMO_SHOP_ADMIN_TOKEN, which keeps it off the command line). Unset: the Admin "
    "API refuses every request.",
)
@click.option(
    "--public-url",
    callback=_origin,
    help="The origin written into the URLs the shop hands out (images, checkouts); "
    "default http://HOST:PORT. Hydrogen's Content-Security-Policy in development allows "
    "images from http://localhost:* but not from http://127.0.0.1, so a Hydrogen app "
    "pointed at this shop needs http://localhost:PORT here.",
)
@click.option("--threads", default=16, show_default=True, type=click.IntRange(1, 256))
@click.option(
    "--cart-db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file for carts (default: a new temporary file).",
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Another catalog.json (default: the shipped demo catalog).",
)
@click.option(
    "--webhook-url",
    envvar="DEMO_SHOP_WEBHOOK_URL",
    help="Where orders placed at the demo checkout send Shopify's order webhooks, e.g. "
    "http://127.0.0.1:8000/webhooks/shopify (also DEMO_SHOP_WEBHOOK_URL); signed with "
    "SHOPIFY_WEBHOOK_SECRET from the environment. Unset: orders send none.",
)
def serve(
    host: str,
    port: int,
    token: str,
    latency_ms: int,
    admin_token: str | None,
    public_url: str | None,
    threads: int,
    cart_db: Path | None,
    catalog: Path | None,
    webhook_url: str | None,
) -> None:
    """Serve the Storefront API at http://HOST:PORT/api/<version>/graphql.json."""
    from storefront import lifecycle
    from storefront.demo_shop.carts import SqliteCartStore
    from storefront.demo_shop.shop import DemoShop
    from storefront.demo_shop.web import create_http_app

    # The secret comes from the environment only: a command line is visible to
    # every user of the machine.
    secret = os.environ.get("SHOPIFY_WEBHOOK_SECRET") or None
    if webhook_url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", webhook_url):
        raise click.BadParameter("give an http(s):// URL", param_hint="--webhook-url")
    if webhook_url and not secret:
        raise click.UsageError("--webhook-url needs SHOPIFY_WEBHOOK_SECRET in the environment: "
                               "the secret the store checks the webhooks' signatures with.")
    port = port or _free_port(host)
    if cart_db is None:
        cart_db = Path(tempfile.mkdtemp(prefix="demo-shop-")) / "carts.sqlite3"
    base_url = f"http://{host}:{port}"
    shop = DemoShop(catalog, carts=SqliteCartStore(cart_db), base_url=public_url or base_url)
    app = create_http_app(shop, token, latency_ms=latency_ms, webhook_url=webhook_url or None,
                          webhook_secret=secret, admin_token=admin_token or None)

    def when_ready(server: Any) -> None:
        click.echo(
            f"Demo shop Storefront API: Listening at: {base_url} "
            f"(POST /api/<version>/graphql.json, carts in {cart_db})",
            err=False,
        )

    # One worker process, because carts may be kept in memory by a caller
    # embedding this; threads give the concurrency.
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "loglevel": "warning",
            "accesslog": None,
            "when_ready": when_ready,
            # The worker resumes sending webhooks an earlier run left unsent.
            "post_worker_init": lambda worker: lifecycle.ready_worker(),
        },
    ).run()
