"""The token of a link never reaches a log: not the app's JSON lines (their `path`), not
gunicorn's access line; and the page loads SQLAlchemy only when a signed link asks for it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import requests

from storefront import create_app
from storefront.observability import HIDDEN, RequestContext
from tests.creator_stats.conftest import link
from tests.creator_stats.test_tokens import DownLedger
from tests.support import STRONG_KEY, processes


def test_log_records_show_the_page_s_path_without_its_token(app, client, caplog):
    caplog.set_level(logging.DEBUG, logger="storefront")
    caplog.handler.addFilter(RequestContext())
    path = link(app, "maya")
    token = path.rsplit("/", 1)[1]
    app.extensions["orders"] = DownLedger()  # the page logs why it cannot answer
    assert client.get(path + "?period=2026-11").status_code == 503
    assert client.get(f"/creator-stats/{token}/more").status_code == 404  # (no such route)
    records = [r for r in caplog.records if getattr(r, "path", "").startswith("/creator-stats")]
    assert records, caplog.text
    assert {r.path for r in records} == {f"/creator-stats/{HIDDEN}"}
    assert token not in caplog.text
    assert all(token not in str(r.__dict__) for r in caplog.records)


def test_the_environ_the_server_logs_from_carries_no_token(app):
    path = link(app, "maya")
    seen = {}
    inner = app.wsgi_app

    def keep(environ, start_response):
        seen.update(environ=environ)
        return inner(environ, start_response)

    app.wsgi_app = keep
    assert app.test_client().get(path + "?period=2026-11").status_code == 200
    environ = seen["environ"]
    assert environ["PATH_INFO"] == f"/creator-stats/{HIDDEN}"
    assert environ["RAW_URI"] == environ["REQUEST_URI"] == \
        f"/creator-stats/{HIDDEN}?period=2026-11"
    # Every other path is left as it came.
    assert app.test_client().get("/healthz").status_code == 200
    assert seen["environ"]["PATH_INFO"] == "/healthz"


def test_gunicorn_s_access_log_never_carries_the_token(tmp_path):
    settings = {"SECRET_KEY": STRONG_KEY, "WEB_CONCURRENCY": "1", "SHOPIFY_STORE_DOMAIN": "",
                "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")}
    app = create_app(settings)  # (DATABASE_URL and CREATORS_DIR: this test's, see conftest)
    path = link(app, "maya")
    token = path.rsplit("/", 1)[1]
    server = processes.gunicorn("wsgi:app", env=settings)
    try:
        assert requests.get(server.url + path, timeout=10).status_code == 200
        assert requests.get(server.url + path + "?period=2026-13", timeout=10).status_code == 400
        assert requests.get(server.url + path[:-3], timeout=10).status_code == 404
        server.wait_for(r"/creator-stats/\[hidden\]", 3)
    finally:
        server.stop()
    log = server.log()
    assert token not in log and token[:-3] not in log
    assert f'"GET /creator-stats/{HIDDEN}?period=2026-13 HTTP/1.1" 400' in log
    assert "Traceback" not in log


def test_sqlalchemy_is_loaded_only_when_a_signed_link_asks_for_the_page(app, tmp_path):
    good = link(app, "maya")
    code = (
        "import sys; from storefront import create_app; app = create_app({}); "
        "c = app.test_client(); loaded = lambda: 'sqlalchemy' in sys.modules; "
        "c.get('/healthz'); print(loaded()); "
        "print(c.get('/creator-stats/not-a-token').status_code, loaded()); "
        f"print(c.get('{good}').status_code, loaded())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "INSTANCE_DIR": str(tmp_path),
                                           "SECRET_KEY": app.secret_key,
                                           "CREATORS_DIR": app.config["CREATORS_DIR"]})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["False", "404 False", "200 True"]
