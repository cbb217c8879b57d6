"""Payouts: the holding period, batches that pay each order once (even two at a time),
clawbacks in the next payout, and `flask creators payouts` in every format."""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from storefront import create_app
from storefront.orders import db, ledger_for, payouts
from storefront.orders.tables import payout_batches, payout_items
from tests.orders.conftest import downgrade, order_rows, read
from tests.orders.payloads import CREATED, SECRET, deliver, order, refund

HOLD = 30
NOV_3 = CREATED  # 2026-11-03 10:00 UTC
DEC_3 = NOV_3 + timedelta(days=HOLD)  # its commission becomes payable
DEC_1 = datetime(2026, 12, 1, tzinfo=UTC)
JAN_1 = datetime(2027, 1, 1, tzinfo=UTC)
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[commission]\npercent = 15\n',
    "leo": 'name = "Leo Park"\n[commission]\nper_order = "5.00"\n',
    "sam": 'name = "=SUM(A1:A9)"\n',  # a name a spreadsheet would run; the default 10 %
}


@pytest.fixture
def app(tmp_path, database):
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, text in CREATORS.items():
        (folder / f"{handle}.toml").write_text(text)
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET, "CREATORS_RELOAD_SECONDS": "0",
                       "CREATORS_DIR": str(folder), "COMMISSION_HOLD_DAYS": str(HOLD)})


class Clock:
    def __init__(self, ledger, moment: datetime) -> None:
        self.moment = moment
        ledger.clock = lambda: self.moment


@pytest.fixture
def clock(ledger):
    return Clock(ledger, DEC_1)


def place(client, order_id, subtotal, creator, created=NOV_3, **fields):
    deliver(client, "orders/create", order(order_id, subtotal=subtotal, creator=creator,
                                           created=created, **fields))


def figures(ledger, period, now):
    report = payouts.statement(ledger.engine, ledger.registry, period, now, HOLD)
    return report, {(row.creator, row.currency): row for row in report.rows}


def pay(ledger, period, now):
    return payouts.mark_paid(ledger.engine, ledger.registry, period, now, HOLD)


def paid_per_order(ledger) -> dict[int, Decimal]:
    found: dict[int, Decimal] = defaultdict(Decimal)
    for item in read(ledger, payout_items):
        found[item["order_id"]] += item["amount"]
    return dict(found)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["creators", "payouts", *args])


# -- the figures and the holding period ------------------------------------------------


def test_a_months_figures_per_creator(client, ledger):
    place(client, 1, "100.00", "maya")
    place(client, 2, "40.00", "maya")
    place(client, 3, "60.00", "leo")
    later = NOV_3 + timedelta(hours=2)
    place(client, 4, "80.00", "leo")
    deliver(client, "orders/cancelled", order(4, subtotal="80.00", creator="leo",
                                              updated=later, cancelled=later))
    place(client, 5, "999.00", None)  # the brand's: no commission, no row
    place(client, 6, "50.00", "maya", created=datetime(2026, 10, 20, tzinfo=UTC))
    report, rows = figures(ledger, "2026-11", DEC_3)
    assert [(r.creator, r.currency) for r in report.rows] == [("leo", "USD"), ("maya", "USD")]
    maya, leo = rows[("maya", "USD")], rows[("leo", "USD")]
    assert (maya.orders, maya.net_sales, maya.earned) == (2, Decimal("140.00"),
                                                          Decimal("21.00"))
    assert (leo.orders, leo.net_sales, leo.earned) == (1, Decimal("60.00"), Decimal("5.00"))
    # Payable on Dec 3 10:00: November 3's orders, and October's order of Maya (7.50).
    assert (maya.payable, maya.adjustments, maya.paid, maya.amount) == (
        Decimal("28.50"), Decimal(0), Decimal(0), Decimal("28.50"))
    assert leo.payable == Decimal("5.00")
    assert report.batch is None and report.totals() == {"USD": Decimal("33.50")}


def test_commission_becomes_payable_when_the_holding_period_ends(client, ledger):
    place(client, 1, "100.00", "maya")
    _, rows = figures(ledger, "2026-11", DEC_3 - timedelta(seconds=1))
    assert rows[("maya", "USD")].payable == 0 and rows[("maya", "USD")].earned == Decimal("15")
    _, rows = figures(ledger, "2026-11", DEC_3)
    assert rows[("maya", "USD")].payable == Decimal("15.00")


def test_the_holding_period_is_a_setting(tmp_path, database):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "SHOPIFY_WEBHOOK_SECRET": SECRET, "COMMISSION_HOLD_DAYS": "0"})
    Clock(ledger_for(app), DEC_1)
    place(app.test_client(), 1, "100.00", "maya")  # the suite's Maya: the default 10 %
    data = json.loads(run(app, "--period", "2026-11", "--format", "json").output)
    assert data["hold_days"] == 0 and data["creators"][0]["payable"] == "10.00"


def test_orders_after_the_period_wait_for_their_own(client, ledger):
    place(client, 1, "100.00", "maya", created=datetime(2026, 12, 2, tzinfo=UTC))
    _, rows = figures(ledger, "2026-11", JAN_1 + timedelta(days=40))
    assert rows == {}


def test_per_order_rounding_makes_the_payout_the_sum_of_its_items(client, ledger):
    for order_id, subtotal in ((1, "10.10"), (2, "10.30"), (3, "10.50")):
        place(client, order_id, subtotal, "maya")
    report = pay(ledger, "2026-11", DEC_3)
    assert paid_per_order(ledger) == {1: Decimal("1.52"), 2: Decimal("1.54"),
                                      3: Decimal("1.58")}
    assert report.rows[0].amount == Decimal("4.64") == report.rows[0].earned


def test_yen_payouts(client, ledger):
    place(client, 1, "1010", "maya", currency="JPY")
    place(client, 2, "1030", "maya", currency="JPY")
    place(client, 3, "12345", "leo", currency="JPY")
    report = pay(ledger, "2026-11", DEC_3)
    data = json.loads(payouts.as_json(report))
    amounts = {(r["creator"], r["currency"]): r["amount"] for r in data["creators"]}
    assert amounts == {("leo", "JPY"): "5", ("maya", "JPY"): "306"}
    assert data["totals"] == {"JPY": "311"}


# -- batches ---------------------------------------------------------------------------


def test_a_batch_pays_what_is_payable_and_a_period_is_paid_once(client, ledger):
    place(client, 1, "100.00", "maya")
    place(client, 2, "100.00", "maya", created=datetime(2026, 11, 20, tzinfo=UTC))
    report = pay(ledger, "2026-11", DEC_3)
    assert report.batch.period == "2026-11" and report.batch.hold_days == HOLD
    [maya] = report.rows
    assert (maya.amount, maya.paid, maya.payable) == (Decimal("15.00"), Decimal("15.00"), 0)
    with pytest.raises(payouts.AlreadyPaid, match="2026-11 was already paid: batch"):
        pay(ledger, "2026-11", JAN_1)
    assert paid_per_order(ledger) == {1: Decimal("15.00")}
    # November 20's order became payable since: the next period's batch pays it.
    _, rows = figures(ledger, "2026-11", JAN_1)
    assert (rows[("maya", "USD")].payable, rows[("maya", "USD")].amount) == (
        Decimal("15.00"), Decimal("15.00"))  # amount: what November's batch paid
    pay(ledger, "2026-12", JAN_1)
    assert paid_per_order(ledger) == {1: Decimal("15.00"), 2: Decimal("15.00")}


def test_a_period_is_paid_only_once_it_is_over(client, ledger):
    with pytest.raises(payouts.NotOver, match="2026-11 is not over yet"):
        pay(ledger, "2026-11", DEC_1 - timedelta(seconds=1))
    assert read(ledger, payout_batches) == []


def test_a_refund_after_a_payout_is_taken_from_the_next_payout(client, ledger):
    place(client, 1, "100.00", "maya")
    pay(ledger, "2026-11", DEC_3)  # 15.00
    deliver(client, "refunds/create", refund(11, 1, "100.00", created=DEC_3 + timedelta(days=2)))
    place(client, 2, "200.00", "maya", created=datetime(2026, 12, 1, tzinfo=UTC))
    _, rows = figures(ledger, "2026-12", JAN_1)
    maya = rows[("maya", "USD")]
    assert (maya.earned, maya.adjustments, maya.payable, maya.amount) == (
        Decimal("30.00"), Decimal("-15.00"), Decimal("15.00"), Decimal("15.00"))
    report = pay(ledger, "2026-12", JAN_1)
    assert report.rows[0].amount == Decimal("15.00")
    items = sorted((i["order_id"], i["sequence"], i["amount"]) for i in read(ledger, payout_items))
    assert items == [(1, 1, Decimal("15.00")), (1, 2, Decimal("-15.00")),
                     (2, 1, Decimal("30.00"))]


def test_a_negative_balance_is_carried_never_paid(app, client, ledger):
    place(client, 1, "100.00", "maya")
    pay(ledger, "2026-11", DEC_3)
    deliver(client, "refunds/create", refund(11, 1, "100.00", created=DEC_3 + timedelta(days=2)))
    place(client, 2, "40.00", "maya", created=datetime(2026, 12, 1, tzinfo=UTC))  # 6.00
    report = pay(ledger, "2026-12", JAN_1)
    [maya] = report.rows
    assert (maya.adjustments, maya.payable, maya.amount) == (
        Decimal("-15.00"), Decimal("-9.00"), Decimal(0))
    assert paid_per_order(ledger) == {1: Decimal("15.00")}  # nothing recorded for December
    assert "a negative payable is not paid" in payouts.as_table(report)
    csv_rows = list(csv.DictReader(io.StringIO(payouts.as_csv(report))))
    assert (csv_rows[0]["amount"], csv_rows[0]["payable"]) == ("0.00", "-9.00")
    # January's new commission covers it: the clawback and both orders settle at once.
    place(client, 3, "100.00", "maya", created=datetime(2027, 1, 2, tzinfo=UTC))
    report = pay(ledger, "2027-01", datetime(2027, 2, 1, 12, tzinfo=UTC))
    assert report.rows[0].amount == Decimal("6.00")
    assert paid_per_order(ledger) == {1: Decimal("0.00"), 2: Decimal("6.00"),
                                      3: Decimal("15.00")}


def test_a_credit_moved_after_a_payout_is_paid_back_by_one_to_the_other(client, ledger):
    deliver(client, "orders/create", order(1, subtotal="100.00", created=NOV_3,
                                           landing_site="/@maya"))
    place(client, 2, "100.00", "maya")
    pay(ledger, "2026-11", DEC_3)
    # A later version carries Leo's attribute: the order is Leo's now.
    deliver(client, "orders/updated", order(1, subtotal="100.00", created=NOV_3, creator="leo",
                                            landing_site="/@maya", updated=DEC_3))
    report = pay(ledger, "2026-12", JAN_1)
    rows = {row.creator: row for row in report.rows}
    assert (rows["maya"].adjustments, rows["maya"].amount) == (Decimal("-15.00"), 0)
    assert rows["leo"].amount == Decimal("5.00")
    assert {(i["creator"], i["amount"]) for i in read(ledger, payout_items)} == {
        ("maya", Decimal("15.00")), ("leo", Decimal("5.00"))}  # Maya's -15 is carried


def test_the_database_refuses_a_second_batch_or_a_second_payment(client, ledger):
    place(client, 1, "100.00", "maya")
    pay(ledger, "2026-11", DEC_3)
    [item] = read(ledger, payout_items)
    dec_3, jan_1 = DEC_3.replace(tzinfo=None), JAN_1.replace(tzinfo=None)  # as stored
    with pytest.raises(IntegrityError), ledger.engine.begin() as conn:
        conn.execute(insert(payout_batches).values(period="2026-11", created_at=dec_3,
                                                   hold_days=HOLD))
    with pytest.raises(IntegrityError), ledger.engine.begin() as conn:
        batch = conn.execute(insert(payout_batches).values(
            period="2026-12", created_at=jan_1, hold_days=HOLD)).inserted_primary_key[0]
        conn.execute(insert(payout_items).values(
            {**{k: v for k, v in item.items() if k != "id"}, "batch_id": batch}))
    assert len(read(ledger, payout_batches)) == 1


def concurrently(ledger, periods, now):
    """mark_paid for each period at once, each on an engine of its own (as two processes);
    what each returned or raised."""
    engines = [db.make_engine(ledger.url) for _ in periods]
    start = threading.Barrier(len(periods))
    results: list[object] = [None] * len(periods)

    def one(index):
        start.wait()
        try:
            results[index] = payouts.mark_paid(engines[index], ledger.registry,
                                               periods[index], now, HOLD)
        except payouts.PayoutError as problem:
            results[index] = problem

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(periods))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    return results


def test_two_runs_of_one_period_at_once_pay_once(client, ledger):
    for order_id in range(1, 6):
        place(client, order_id, "100.00", "maya")
    results = concurrently(ledger, ["2026-11", "2026-11"], DEC_3)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyPaid", "Statement"]
    assert len(read(ledger, payout_batches)) == 1
    assert paid_per_order(ledger) == {n: Decimal("15.00") for n in range(1, 6)}


def test_two_periods_paid_at_once_pay_each_order_once(client, ledger):
    # Both periods' batches would pay November's orders on January 1st.
    for order_id in range(1, 6):
        place(client, order_id, "100.00", "maya")
    results = concurrently(ledger, ["2026-11", "2026-12"], JAN_1)
    # SQLite lets one writer in at a time (the second finds everything paid);
    # on PostgreSQL the second may also fail on the unique key, recording nothing.
    assert all(isinstance(r, payouts.Statement | payouts.Busy) for r in results), results
    assert any(isinstance(r, payouts.Statement) for r in results)
    assert paid_per_order(ledger) == {n: Decimal("15.00") for n in range(1, 6)}
    assert sum(r.rows[0].amount for r in results if isinstance(r, payouts.Statement)
               if r.rows) == Decimal("75.00")


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_batches_made_from_the_same_figures_cannot_both_pay(client, ledger, monkeypatch):
    # Forced on PostgreSQL: both batches read the ledger before either writes (SQLite's
    # one writer at a time cannot get there). The unique (order, sequence) key stops one.
    for order_id in range(1, 6):
        place(client, order_id, "100.00", "maya")
    both_read = threading.Barrier(2, timeout=30)
    calls = itertools.count()
    real = payouts._read

    def read_then_wait(conn, end):
        found = real(conn, end)
        if next(calls) < 2:  # the two batches' reads, not the statements after
            both_read.wait()
        return found

    monkeypatch.setattr(payouts, "_read", read_then_wait)
    results = concurrently(ledger, ["2026-11", "2026-12"], JAN_1)
    assert sorted(type(r).__name__ for r in results) == ["Busy", "Statement"]
    assert "nothing was recorded for this one: run the command again" in str(
        next(r for r in results if isinstance(r, payouts.Busy)))
    assert len(read(ledger, payout_batches)) == 1
    assert paid_per_order(ledger) == {n: Decimal("15.00") for n in range(1, 6)}


# -- the command -----------------------------------------------------------------------


def test_the_command_marks_a_batch_paid_once(client, ledger, clock, app):
    place(client, 1, "100.00", "maya")
    place(client, 2, "60.00", "leo")
    clock.moment = DEC_3
    result = run(app, "--period", "2026-11", "--mark-paid", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Recorded payout batch 1 for 2026-11.\n"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["creator"], r["amount"], r["period"], r["batch"]) for r in rows] == [
        ("leo", "5.00", "2026-11", "1"), ("maya", "15.00", "2026-11", "1")]
    again = run(app, "--period", "2026-11", "--mark-paid")
    assert again.exit_code == 1
    assert "2026-11 was already paid: batch 1" in again.output
    assert "Nothing was paid twice" in again.output
    assert len(read(ledger, payout_items)) == 2
    table = run(app, "--period", "2026-11").output
    assert "Paid: batch 1, recorded 2026-12-03 10:00 UTC" in table
    assert "paid in batch 1: 20.00 USD" in table


def test_the_table_and_json(client, ledger, clock, app):
    place(client, 1, "100.00", "maya")
    clock.moment = DEC_3
    table = run(app, "--period", "2026-11")
    assert table.exit_code == 0, table.output
    assert "Payouts 2026-11 (UTC), as of 2026-12-03 10:00 UTC" in table.output
    assert "Not paid yet" in table.output and "Maya Rivers" in table.output
    assert "to pay: 15.00 USD" in table.output
    data = json.loads(run(app, "--period", "2026-11", "--format", "json").output)
    assert data["batch"] is None and data["hold_days"] == HOLD
    assert data["creators"] == [{
        "creator": "maya", "name": "Maya Rivers", "currency": "USD", "period": "2026-11",
        "batch": None, "orders": 1, "net_sales": "100.00", "earned": "15.00",
        "adjustments": "0.00", "payable": "15.00", "paid": "0.00", "amount": "15.00"}]
    assert "no commission" in run(app, "--period", "2026-09").output


def test_csv_cells_are_safe_for_spreadsheets(client, ledger, clock, app):
    place(client, 1, "100.00", "sam")
    clock.moment = DEC_3
    result = run(app, "--period", "2026-11", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["name"] == "'=SUM(A1:A9)" and row["amount"] == "10.00"
    assert list(row) == payouts.COLUMNS


@pytest.mark.parametrize("period", ["11/2026", "2026-13", "2026-1", "", "2026-11; DROP"])
def test_a_bad_period_says_what_it_wants(app, period):
    result = run(app, "--period", period)
    assert result.exit_code == 2 and "like 2026-11" in result.output
    assert "Traceback" not in result.output


def test_the_period_is_required(app):
    result = run(app)
    assert result.exit_code == 2 and "--period" in result.output


def test_an_early_mark_paid_says_when(client, ledger, clock, app):
    result = run(app, "--period", "2026-12", "--mark-paid")
    assert result.exit_code == 1
    assert "2026-12 is not over yet (it ends 2027-01-01 00:00 UTC)" in result.output
    assert order_rows(ledger) == [] and read(ledger, payout_batches) == []


def test_figures_stay_exact_decimals_in_the_database(client, ledger):
    place(client, 1, "0.10", "maya")
    pay(ledger, "2026-11", DEC_3)
    with ledger.engine.connect() as conn:
        amount = conn.execute(select(payout_items.c.amount)).scalar_one()
    assert amount == Decimal("0.02") and isinstance(amount, Decimal)  # 0.015, half to even


def test_migration_0005_gives_the_items_already_paid_their_orders_time(client, ledger, clock):
    place(client, 71, "100.00", "maya")
    place(client, 72, "40.00", "leo", created=NOV_3 + timedelta(days=2))
    pay(ledger, "2026-11", DEC_3 + timedelta(days=3))
    before = payouts.balances(ledger.engine, NOV_3.replace(tzinfo=None),
                              JAN_1.replace(tzinfo=None), JAN_1, HOLD)
    assert before[("maya", "USD")].paid == Decimal("15.00")
    # The ledger as it was at revision 0004 (the items without their order's time)...
    downgrade(ledger, "0004")
    # ...brought to head again: each item takes its order's time, and balances agree.
    db.migrate(ledger.engine)
    created = {row["order_id"]: row["created_at"] for row in order_rows(ledger)}
    items = read(ledger, payout_items)
    assert len(items) == 2
    assert all(item["order_created_at"] == created[item["order_id"]] for item in items)
    assert payouts.balances(ledger.engine, NOV_3.replace(tzinfo=None),
                            JAN_1.replace(tzinfo=None), JAN_1, HOLD) == before


# -- what each order keeps of its payout items (paid_units, paid_away: migration 0009) --


def kept_from_items(ledger) -> dict[int, tuple[int | None, bool]]:
    """Each order's paid_units and paid_away as its payout items make them."""
    items = defaultdict(list)
    for item in read(ledger, payout_items):
        items[item["order_id"]].append(item)
    found = {}
    for row in order_rows(ledger):
        theirs = [i["amount"] for i in items[row["order_id"]] if i["creator"] == row["creator"]]
        found[row["order_id"]] = (
            sum(int(a.scaleb(4)) for a in theirs) if theirs else None,
            any(i["creator"] != row["creator"] for i in items[row["order_id"]]))
    return found


def kept(ledger) -> dict[int, tuple[int | None, bool]]:
    return {row["order_id"]: (row["paid_units"], row["paid_away"]) for row in order_rows(ledger)}


def test_orders_keep_what_their_items_paid_through_refunds_and_moved_credit(client, ledger):
    place(client, 1, "100.00", "maya")
    place(client, 2, "80.00", "leo")
    place(client, 3, "50.00", None)  # the brand's: never paid
    assert kept(ledger) == kept_from_items(ledger) == {1: (None, False), 2: (None, False),
                                                       3: (None, False)}
    pay(ledger, "2026-11", DEC_3)
    assert kept(ledger) == kept_from_items(ledger)
    assert kept(ledger)[1] == (150000, False)  # 15.00 paid to Maya
    deliver(client, "refunds/create", refund(9, 1, "40.00"))
    # Order 1 moves to Leo, then back to Maya; order 2 goes to the brand.
    deliver(client, "orders/updated", order(1, subtotal="100.00", created=NOV_3, creator="leo",
                                            updated=DEC_3))
    assert kept(ledger) == kept_from_items(ledger)
    assert kept(ledger)[1] == (None, True)
    pay(ledger, "2026-12", JAN_1)  # Maya owes back 15.00 (carried); Leo is paid 5.00
    assert kept(ledger) == kept_from_items(ledger)
    deliver(client, "orders/updated", order(1, subtotal="100.00", created=NOV_3,
                                            creator="maya", updated=DEC_3 + timedelta(days=1)))
    deliver(client, "orders/updated", order(2, subtotal="80.00", created=NOV_3,
                                            updated=DEC_3 + timedelta(days=1)))
    assert kept(ledger) == kept_from_items(ledger)
    assert kept(ledger)[2] == (None, True)
    report = pay(ledger, "2027-01", datetime(2027, 2, 1, tzinfo=UTC))
    assert kept(ledger) == kept_from_items(ledger)
    # Nothing is owed once the batches took it all in: the figures are the items'.
    assert all(row.payable == 0 for row in report.rows if row.amount > 0)


def test_migration_0009_fills_what_orders_keep_from_the_items(client, ledger):
    place(client, 81, "100.00", "maya")
    place(client, 82, "40.00", "leo")
    pay(ledger, "2026-11", DEC_3)
    deliver(client, "orders/updated", order(81, subtotal="100.00", created=NOV_3,
                                            creator="leo", updated=DEC_3))
    before_kept = kept(ledger)
    before = figures(ledger, "2026-12", JAN_1)[0].rows
    assert before_kept[81] == (None, True) and before_kept[82] == (50000, False)
    # The ledger as it was at revision 0008 (nothing kept on the orders)...
    downgrade(ledger, "0008")
    # ...brought to head again: each order gets what its items paid, and the figures agree.
    db.migrate(ledger.engine)
    assert kept(ledger) == before_kept == kept_from_items(ledger)
    assert figures(ledger, "2026-12", JAN_1)[0].rows == before
