"""Failed admin sign-ins are throttled per address and store-wide, anonymous requests
cost at most one password hash at a time, and a signed-in admin hashes once.

Time is moved with a fake clock, never slept through.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.admin import auth
from storefront.admin.throttle import FailureBudget, RecentSignIns
from tests.admin.conftest import AUTH

ADMIN_AT = "192.0.2.10"
GUESSER_AT = "198.51.100.7"
WRONG = (AUTH[0], "wrong password")


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def with_clock(app) -> Clock:
    clock = Clock()
    app.extensions["admin_sign_in"].clock = clock
    return clock


def attempt(app, credentials, address: str):
    return app.test_client().get("/admin/creators", auth=credentials,
                                 environ_base={"REMOTE_ADDR": address})


def throttled(reply, seconds: int) -> None:
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == str(seconds)
    assert reply.mimetype == "text/plain"
    assert f"Try again in {seconds} seconds" in reply.get_data(as_text=True)
    assert "WWW-Authenticate" not in reply.headers
    assert reply.headers["Cache-Control"] == "no-store"


def fail(app, times: int, address: str) -> None:
    for _ in range(times):
        assert attempt(app, WRONG, address).status_code == 401


@pytest.fixture
def hashed(make_app, monkeypatch):
    """An app whose password is a hash, and the list of passwords it has hashed since
    it started (the real check still runs)."""
    app = make_app(ADMIN_PASSWORD=generate_password_hash(AUTH[1], method="pbkdf2:sha256:1000"))
    calls = []

    def counting(stored: str, given: str) -> bool:
        calls.append(given)
        return check_password_hash(stored, given)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    return app, calls


# Per address


def test_an_address_over_its_budget_gets_429_until_its_window_passes(app):
    clock = with_clock(app)
    fail(app, auth.ADDRESS_FAILURES, GUESSER_AT)
    throttled(attempt(app, WRONG, GUESSER_AT), auth.ADDRESS_SECONDS)
    # Even the right password: a 429 that let it through would be a free oracle.
    throttled(attempt(app, AUTH, GUESSER_AT), auth.ADDRESS_SECONDS)
    # Other addresses are not held back.
    assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    assert attempt(app, WRONG, "198.51.100.8").status_code == 401

    clock.now += auth.ADDRESS_SECONDS - 1
    throttled(attempt(app, AUTH, GUESSER_AT), 1)
    clock.now += 1
    assert attempt(app, AUTH, GUESSER_AT).status_code == 200


def test_the_window_slides(app):
    clock = with_clock(app)
    fail(app, 5, GUESSER_AT)
    clock.now += 200
    fail(app, auth.ADDRESS_FAILURES - 5, GUESSER_AT)
    throttled(attempt(app, WRONG, GUESSER_AT), auth.ADDRESS_SECONDS - 200)
    # The first five age out together; the last five still count.
    clock.now += auth.ADDRESS_SECONDS - 200
    fail(app, 5, GUESSER_AT)
    throttled(attempt(app, WRONG, GUESSER_AT), 200)


def test_a_successful_sign_in_clears_the_address_failures(app):
    with_clock(app)
    fail(app, auth.ADDRESS_FAILURES - 1, ADMIN_AT)
    assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    fail(app, auth.ADDRESS_FAILURES, ADMIN_AT)
    assert attempt(app, WRONG, ADMIN_AT).status_code == 429


def test_wrong_user_names_count_and_missing_credentials_do_not(app):
    with_clock(app)
    client = app.test_client()
    for _ in range(3 * auth.ADDRESS_FAILURES):
        reply = client.get("/admin/creators", environ_base={"REMOTE_ADDR": GUESSER_AT})
        assert reply.status_code == 401
    for _ in range(auth.ADDRESS_FAILURES):
        assert attempt(app, ("root", AUTH[1]), GUESSER_AT).status_code == 401
    assert attempt(app, ("root", AUTH[1]), GUESSER_AT).status_code == 429


# Store-wide


def test_many_addresses_hit_the_store_budget_but_a_signed_in_admin_gets_in(app):
    clock = with_clock(app)
    assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    for n in range(auth.STORE_FAILURES):
        assert attempt(app, WRONG, f"10.0.{n // 250}.{n % 250}").status_code == 401

    throttled(attempt(app, WRONG, "203.0.113.1"), auth.STORE_SECONDS)
    # The right password from an address that has not signed in waits too...
    throttled(attempt(app, AUTH, "203.0.113.2"), auth.STORE_SECONDS)
    # ...but the admin who signed in before keeps working.
    for _ in range(3):
        assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    # Wrong credentials from the admin's address are not let through by it.
    throttled(attempt(app, WRONG, ADMIN_AT), auth.STORE_SECONDS)

    clock.now += auth.STORE_SECONDS
    assert attempt(app, AUTH, "203.0.113.2").status_code == 200


# CPU: password hashes


def test_a_signed_in_admin_hashes_once_per_address_and_period(hashed):
    app, hashes = hashed
    clock = with_clock(app)
    for _ in range(5):
        assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    assert len(hashes) == 1
    assert attempt(app, AUTH, "192.0.2.11").status_code == 200  # another address
    assert len(hashes) == 2
    clock.now += auth.SIGNED_IN_SECONDS
    assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    assert len(hashes) == 3


def test_throttled_and_anonymous_attempts_do_no_hash_work(hashed):
    app, hashes = hashed
    with_clock(app)
    fail(app, auth.ADDRESS_FAILURES, GUESSER_AT)
    assert len(hashes) == auth.ADDRESS_FAILURES
    for credentials in [WRONG, AUTH] * 10:
        assert attempt(app, credentials, GUESSER_AT).status_code == 429
    client = app.test_client()
    for headers in ({}, {"Authorization": "Basic !!not base64!!"},
                    {"Authorization": f"Bearer {AUTH[1]}"}):
        assert client.get("/admin/creators", headers=headers).status_code == 401
    assert attempt(app, ("root", "anything"), "198.51.100.9").status_code == 401
    assert len(hashes) == auth.ADDRESS_FAILURES


def test_the_store_budget_stops_hash_work_from_many_addresses(hashed):
    app, hashes = hashed
    with_clock(app)
    for n in range(auth.STORE_FAILURES + 50):
        attempt(app, WRONG, f"10.1.{n // 250}.{n % 250}")
    assert len(hashes) == auth.STORE_FAILURES


def test_concurrent_attempts_get_503_instead_of_a_second_hash(hashed, monkeypatch):
    app, _ = hashed
    with_clock(app)
    assert attempt(app, AUTH, ADMIN_AT).status_code == 200  # signed in before the rush
    started, finish, calls = threading.Event(), threading.Event(), []

    def slow(stored: str, given: str) -> bool:
        calls.append(given)
        started.set()
        assert finish.wait(10)
        return check_password_hash(stored, given)

    monkeypatch.setattr(auth, "check_password_hash", slow)
    first = []
    worker = threading.Thread(target=lambda: first.append(attempt(app, WRONG, GUESSER_AT)))
    worker.start()
    try:
        assert started.wait(10)
        for address in (GUESSER_AT, "198.51.100.8"):
            for credentials in (WRONG, AUTH):
                reply = attempt(app, credentials, address)
                assert reply.status_code == 503
                assert reply.headers["Retry-After"] == "1"
                assert reply.mimetype == "text/plain"
        # The signed-in admin needs no hash, so is not kept waiting.
        assert attempt(app, AUTH, ADMIN_AT).status_code == 200
    finally:
        finish.set()
        worker.join(10)
    assert first[0].status_code == 401
    assert calls == [WRONG[1]]
    # A refused-as-busy attempt was not checked, so it did not count as a failure.
    fail(app, auth.ADDRESS_FAILURES - 1, GUESSER_AT)
    assert attempt(app, WRONG, GUESSER_AT).status_code == 429


# throttle.py on its own


def test_a_failure_budget_keeps_a_bounded_number_of_addresses():
    budget = FailureBudget(2, 60, keys=3)
    for address in ("a", "b", "c"):
        budget.failed(address, 0)
        assert budget.failed(address, 0) is True  # this one used the budget up
    assert all(budget.wait(address, 1) == 59 for address in ("a", "b", "c"))
    budget.failed("d", 1)  # a fourth address: "a", which failed longest ago, is forgotten
    assert budget.wait("a", 1) == 0
    assert budget.wait("b", 1) == 59
    assert len(budget._times) == 3


def test_recent_sign_ins_expire_are_bounded_and_keep_no_password():
    recent = RecentSignIns(600, 2)
    recent.add(("1.2.3.4", "admin", "correct horse"), now=0)
    assert recent.knows(("1.2.3.4", "admin", "correct horse"), now=599)
    assert not recent.knows(("1.2.3.4", "admin", "correct horse"), now=600)
    assert not recent.knows(("1.2.3.4", "admin", "correct horsE"), now=1)
    # Parts are kept apart: moving a character across the boundary is another entry.
    recent.add(("1.2.3.4", "ad", "min:x"), now=0)
    assert not recent.knows(("1.2.3.4", "ad:", "minx"), now=0)
    for n in range(3):
        recent.add(("5.6.7.8", "admin", f"pw{n}"), now=0)
    assert not recent.knows(("5.6.7.8", "admin", "pw0"), now=0)  # oldest dropped
    assert recent.knows(("5.6.7.8", "admin", "pw2"), now=0)
    assert all(len(digest) == 32 and b"pw" not in digest for digest in recent._until)


def test_the_clock_starts_at_never_not_zero():
    # time.monotonic() counts from boot, so "long ago" must not be 0.0: a budget
    # with no failures lets the first try in whatever the clock says.
    budget = FailureBudget(1, 3600)
    assert budget.wait("a", 0.5) == 0
    budget.failed("a", 0.5)
    assert budget.wait("a", 1.0) == 3599.5
