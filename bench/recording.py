"""What recording the creator funnels adds to a page view, measured in one process.

wrk runs on this shared two-core machine move by ten percent from one minute to
the next, more than recording costs, so the cost is also measured here where
noise can be taken out: two apps, funnels on and off, answer the same cached
page through the WSGI callable (the fast path gunicorn calls), in alternating
rounds, and the medians are compared. The writer thread runs meanwhile, so its
work is in the figures.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import creators
from bench.scenarios import CREATOR, PRODUCT

ROUNDS = 21
CALLS = 400
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Firefox/130.0"
SECRET = "bench-recording-secret-key-0123456789abcdef"
PAGES = {"creator-home": "/", "creator-product": f"/products/{PRODUCT}"}


def _apps(folder: Path):
    from storefront import create_app

    base = {"SECRET_KEY": SECRET, "DEMO_SHOP_CART_DB": str(folder / "carts.sqlite3"),
            "LOG_LEVEL": "WARNING", "INSTANCE_DIR": str(folder / "instance")}
    on = create_app({**base, "FUNNELS_URL": f"sqlite:///{folder / 'funnels.sqlite3'}"})
    off = create_app({**base, "FUNNELS_URL": "off"})
    return on, off


def _environ(path: str, cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000", "HTTP_COOKIE": cookie, "HTTP_USER_AGENT": BROWSER,
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }


def _answer(app, path: str, cookie: str) -> str:
    status: list[str] = []
    for _ in app.wsgi_app(_environ(path, cookie), lambda s, h, *a: status.append(s)):
        pass  # the body is made, as a server would send it
    return status[0]


def _per_call_us(app, path: str, cookie: str) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        _answer(app, path, cookie)
    return (time.perf_counter() - started) / CALLS * 1e6


def measure() -> list[dict[str, Any]]:
    """Per page: median microseconds per view with funnels off and on, and the cost."""
    cookie = creators.referral_cookie(SECRET, CREATOR)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-recording-") as folder:
        on, off = _apps(Path(folder))
        for name, path in PAGES.items():
            for app in (on, off):  # the first view fills each app's page cache
                for _ in range(3):
                    if not _answer(app, path, cookie).startswith("200"):
                        raise RuntimeError(f"{path} did not answer 200")
            times: dict[str, list[float]] = {"on": [], "off": []}
            for round_number in range(ROUNDS):
                order = [("on", on), ("off", off)]
                if round_number % 2:  # neither app always runs second
                    order.reverse()
                for label, app in order:
                    times[label].append(_per_call_us(app, path, cookie))
            us_on, us_off = statistics.median(times["on"]), statistics.median(times["off"])
            rows.append({"page": name, "path": path, "us_per_view_off": round(us_off, 1),
                         "us_per_view_on": round(us_on, 1),
                         "cost_us": round(us_on - us_off, 1),
                         "cost": round(us_on / us_off - 1, 4)})
        recorder = on.extensions["funnels"]
        recorder.flush()
        # The on-app must really have counted, or the comparison means nothing.
        views = sum(n for (_, _, event, _), n in recorder.store.counts("0000", "9999").items()
                    if event == "view")
    if views < ROUNDS * CALLS:
        raise RuntimeError(f"funnels on counted {views} product views; expected every one")
    return rows
