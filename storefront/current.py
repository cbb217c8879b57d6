"""This request's `Visit` (storefront.visit), kept on `flask.g` under one name.

Everything the app remembers about a request (the credited creator, the theme,
the nonce, the page-cache outcome, the counts for the log line) is a typed
field of that one object, not a loose name on `g`.
"""

from __future__ import annotations

from flask import g, has_request_context

from storefront.visit import Visit


def visit() -> Visit:
    """This request's visit, made on first use."""
    found = g.get("visit")
    if found is None:
        found = g.visit = Visit()
    return found


def visit_if_any() -> Visit | None:
    """This request's visit, or None outside a request (a CLI command, a thread)."""
    return visit() if has_request_context() else None
