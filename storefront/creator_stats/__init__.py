"""A creator's own page of their figures, at /creator-stats/<token>: read-only, behind a
signed, revocable link (`flask creators link HANDLE`, `--revoke`).

The page shows one month of the creator's visits, orders, net sales,
earnings, payable and paid, by day and by product (figures.py), and nothing
about any customer. It is never cached nor indexed, and never sent as a
Referer; its token is kept out of the logs (observability.hide_in_logs).
Links that do not work (garbage, cut short, signed with another key, revoked)
count against the address that sent them, as failed sign-ins do for /admin:
past the budget, 429 (opening.py). Registering the page loads neither the
ledger nor SQLAlchemy: the first request for it does.

The editor's links (storefront/self_service) are made and opened by the same
code, told apart by a `kinds.LinkKind`: commands.py, opening.py, tokens.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from storefront import observability
from storefront.admin import auth
from storefront.admin.throttle import FailureBudget

PREFIX = "/creator-stats"


@dataclass
class Throttle:
    """Failed link attempts per address, with the admin's budgets; tests move `clock`."""

    budget: FailureBudget = field(default_factory=lambda: FailureBudget(
        auth.ADDRESS_FAILURES, auth.ADDRESS_SECONDS, keys=auth.ADDRESSES_KEPT))
    clock: Callable[[], float] = time.monotonic


def init_app(app: Flask) -> None:
    from storefront.creator_stats import cli  # noqa: F401  (adds `flask creators link`)
    from storefront.creator_stats.views import bp

    app.extensions["creator_stats"] = Throttle()
    observability.hide_in_logs(app, PREFIX + "/")
    app.register_blueprint(bp, url_prefix=PREFIX)
