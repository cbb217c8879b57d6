"""Logs an operator can search: JSON lines with a request id, and /readyz.

Every log record made while a request is served carries its `request_id`
(taken from a sane `X-Request-Id` from the load balancer, or made here, and
echoed in the response). Each request to the Storefront API is logged with its
operation, duration and outcome; with LOG_LEVEL=DEBUG each request also gets
a summary line: status, duration, Storefront calls and time, and whether the
page and each piece of data came from the cache (hit, stale, miss...).

Some paths end in a credential (a creator's link to their figures): a
blueprint names their prefix with `hide_in_logs`, and what follows it is
logged as HIDDEN, in these records and in the server's access line (gunicorn
writes it from the request's environ once the response is sent).
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, current_app, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from storefront.current import visit, visit_if_any
from storefront.machines import for_machines
from storefront.visit import headers

log = logging.getLogger("storefront.requests")

_HANDLER_MARK = "_storefront_json"
HIDDEN = "[hidden]"


def hide_in_logs(app: Flask, prefix: str) -> None:
    """Log the paths under `prefix` (e.g. "/creator-stats/") without what follows it."""
    app.extensions.setdefault("hidden_in_logs", []).append(prefix)


def loggable_path(path: str) -> str:
    """`path` as logs may show it (in a request of the current app)."""
    for prefix in current_app.extensions.get("hidden_in_logs", ()):
        if path.startswith(prefix):
            return prefix + HIDDEN
    return path


class RequestContext(logging.Filter):
    """Adds the request id (and path) to every record made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = visit().request_id or "-"
            record.path = loggable_path(request.path)
        return True


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the app's loggers (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "{asctime}{levelname}{name}{message}", style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    ))
    handler.addFilter(RequestContext())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    logging.getLogger("storefront").setLevel(level)


def storefront_call(operation: str, seconds: float, outcome: str) -> None:
    """Record one request to the Storefront API (called by the client)."""
    state = visit_if_any()
    if state is not None:
        state.storefront_calls += 1
        state.storefront_ms += seconds * 1000
    log.info("storefront request", extra={
        "operation": operation, "duration_ms": round(seconds * 1000, 1), "outcome": outcome,
    })


def cache_outcome(outcome: str) -> None:
    """Count one data-cache outcome (hit, stale, miss...) for this request's summary."""
    state = visit_if_any()
    if state is not None:
        state.data_cache[outcome] = state.data_cache.get(outcome, 0) + 1


def _start() -> None:
    given = request.headers.get("X-Request-Id", "")
    state = visit()
    state.request_id = headers.request_id(given)
    state.started = time.perf_counter()


def _finish(response):
    # (X-Request-Id goes out with the other headers: web.security.)
    shown = loggable_path(request.path)
    if shown != request.path:  # what the server's access line reads, once this is sent
        environ = request.environ
        query = environ.get("QUERY_STRING")
        environ["PATH_INFO"] = shown
        environ["RAW_URI"] = environ["REQUEST_URI"] = f"{shown}?{query}" if query else shown
    if log.isEnabledFor(logging.DEBUG):
        state = visit()
        log.debug("request", extra={
            "method": request.method, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - state.started) * 1000, 2),
            "storefront_calls": state.storefront_calls,
            "storefront_ms": round(state.storefront_ms, 1),
            "page_cache": state.page_cache,
            "data_cache": state.data_cache,
        })
    return response


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(for_machines(_start))
    app.after_request(for_machines(_finish))
