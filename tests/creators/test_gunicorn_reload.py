"""Under gunicorn, SIGHUP brings new creator files in without dropping the server."""

from __future__ import annotations

import shutil
import signal
import time

import requests

from tests.creators import watching_server_env
from tests.fixtures import CREATORS as FIXTURE_CREATORS
from tests.support import processes

NEW_CREATOR = 'name = "Nia Brooks"\n[discount]\ncode = "WELCOME10"\nlabel = "10% off"\n'


def test_sighup_loads_added_and_removed_creators(tmp_path):
    creators = tmp_path / "creators"
    shutil.copytree(FIXTURE_CREATORS, creators)
    server = processes.gunicorn("wsgi:app", env={
        "CREATORS_DIR": str(creators),
        "CREATORS_RELOAD_SECONDS": "0",  # no watcher: only the signal can bring changes in
        "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
        "WEB_CONCURRENCY": "2",
    })
    try:
        server.wait_for("Booting worker", 2)
        assert requests.get(server.url + "/@nia", timeout=10).status_code == 404
        (creators / "nia.toml").write_text(NEW_CREATOR)
        (creators / "ava.toml").unlink()
        server.process.send_signal(signal.SIGHUP)
        server.wait_for("Booting worker", 4)  # two fresh workers...
        server.wait_for("Worker exiting", 2)  # ...and the old two gone, gracefully
        for _ in range(4):  # whichever worker answers
            assert requests.get(server.url + "/@nia", timeout=10).status_code == 200
            assert requests.get(server.url + "/@ava", timeout=10).status_code == 404
        assert server.process.poll() is None
    finally:
        server.stop()
    assert "Traceback" not in server.log()


def _every_worker_shows(url: str, check, deadline_s: float = 30) -> bool:
    """True once ten answers in a row (whichever workers give them) pass `check`."""
    deadline = time.monotonic() + deadline_s
    streak = 0
    while time.monotonic() < deadline and streak < 10:
        streak = streak + 1 if check(requests.get(url, timeout=10)) else 0
    return streak == 10


def test_workers_take_turns_scanning_and_all_see_changes(tmp_path):
    creators = tmp_path / "creators"
    shutil.copytree(FIXTURE_CREATORS, creators)
    server = processes.gunicorn("wsgi:app", env=watching_server_env(tmp_path, creators))
    try:
        server.wait_for("Booting worker", 2)
        assert requests.get(server.url + "/@nia", timeout=10).status_code == 404
        (creators / "nia.toml").write_text(NEW_CREATOR)
        assert _every_worker_shows(server.url + "/@nia", lambda r: r.status_code == 200)
        # Edited in place (no new name in the folder), as an editor saves it.
        with open(creators / "nia.toml", "r+") as file:
            file.write(NEW_CREATOR.replace("Nia Brooks", "Nia Okafor"))
        assert _every_worker_shows(server.url + "/@nia", lambda r: "Nia Okafor" in r.text)
        locks = list((tmp_path / "instance").glob("creators-*.lock"))
        assert locks  # one worker scanned; the other followed its marker
    finally:
        server.stop()
    assert "Traceback" not in server.log()
