"""Orders: Shopify's order webhooks in a ledger, each order credited to a creator or the brand.

`/webhooks/shopify` hands the order topics (TOPICS) to `ledger_for(app).receive`,
which stores the delivery before applying it (ledger.py). Who gets the credit
is credit.py; money and its rounding are money.py; what is kept of a payload
is payload.py; the database and its migrations are db.py. `init_app` adds
`flask orders ...` (cli.py); nothing touches the database before it is needed.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from storefront.orders.delivery import TOPICS, BadDelivery, Delivery, Receipt, Unavailable

__all__ = ["TOPICS", "BadDelivery", "Delivery", "Ledger", "Receipt", "Unavailable",
           "init_app", "ledger_for"]

_making = threading.Lock()


def init_app(app: Flask) -> None:
    # The ledger (and SQLAlchemy, Alembic: about 20 MB a process) is loaded on
    # first use: a worker that only serves pages never needs it.
    from storefront.orders.cli import orders_cli

    app.cli.add_command(orders_cli)


def ledger_for(app: Flask | None = None):
    """The orders ledger of `app`, or of the current app (made on first use).

    (Not `ledger`: that is the submodule's name, which importing it binds here.)
    """
    app = app or current_app
    found = app.extensions.get("orders")
    if found is None:
        with _making:
            found = app.extensions.get("orders")
            if found is None:
                from storefront.orders.db import database_url
                from storefront.orders.ledger import Ledger

                url = database_url(app.config["DATABASE_URL"], app.instance_path)
                found = app.extensions["orders"] = Ledger(
                    url, app.extensions["creators"], app.config["ORDERS_CONFLICT"],
                    commission_percent=app.config["COMMISSION_PERCENT"])
    return found


def __getattr__(name: str):
    if name == "Ledger":  # (loaded only when asked for)
        from storefront.orders.ledger import Ledger

        return Ledger
    raise AttributeError(name)
