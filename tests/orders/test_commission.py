"""Commission: each creator's rule (or the default), per-order rounding, kept per order and
recomputed on refunds and cancellations, with the rule the order was credited under."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from storefront import create_app
from storefront.config import ConfigError
from storefront.orders import Ledger, db, ledger_for
from storefront.orders.commission import BadRule, commission, parse_rule, rule_text
from storefront.orders.tables import orders
from tests.orders.conftest import order_rows
from tests.orders.payloads import CREATED, SECRET, deliver, order, refund

LATER = CREATED + timedelta(hours=1)
CREATORS = {
    "maya": 'name = "Maya Rivers"\n[discount]\ncode = "MAYA15"\n[commission]\npercent = 15\n',
    "leo": 'name = "Leo Park"\n[commission]\nper_order = "5.00"\n',
    "sam": 'name = "Sam Ito"\n',  # no [commission]: COMMISSION_PERCENT
}


def write_creators(folder, creators=CREATORS):
    folder.mkdir(exist_ok=True)
    for handle, text in creators.items():
        (folder / f"{handle}.toml").write_text(text)
    return folder


@pytest.fixture
def app(tmp_path, database):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "SHOPIFY_WEBHOOK_SECRET": SECRET, "CREATORS_RELOAD_SECONDS": "0",
                       "CREATORS_DIR": str(write_creators(tmp_path / "creators"))})


def row_of(ledger, order_id):
    return next(row for row in order_rows(ledger) if row["order_id"] == order_id)


# -- the arithmetic ------------------------------------------------------------------


def test_a_percentage_of_net_sales_rounded_to_the_cent():
    assert commission("percent:15", Decimal("90.00"), False, "USD") == Decimal("13.50")
    assert commission("percent:12.5", Decimal("10.01"), False, "USD") == Decimal("1.25")


def test_three_orders_each_ending_in_half_a_cent_round_half_to_even():
    # 15 % of each is x.xx5 exactly: the half goes to the even cent, each order on its own.
    found = [commission("percent:15", Decimal(net), False, "USD")
             for net in ("10.10", "10.30", "10.50")]
    assert found == [Decimal("1.52"), Decimal("1.54"), Decimal("1.58")]
    # A payout is the sum of these (4.64), not the rounded sum of the exact ones (4.635).
    assert sum(found) == Decimal("4.64")


def test_yen_have_no_minor_unit():
    assert commission("percent:15", Decimal("1010"), False, "JPY") == Decimal("152")
    assert commission("percent:15", Decimal("1030"), False, "JPY") == Decimal("154")
    assert str(commission("percent:15", Decimal("12345"), False, "JPY")) == "1852"
    assert str(commission("per_order:5.00", Decimal("12345"), False, "JPY")) == "5"
    assert str(commission("per_order:5.5", Decimal("12345"), False, "JPY")) == "6"


def test_a_fixed_amount_per_order():
    assert commission("per_order:5.00", Decimal("0.01"), False, "USD") == Decimal("5.00")
    assert commission("per_order:5", Decimal("900.00"), False, "KWD") == Decimal("5.000")


@pytest.mark.parametrize("rule", ["percent:15", "per_order:5.00"])
def test_nothing_for_cancelled_refunded_or_brand_orders(rule):
    assert commission(rule, Decimal("90.00"), True, "USD") == Decimal("0.00")
    assert commission(rule, Decimal("0.00"), False, "USD") == Decimal("0.00")
    assert commission(rule, Decimal("-3.00"), False, "USD") == Decimal("0.00")
    assert commission(None, Decimal("90.00"), False, "USD") == Decimal("0.00")


@pytest.mark.parametrize("text", ["percent:101", "percent:-1", "per_order:-5", "percent:x",
                                  "share:5", "percent:NaN", "per_order:Infinity", ""])
def test_a_rule_text_is_read_strictly(text):
    with pytest.raises(BadRule):
        parse_rule(text)


def test_rule_texts_have_no_exponents():
    assert rule_text("percent", Decimal("1E+2")) == "percent:100"
    assert parse_rule("per_order:5.00") == ("per_order", Decimal("5.00"))


# -- in the ledger -------------------------------------------------------------------


def test_each_creators_rule_and_the_default(client, ledger):
    deliver(client, "orders/create", order(1, subtotal="90.00", creator="maya"))
    deliver(client, "orders/create", order(2, subtotal="90.00", creator="leo"))
    deliver(client, "orders/create", order(3, subtotal="90.00", creator="sam"))
    deliver(client, "orders/create", order(4, subtotal="90.00"))  # the brand's
    found = {r["order_id"]: (r["commission_rule"], r["commission"]) for r in order_rows(ledger)}
    assert found == {1: ("percent:15", Decimal("13.50")), 2: ("per_order:5.00", Decimal("5.00")),
                     3: ("percent:10", Decimal("9.00")), 4: (None, Decimal("0.00"))}


def test_the_default_comes_from_settings(tmp_path, database):
    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                      "SHOPIFY_WEBHOOK_SECRET": SECRET, "COMMISSION_PERCENT": "12.5",
                      "CREATORS_DIR": str(write_creators(tmp_path / "creators"))})
    deliver(app.test_client(), "orders/create", order(3, subtotal="10.01", creator="sam"))
    [row] = order_rows(ledger_for(app))
    assert (row["commission_rule"], row["commission"]) == ("percent:12.5", Decimal("1.25"))


@pytest.mark.parametrize(("name", "value", "says"), [
    ("COMMISSION_PERCENT", "101", "from 0 to 100"),
    ("COMMISSION_PERCENT", "ten", "like 10 or 12.5"),
    ("COMMISSION_PERCENT", "NaN", "from 0 to 100"),
    ("COMMISSION_PERCENT", "1.23456", "4 decimal places"),
    ("COMMISSION_HOLD_DAYS", "-1", "between 0 and 365"),
])
def test_bad_commission_settings_stop_the_start(tmp_path, name, value, says):
    with pytest.raises(ConfigError) as failed:
        create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"), name: value})
    assert name in str(failed.value) and says in str(failed.value)


def test_refunds_and_cancellations_recompute_the_commission(client, ledger):
    deliver(client, "orders/create", order(1, subtotal="100.00", creator="maya"))
    deliver(client, "orders/create", order(2, subtotal="100.00", creator="leo"))
    deliver(client, "refunds/create", refund(11, 1, "30.00"))
    deliver(client, "refunds/create", refund(21, 2, "30.00"))
    assert row_of(ledger, 1)["commission"] == Decimal("10.50")
    assert row_of(ledger, 2)["commission"] == Decimal("5.00")  # still an order with sales
    deliver(client, "refunds/create", refund(12, 1, "70.00"))
    deliver(client, "refunds/create", refund(22, 2, "70.00"))
    assert row_of(ledger, 1)["commission"] == Decimal("0.00")  # fully refunded
    assert row_of(ledger, 2)["commission"] == Decimal("0.00")
    deliver(client, "orders/create", order(3, subtotal="100.00", creator="leo"))
    deliver(client, "orders/cancelled", order(3, subtotal="100.00", creator="leo",
                                              updated=LATER, cancelled=LATER))
    assert row_of(ledger, 3)["commission"] == Decimal("0.00")


def test_a_yen_order_in_the_ledger(client, ledger):
    deliver(client, "orders/create", order(1, subtotal="12345", currency="JPY", creator="maya"))
    deliver(client, "refunds/create", refund(6, 1, "1000", currency="JPY"))
    assert str(row_of(ledger, 1)["commission"]) == "1702"  # 15 % of 11345 = 1701.75


def test_an_edited_creator_file_does_not_reprice_past_orders(app, client, ledger, tmp_path):
    deliver(client, "orders/create", order(1, subtotal="100.00", creator="maya"))
    (tmp_path / "creators" / "maya.toml").write_text(
        'name = "Maya Rivers"\n[commission]\npercent = 20\n')
    app.extensions["creators"].reload()
    deliver(client, "refunds/create", refund(11, 1, "50.00"))  # recomputed: the old rule
    deliver(client, "orders/updated", order(1, subtotal="50.00", creator="maya", updated=LATER,
                                            refunds=(refund(11, 1, "50.00"),)))
    assert (row_of(ledger, 1)["commission_rule"], row_of(ledger, 1)["commission"]) == (
        "percent:15", Decimal("7.50"))
    deliver(client, "orders/create", order(2, subtotal="100.00", creator="maya"))
    assert row_of(ledger, 2)["commission_rule"] == "percent:20"


def test_a_credit_moved_to_another_creator_takes_their_rule(client, ledger):
    # First credited by the code alone; a later version carries Leo's link, which wins.
    deliver(client, "orders/create", order(1, subtotal="100.00", codes=("MAYA15",)))
    assert row_of(ledger, 1)["commission_rule"] == "percent:15"
    deliver(client, "orders/updated", order(1, subtotal="100.00", codes=("MAYA15",),
                                            creator="leo", updated=LATER))
    row = row_of(ledger, 1)
    assert (row["creator"], row["commission_rule"], row["commission"]) == (
        "leo", "per_order:5.00", Decimal("5.00"))


def test_orders_stored_before_commission_existed_are_priced_on_first_use(app, database):
    url = database.fresh()
    engine = db.make_engine(url)
    db.migrate(engine, "0001")  # the ledger before commission, with two orders in it
    stored = {"created_at": CREATED.replace(tzinfo=None), "updated_at": CREATED.replace(
        tzinfo=None), "version": "v", "currency": "USD", "taxes_included": False,
        "subtotal": Decimal("100.00"), "tax": Decimal("0.00"), "reflected_refunds": "[]",
        "net_sales": Decimal("100.00"), "discount_codes": "[]"}
    with engine.begin() as conn:
        conn.execute(insert(orders).values(order_id=1, creator="maya", credit_rule="attribute",
                                           **stored))
        conn.execute(insert(orders).values(order_id=2, credit_rule="brand", **stored))
    engine.dispose()
    upgraded = Ledger(url, app.extensions["creators"])  # migrates to head, then prices
    rows = {r["order_id"]: r for r in order_rows(upgraded)}
    assert (rows[1]["commission_rule"], rows[1]["commission"]) == ("percent:15",
                                                                   Decimal("15.00"))
    assert (rows[2]["commission_rule"], rows[2]["commission"]) == (None, Decimal("0"))
    upgraded.engine.dispose()
