"""Funnel counts from a scripted session: two gunicorn workers on SQLite, two instances on Redis.

The figures are read back with `flask creators report` in each format, while
the servers run (counts are written every FUNNELS_FLUSH_SECONDS) and again
after they stopped (a stopping worker writes what it still holds, nothing twice).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.funnels.browsing import EXPECTED, browse, figures
from tests.support import STRONG_KEY, processes
from tests.support.ports import free_port

TOKEN = "funnels-token"
PIDS = re.compile(r"^pid=<(\d+)> ", re.MULTILINE)


def report(env: dict, fmt: str = "json") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "creators", "report", "--since", "1d",
         "--format", fmt],
        cwd=processes.ROOT, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def settled(env: dict, timeout: float = 30) -> dict:
    """The report's figures once they match the session (each worker writes on its own clock)."""
    deadline = time.monotonic() + timeout
    while True:
        found = figures(json.loads(report(env)))
        if found == EXPECTED or time.monotonic() > deadline:
            return found


def check_every_format(env: dict) -> None:
    data = json.loads(report(env, "json"))
    assert figures(data) == EXPECTED
    rows = {row["creator"]: row for row in csv.DictReader(io.StringIO(report(env, "csv")))}
    table = report(env, "table").splitlines()
    for creator, (visits, unique, views, adds, checkouts, _) in EXPECTED.items():
        row = rows[creator]
        assert [int(row[c]) for c in ("visits", "unique_visitors", "product_views",
                                       "add_to_carts", "checkouts")] == \
            [visits, unique, views, adds, checkouts]
        line = next(line for line in table if line.startswith(creator + " "))
        assert line.split()[1:6] == [str(visits), str(unique), str(views), str(adds),
                                     str(checkouts)]
    assert rows["maya"]["code"] == "MAYA15" and rows["maya"]["conversion"] == "0.5000"
    assert "Organic Cotton Tee (organic-cotton-tee, 2 views, 1 add)" in rows["maya"][
        "top_products"]


def test_two_workers_on_sqlite(tmp_path):
    env = {
        "FUNNELS_URL": f"sqlite:///{tmp_path / 'funnels.sqlite3'}",
        "FUNNELS_FLUSH_SECONDS": "0.2",
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "WEB_CONCURRENCY": "2",
    }
    server = processes.gunicorn("wsgi:app", env=env,
                                extra=["--access-logformat", "pid=%(p)s %(r)s %(s)s"])
    try:
        server.wait_for("Booting worker", count=2)
        try:
            browse([server.url])
        except Exception:
            print("SERVER LOG\n" + server.log()[-6000:])
            raise
        assert settled(env) == EXPECTED  # written while the workers run
        assert len(set(PIDS.findall(server.log()))) == 2, "one worker served everything"
    finally:
        server.stop()
    assert "Traceback" not in server.log()
    check_every_format(env)  # and still exactly so once both workers have exited


@pytest.fixture
def redis_port():
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    return free_port()


def test_two_instances_on_redis(tmp_path, redis_port):
    redis = processes.redis_server(redis_port)
    shop = processes.start([
        sys.executable, "-m", "storefront.demo_shop", "serve", "--port", "0",
        "--token", TOKEN, "--cart-db", str(tmp_path / "shop-carts.sqlite3"),
    ])
    env = {
        "SHOPIFY_STORE_DOMAIN": shop.url,
        "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
        "SECRET_KEY": STRONG_KEY,
        "CACHE_TYPE": "RedisCache",  # the funnels follow the cache to Redis
        "CACHE_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "FUNNELS_FLUSH_SECONDS": "0.2",
        "WEB_CONCURRENCY": "1",
    }
    one = processes.gunicorn("wsgi:app", env=env)
    two = processes.gunicorn("wsgi:app", env=env)
    try:
        browse([one.url, two.url])  # every shopper moves between the instances
        assert settled(env) == EXPECTED
        for server in (one, two):
            assert server.log().count('"GET /') >= 5, "an instance served too little"
    finally:
        for server in (one, two):
            server.stop()
    try:
        check_every_format(env)
        for server in (one, two):
            assert "Traceback" not in server.log()
    finally:
        shop.stop()
        redis.stop()
