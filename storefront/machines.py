"""Requests from machines (Shopify's webhook deliveries), kept apart from shoppers' page views.

A delivery carries no cookie and shows no page: it has no referral, creator,
theme, Shopify deadline or funnel step. The app-wide hooks that make a page
view were about a quarter of a delivery's CPU (bench.orders) for nothing.
So `App` runs, for the blueprints named in MACHINE_BLUEPRINTS, only the
blueprint's own hooks and the app-wide ones marked `for_machines`: those
every response needs (the request id and log line, the security headers,
the caching and compression rules).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import TypeVar

from flask import Flask, request
from flask.globals import request_ctx

MACHINE_BLUEPRINTS = frozenset({"webhooks"})

Hook = TypeVar("Hook", bound=Callable)


def for_machines(hook: Hook) -> Hook:
    """Mark an app-wide request hook as one that machines' requests run too."""
    hook.for_machines = True  # type: ignore[attr-defined]
    return hook


def _kept(hooks) -> list:
    return [hook for hook in hooks if getattr(hook, "for_machines", False)]


class App(Flask):
    """The store's Flask app: Flask's, but machines' requests skip shoppers' hooks."""

    def preprocess_request(self):
        # Flask's own order, with the app-wide hooks (name None) cut to those kept.
        if request.blueprint not in MACHINE_BLUEPRINTS:
            return super().preprocess_request()
        names = (None, *reversed(request.blueprints))
        for name in names:
            for url_func in self.url_value_preprocessors.get(name, ()):
                url_func(request.endpoint, request.view_args)
        for name in names:
            hooks = self.before_request_funcs.get(name, ())
            for hook in _kept(hooks) if name is None else hooks:
                answer = self.ensure_sync(hook)()
                if answer is not None:
                    return answer
        return None

    def process_response(self, response):
        if request.blueprint not in MACHINE_BLUEPRINTS:
            return super().process_response(response)
        for hook in request_ctx._after_request_functions:
            response = self.ensure_sync(hook)(response)
        for name in chain(request.blueprints, (None,)):
            hooks = self.after_request_funcs.get(name, ())
            for hook in reversed(_kept(hooks) if name is None else hooks):
                response = self.ensure_sync(hook)(response)
        # (No session: a machine's request neither reads nor sets one.)
        return response
