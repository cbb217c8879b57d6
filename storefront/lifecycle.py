"""Per-process threads: started once in every process that serves the app, before it needs them.

Threads don't survive fork(), and a gunicorn worker is a fork: each serving
process needs its own creators watcher and the like. While create_app builds
the app, its parts register what to start with `on_start(app, starter)`;
`start(app)` runs those starters once per process (a forked child runs them
again: the process id is checked). Who calls it:

- gunicorn's `post_worker_init` hook (gunicorn.conf.py), in every worker after
  it loaded the app and before it serves: `ready_worker()`, which runs
  `start_all()` for every app built in that process (or in the master before
  the fork), then freezes what starting made. It needs no handle on the
  app, which gunicorn holds wrapped in WSGI layers (ProxyFix, the page fast
  path) under whatever module name it was told.
- Any other server (`flask run`, waitress...): the app's outermost WSGI layer
  (`StartOnFirstRequest`), on the first request that finds nothing started;
  after that it costs one boolean check per request. Not a Flask request hook:
  page-cache hits are answered below Flask (web/fastpath.py) and never run
  Flask's hooks.

Building an app starts nothing, so tests and CLI commands that never serve a
request never start a thread.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

EXTENSION = "lifecycle"


class _Starts:
    """One app's starters, and whether they ran in this process."""

    def __init__(self) -> None:
        self.starters: list[Callable[[], None]] = []
        self.started = False  # read on every request: reset in a forked child
        self.pid: int | None = None
        self.lock = threading.Lock()


# Every app built in this process (or in its parent before a fork), held weakly:
# an app a test lets go is forgotten.
_apps: weakref.WeakSet[Flask] = weakref.WeakSet()
_every: weakref.WeakSet[_Starts] = weakref.WeakSet()


def _starts_of(app: Flask) -> _Starts:
    starts = app.extensions.get(EXTENSION)
    if starts is None:
        starts = app.extensions[EXTENSION] = _Starts()
        _apps.add(app)
        _every.add(starts)
    return starts


def on_start(app: Flask, starter: Callable[[], None]) -> None:
    """Have `starter` called once in each process that serves `app`, before or at its first request.

    `starter` should not hold `app` itself (the app holds it), only what it starts.
    """
    _starts_of(app).starters.append(starter)


def start(app: Flask) -> None:
    """Run `app`'s starters unless they already ran in this process."""
    starts = app.extensions.get(EXTENSION)
    if starts is None:
        return
    with starts.lock:
        pid = os.getpid()
        if starts.pid == pid:
            return
        starts.pid, starts.started = pid, True  # a failing starter is not retried per request
        for starter in starts.starters:
            try:
                starter()
            except Exception:  # e.g. no thread could be made: serve anyway, and say so
                log.exception("starting %r failed", starter)


def start_all() -> None:
    """start() every app built in this process: gunicorn's post_worker_init calls this."""
    for app in list(_apps):
        start(app)


def ready_worker() -> None:
    """gunicorn's post_worker_init, in each worker once it loaded the app: start_all(),
    then freeze what starting made.

    The modules, templates, catalogue and creators a worker loads live as long as it
    does, yet each of the collector's full passes walks them all (100,000 objects,
    40 to 50 ms here). Collected once, then frozen (gc.freeze), they are skipped.
    Measured in process on 600 cold searches: the longest full pass went from
    169 ms to 26 ms, and full passes from 1.2 s to 0.24 s of about 9 s of work. A
    full pass holds the GIL, so every request of the worker waited through it.
    """
    start_all()
    gc.collect()  # garbage now would never be collected once frozen
    gc.freeze()


class StartOnFirstRequest:
    """The app's outermost WSGI layer: start() on the first request if nothing did."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._starts = _starts_of(app)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        if not self._starts.started:
            start(self.app)
        return self.wsgi_app(environ, start_response)


def _after_fork() -> None:
    # The child has none of its parent's threads: its first start() runs again.
    # (A lock held by a parent's thread at fork time would stay held here.)
    for starts in list(_every):
        starts.started, starts.pid = False, None
        starts.lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)
