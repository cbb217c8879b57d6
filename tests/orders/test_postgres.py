"""The ledger on PostgreSQL: pools a forked worker does not share, a connection the server
ended replaced, a silent server a quick 503, no password in messages, the driver loaded
only for PostgreSQL; and (on both databases) two instances applying deliveries of one new
order at the same moment take turns."""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from storefront.orders import Delivery, Ledger, db
from tests.orders.conftest import order_rows
from tests.orders.payloads import body, deliver, order, refund
from tests.support.ports import free_port

postgresql = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


@postgresql
def test_a_forked_child_never_uses_its_parents_connections(database):
    engine = db.make_engine(database.fresh())
    parent = backend_pid(engine)  # now idle in the pool
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child (gunicorn's worker): report its connection's server process
        try:
            os.write(writing, str(backend_pid(engine)).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        in_child = int(pipe.read() or 0)
    os.waitpid(child, 0)
    assert in_child and in_child != parent
    # ...and the parent's own connection was left open for it (dropped, not closed).
    assert backend_pid(engine) == parent
    engine.dispose()


@postgresql
def test_a_connection_the_server_ended_is_replaced_before_use(database, postgres_server):
    engine = db.make_engine(database.fresh())
    first = backend_pid(engine)
    postgres_server.execute(f"SELECT pg_terminate_backend({first})")
    assert backend_pid(engine) != first  # no error: the pool checked it first
    engine.dispose()


@postgresql
def test_a_server_that_never_answers_is_a_quick_503(app, client, tmp_path):
    # A port that accepts connections (the kernel does, into the backlog) and
    # never says a word: without a connect timeout, the webhook would hang.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = db.database_url(f"postgresql://shop@127.0.0.1:{port}/orders", str(tmp_path))
        app.extensions["orders"] = Ledger(url, app.extensions["creators"])
        start = time.monotonic()
        reply = deliver(client, "orders/create", order())
        took = time.monotonic() - start
    assert reply.status_code == 503
    assert db.CONNECT_TIMEOUT - 0.5 <= took < db.CONNECT_TIMEOUT + 2


def paused_inside_its_transaction(ledger) -> tuple[threading.Event, threading.Event]:
    """Make `ledger` stop once it has applied a delivery, before it commits: (paused, go on)."""
    paused, resume = threading.Event(), threading.Event()
    real = ledger._write_order  # the last step of applying an order, inside the transaction

    def write_order(*args):
        real(*args)
        paused.set()
        resume.wait(timeout=30)

    ledger._write_order = write_order
    return paused, resume


def in_thread(call) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run():
        call()
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


# A new order's first delivery is being applied by one instance when a second
# delivery of that order reaches the other: its refund (which must not be kept
# blind to the order being inserted, or net sales miss it), or the order again
# (which must not be inserted twice, the loser failing on the key).
SECOND = {
    "refund": ("refunds/create", refund(7, 4402, "30.00"), Decimal("60.00")),
    "the order again": ("orders/paid", order(4402, subtotal="90.00", financial_status="paid"),
                        Decimal("90.00")),
}


@pytest.mark.parametrize("second", sorted(SECOND))
@pytest.mark.parametrize("database", ["postgresql", "sqlite"], indirect=True)
def test_two_instances_apply_one_new_orders_deliveries_one_after_the_other(app, database,
                                                                          second):
    url, registry = database.fresh(), app.extensions["creators"]
    one, two = Ledger(url, registry), Ledger(url, registry)
    assert one.engine is not two.engine  # two pools, as two instances have (migrated now)
    paused, resume = paused_inside_its_transaction(one)
    first, _ = in_thread(lambda: one.receive(Delivery(
        topic="orders/create", body=body(order(4402, subtotal="90.00")))))
    assert paused.wait(timeout=30)
    topic, data, net = SECOND[second]
    other, done = in_thread(lambda: two.receive(Delivery(topic=topic, body=body(data))))
    # The other instance must wait for the first transaction to end. (Half a
    # second is how long it is given to show it would not.)
    overtook = done.wait(timeout=0.5)
    resume.set()
    first.join(timeout=30)
    other.join(timeout=30)
    assert not overtook, "the second delivery was applied while the first was uncommitted"
    assert one.failures() == []
    [row] = order_rows(one)
    assert row["net_sales"] == net
    one.engine.dispose()
    two.engine.dispose()


@postgresql
def test_the_migrate_command_never_shows_the_password(database, tmp_path, monkeypatch):
    from storefront import create_app

    def migrate(url):
        monkeypatch.setenv("DATABASE_URL", url)
        app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})
        return app.test_cli_runner().invoke(args=["orders", "migrate"])

    # (The test server trusts loopback: the password is not checked, only carried.)
    done = migrate(database.url.replace("postgres@", "postgres:hunter2@"))
    assert done.exit_code == 0, done.output
    assert "postgres:***@" in done.output and "hunter2" not in done.output
    failed = migrate(f"postgres://shop:hunter2@127.0.0.1:{free_port()}/orders")
    assert failed.exit_code == 1
    assert "cannot use the orders database (postgresql+psycopg://shop:***@" in failed.output
    assert "hunter2" not in failed.output


def test_a_ledger_on_sqlite_never_loads_the_postgresql_driver(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from storefront import create_app; from storefront.orders import "
            "ledger_for; ledger_for(create_app({})).failures(); "
            "print('psycopg' in sys.modules, 'sqlalchemy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "INSTANCE_DIR": str(tmp_path),
                                           "DATABASE_URL": f"sqlite:///{tmp_path / 'o.db'}"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False True"


# A payout batch is being recorded while a delivery moves the paid order's credit to
# another creator: whichever gets to the order's row first, the order ends up keeping
# what its payout items say (paid_units, paid_away; payouts._keep_paid).
PAID_CREATORS = {"maya": 'name = "Maya"\n[commission]\npercent = 15\n',
                 "leo": 'name = "Leo"\n[commission]\npercent = 10\n'}


def ledger_with_creators(tmp_path, url):
    from storefront.creators import Registry

    folder = tmp_path / "paid-creators"
    folder.mkdir()
    for handle, text_ in PAID_CREATORS.items():
        (folder / f"{handle}.toml").write_text(text_)
    registry = Registry(folder)
    registry.load()
    return Ledger(url, registry)


def moved_to_leo() -> Delivery:
    return Delivery(topic="orders/updated", body=body(order(
        5501, subtotal="100.00", creator="leo",
        updated=datetime(2026, 12, 5, tzinfo=UTC))))


def kept_and_items(ledger) -> tuple[tuple, list[tuple]]:
    from storefront.orders.tables import payout_items

    [row] = order_rows(ledger)
    with ledger.engine.connect() as conn:
        items = [tuple(item) for item in conn.execute(
            select(payout_items.c.creator, payout_items.c.amount))]
    return (row["creator"], row["paid_units"], row["paid_away"]), items


@postgresql
def test_a_credit_moved_while_its_payout_is_recorded_waits_for_it(database, tmp_path,
                                                                  monkeypatch):
    from storefront.orders import payouts

    ledger = ledger_with_creators(tmp_path, database.fresh())
    ledger.receive(Delivery(topic="orders/create", body=body(order(5501, subtotal="100.00",
                                                                    creator="maya"))))
    paused, resume = threading.Event(), threading.Event()
    keep = payouts._keep_paid

    def keep_then_wait(*args):  # the batch has updated the order's row, and not committed
        keep(*args)
        paused.set()
        resume.wait(timeout=30)

    monkeypatch.setattr(payouts, "_keep_paid", keep_then_wait)
    batch, _ = in_thread(lambda: payouts.mark_paid(
        ledger.engine, ledger.registry, "2026-11", datetime(2026, 12, 4, tzinfo=UTC), 30))
    assert paused.wait(timeout=30)
    move, moved = in_thread(lambda: ledger.receive(moved_to_leo()))
    waited = not moved.wait(timeout=0.5)  # (half a second to show it would not wait)
    resume.set()
    batch.join(timeout=30)
    move.join(timeout=30)
    assert waited, "the delivery wrote the order while its payout was uncommitted"
    assert ledger.failures() == []
    # Maya was paid 15.00 for an order that is Leo's now: it is paid away, Leo has nothing.
    assert kept_and_items(ledger) == (("leo", None, True), [("maya", Decimal("15.00"))])
    ledger.engine.dispose()


@postgresql
def test_a_payout_recorded_while_a_credit_moves_waits_for_it(database, tmp_path):
    from storefront.orders import payouts

    ledger = ledger_with_creators(tmp_path, database.fresh())
    ledger.receive(Delivery(topic="orders/create", body=body(order(5501, subtotal="100.00",
                                                                    creator="maya"))))
    paused, resume = paused_inside_its_transaction(ledger)
    move, _ = in_thread(lambda: ledger.receive(moved_to_leo()))
    assert paused.wait(timeout=30)  # Leo's now, uncommitted: the batch still sees Maya's
    batch, recorded = in_thread(lambda: payouts.mark_paid(
        ledger.engine, ledger.registry, "2026-11", datetime(2026, 12, 4, tzinfo=UTC), 30))
    waited = not recorded.wait(timeout=0.5)
    resume.set()
    move.join(timeout=30)
    batch.join(timeout=30)
    assert waited, "the batch updated the order while its new credit was uncommitted"
    # The batch paid Maya from what it read; the order, Leo's by then, says so.
    assert kept_and_items(ledger) == (("leo", None, True), [("maya", Decimal("15.00"))])
    ledger.engine.dispose()
