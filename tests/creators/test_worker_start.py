"""A worker starts its threads when it starts, not on its first request through Flask.

Under gunicorn each worker watches the creator files from its start, so one
that only answers page-cache hits (below Flask, where no request hook runs)
still follows an edit. In-process: building an app starts nothing, Flask's
request hooks start nothing, and `lifecycle.start` runs an app's starters once
per process (and again in a forked child).
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import threading
import time
import weakref
from pathlib import Path

import requests
from flask import Flask

from storefront import create_app, lifecycle
from tests.creators import watching_server_env
from tests.fixtures import CREATORS as FIXTURE_CREATORS
from tests.support import processes

OLD_TITLE, NEW_TITLE = "Maya&#39;s slow wardrobe", "Maya&#39;s winter edit"
ACCESS = re.compile(r"^pid=<(\d+)> id=(probe-\d+) ", re.MULTILINE)


def watchers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("creators-watcher")]


# Under gunicorn ---------------------------------------------------------------------


class Probe:
    """Maya's home page on a fresh connection each time, with the worker that answered."""

    def __init__(self, server: processes.Server) -> None:
        self.server = server
        landing = requests.get(server.url + "/@maya", timeout=10)
        assert landing.status_code == 200
        self.referral = landing.cookies["referral"]
        self.count = 0

    def ask(self) -> tuple[int, str, bool]:
        """(worker pid, page, whether the page fast path answered, below Flask)."""
        self.count += 1
        probe = f"probe-{self.count:06d}"
        page = requests.get(self.server.url + "/", timeout=10, headers={
            "Cookie": f"referral={self.referral}", "Connection": "close", "X-Request-Id": probe,
        })
        assert page.status_code == 200
        self.server.wait_for(rf"id={probe} ")  # the access log line names the worker
        pid = next(int(p) for p, seen in ACCESS.findall(self.server.log()) if seen == probe)
        return pid, page.text, self._fast(probe)

    def _fast(self, probe: str) -> bool:
        # Each request's summary line (LOG_LEVEL=DEBUG) says whether the fast path answered.
        for line in self.server.output:
            if probe in line and line.startswith("{"):
                record = json.loads(line)
                if record.get("request_id") == probe and record.get("message") == "request":
                    return bool(record.get("fast_path"))
        return False


def test_each_worker_watches_from_its_start_and_its_cached_pages_follow_edits(tmp_path):
    creators = tmp_path / "creators"
    shutil.copytree(FIXTURE_CREATORS, creators)
    broken = creators / "broken.toml"
    broken.write_text("name = 1\n")
    server = processes.gunicorn(
        "wsgi:app", env=watching_server_env(tmp_path, creators, LOG_LEVEL="DEBUG"),
        extra=["--access-logformat", "pid=%(p)s id=%({x-request-id}i)s %(s)s"])
    try:
        # Before any request: both workers loaded the folder (each says so once)...
        server.wait_for("broken.toml: name: must be a string", 2)
        broken.write_text('name = "Broken"\nstatus = "maybe"\n')
        # ...and each one's watcher, started with the worker, reads the change.
        server.wait_for("broken.toml: status: must be active", 2, timeout=20)
        assert "probe-" not in server.log() and '"GET ' not in server.log()

        # Maya's home page, cached by each worker: from then on, fast-path hits.
        probe = Probe(server)
        workers: set[int] = set()
        while len(workers) < 2 and probe.count < 200:
            pid, page, fast = probe.ask()
            assert OLD_TITLE in page
            if fast:
                workers.add(pid)
        assert len(workers) == 2, "one worker served everything"

        maya = creators / "maya.toml"
        maya.write_text(maya.read_text().replace("Maya's slow wardrobe", "Maya's winter edit"))
        # The page key names the file's revision: a worker that reloaded it misses
        # once, renders the new page, and hits again.
        updated: set[int] = set()
        deadline = time.monotonic() + 20
        while updated != workers and time.monotonic() < deadline:
            pid, page, fast = probe.ask()
            if NEW_TITLE in page:
                updated.update([pid] if fast else [])
            else:
                assert pid not in updated, "a worker went back to the old creator file"
                assert OLD_TITLE in page
        assert updated == workers, f"workers still showing the old file: {workers - updated}"
    finally:
        server.stop()
    assert "Traceback" not in server.log()


# In-process ------------------------------------------------------------------------


def test_building_an_app_or_running_its_request_hooks_starts_no_thread(tmp_path):
    before = set(watchers())
    app = create_app({"CREATORS_RELOAD_SECONDS": 0.05,
                      "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})
    registry = app.extensions["creators"]
    with app.test_request_context("/collections"):
        app.preprocess_request()  # every before_request hook, as Flask runs them
    assert not registry.watching and not set(watchers()) - before
    try:
        app.test_client().get("/healthz")  # through the WSGI app: the outermost layer starts them
        assert registry.watching and len(set(watchers()) - before) == 1
        app.test_client().get("/healthz")
        assert len(set(watchers()) - before) == 1
    finally:
        registry.stop_watching()


def test_after_the_first_request_the_outer_layer_only_checks_a_flag(tmp_path, monkeypatch):
    app = create_app({"CREATORS_RELOAD_SECONDS": 0,
                      "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})
    starts: list[Flask] = []
    real_start = lifecycle.start
    monkeypatch.setattr(lifecycle, "start", lambda app: (starts.append(app), real_start(app)))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert starts == [app]


def test_start_runs_each_starter_once_per_process():
    app = Flask("lifecycle_test")
    calls: list[int] = []
    lifecycle.on_start(app, lambda: calls.append(os.getpid()))
    lifecycle.start(app)
    lifecycle.start(app)
    assert calls == [os.getpid()]

    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # a forked worker: its parent's threads are gone, so it starts its own
        try:
            lifecycle.start(app)
            lifecycle.start(app)
            os.write(writer, json.dumps(calls).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        in_child = json.loads(pipe.read())
    os.waitpid(child, 0)
    assert in_child == [os.getpid(), child]
    assert calls == [os.getpid()]


def test_a_ready_worker_started_its_apps_and_froze_what_starting_made():
    """What a worker loads lives as long as it does: out of the collector's full passes."""
    app = Flask("lifecycle_ready")
    calls: list[str] = []
    lifecycle.on_start(app, lambda: calls.append("started"))

    class Node:
        pass

    garbage = Node()
    garbage.me = garbage  # a cycle: only the collector frees it
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    try:
        lifecycle.ready_worker()
        assert calls == ["started"]
        assert gone() is None  # collected first, not frozen for the worker's life
        assert gc.get_freeze_count() > 0
        # What lived before is frozen: the collector's passes no longer see it.
        assert not any(thing is kept for thing in gc.get_objects())
    finally:
        gc.unfreeze()


def test_the_shipped_gunicorn_configuration_readies_each_worker(monkeypatch):
    settings: dict = {}
    shipped = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    exec(compile(shipped.read_text(), str(shipped), "exec"), settings)
    readied: list[bool] = []
    monkeypatch.setattr(lifecycle, "ready_worker", lambda: readied.append(True))
    settings["post_worker_init"](object())
    assert readied == [True]
