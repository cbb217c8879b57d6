"""`flask orders import`: Shopify admin's order export into the ledger, a dry run unless --apply.

The fixtures in tests/fixtures/ are written as the admin's "Export orders"
writes them: UTF-8 with a BOM, CRLF line ends, every column in Shopify's
order, one row per line item with the order's columns on its first row,
quoted multi-line Note Attributes, names, emails and addresses (which must
never reach the database).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.orders import Unavailable, backfill
from storefront.orders.tables import deliveries, orders
from tests.orders.conftest import delivery_rows, order_rows, read
from tests.orders.payloads import deliver, order

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXPORT = FIXTURES / "orders_export.csv"
TAXES_INCLUDED = FIXTURES / "orders_export_taxes_included.csv"
IDS = {"#1001": 5634172502283, "#1002": 5634188951819, "#1003": 5634199339019,
       "#1004": 5634210021643, "#1005": 5634221752331}
# #1001's latest time in the export: its Fulfilled at, 2026-11-04 09:15:40 -0500.
UPDATED_1001 = datetime(2026, 11, 4, 14, 15, 40, tzinfo=UTC)


def text_of(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as stream:  # line ends as they are
        return stream.read()


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["orders", "import", *map(str, args)])


def edited(tmp_path: Path, changes: dict[tuple[str, str], str], source: Path = EXPORT,
           name: str = "orders_export.csv") -> Path:
    """A copy of `source` with cells of orders' first rows changed: (Name, column) -> value."""
    text = text_of(source)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    for (order_name, column), value in changes.items():
        first = next(r for r in rows[1:] if r[0] == order_name and r[header.index("Id")])
        first[header.index(column)] = value
    path = tmp_path / name
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    return path


def by_name(ledger) -> dict[str, dict]:
    return {row["name"]: row for row in order_rows(ledger)}


# -- the export, read ---------------------------------------------------------------------


def test_the_fixture_is_written_as_shopify_writes_it():
    raw = EXPORT.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    header = raw.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert len(header) == 79 and header[:4] == ["Name", "Email", "Financial Status", "Paid at"]
    assert header.index("Note Attributes") < header.index("Cancelled at") < header.index("Id")


def test_rows_are_grouped_into_orders_with_their_first_rows_fields():
    export = backfill.read(EXPORT)
    assert export.problems == [] and export.rows == 10
    assert [(o.name, o.line, o.rows) for o in export.orders] == [
        ("#1001", 2, 2), ("#1002", 9, 1), ("#1003", 10, 3), ("#1004", 14, 1), ("#1005", 17, 3)]
    first = export.orders[0].data
    assert first["id"] == IDS["#1001"] and first["currency"] == "USD"
    assert first["financial_status"] == "paid" and first["taxes_included"] is False
    assert first["created_at"] == "2026-11-03T10:00:04-05:00"
    assert first["updated_at"] == "2026-11-04T09:15:40-05:00"  # Fulfilled at, the latest
    assert first["cancelled_at"] is None and first["landing_site"] is None
    assert first["current_subtotal_price_set"]["shop_money"] == {"amount": "90.00",
                                                                 "currency_code": "USD"}
    # The quoted multi-line cell, one attribute per line.
    assert first["note_attributes"][:2] == [
        {"name": "gift_message", "value": "Happy birthday, Jo!"},
        {"name": "_creator", "value": "maya"}]
    assert export.orders[1].data["discount_codes"] == [{"code": "LEO5", "amount": "5.00"}]


def test_refunds_come_off_the_goods_and_cancellations_are_kept():
    export = {o.name: o.data for o in backfill.read(EXPORT).orders}

    def current(name):
        data = export[name]
        return (data["current_subtotal_price_set"]["shop_money"]["amount"],
                data["current_total_tax_set"]["shop_money"]["amount"])

    # 43.20 refunded of 120.00 + 9.60 tax: one 40.00 item and its 3.20 tax.
    assert current("#1003") == ("80.00", "6.40")
    # Refunded in full and cancelled.
    assert current("#1004") == ("0.00", "0.00")
    assert export["#1004"]["cancelled_at"] == "2026-11-11T08:30:00-05:00"
    assert export["#1004"]["updated_at"] == "2026-11-11T08:30:00-05:00"


def test_nothing_personal_is_read():
    for exported in backfill.read(EXPORT).orders:
        text = exported.body.decode()
        for private in ("example.com", "Jo Doe", "Main St", "Brooklyn", "+1555", "neighbour",
                        "Gift wrap", "Shopify Payments", "c2817"):
            assert private not in text
        assert "customer" not in exported.data and "email" not in exported.data


def test_prices_with_tax_included_are_recognised_by_the_total(app, ledger):
    export = backfill.read(TAXES_INCLUDED)
    assert [o.data["taxes_included"] for o in export.orders] == [True, True]
    summary = backfill.summarize(export, ledger.registry)
    # 120.00 with 20.00 VAT in it; 60.00 with 10.00 VAT, half refunded.
    assert summary.net_sales == {"EUR": Decimal("125.00")}
    assert summary.creators[("ava", "EUR")].net_sales == Decimal("100.00")


def test_attributes_are_name_value_lines():
    assert backfill.attributes("_creator: maya\r\ngift_message: Dear Jo,\nsee you soon\n") == [
        {"name": "_creator", "value": "maya"},
        {"name": "gift_message", "value": "Dear Jo,\nsee you soon\n"}]
    assert backfill.attributes("") == []


def test_rows_carrying_the_id_and_orders_sharing_a_name(tmp_path):
    header = "Name,Id,Currency,Subtotal,Created at,Lineitem name\r\n"
    rows = ("#7,71,USD,10.00,2026-11-03 10:00:00 -0500,Tee\r\n"
            "#7,71,,,,Mug\r\n"
            "#7,72,USD,20.00,2026-11-04 10:00:00 -0500,Soap\r\n"
            "#7,,,,,Vase\r\n")
    export = backfill.parse(io.StringIO(header + rows, newline=""))
    assert [(o.data["id"], o.rows, o.line) for o in export.orders] == [(71, 2, 2), (72, 2, 4)]


# -- the command --------------------------------------------------------------------------


def test_a_dry_run_says_what_it_would_do_and_stores_nothing(app, ledger):
    result = run(app, EXPORT)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "5 order(s) on 10 row(s); dry run" in out
    assert "credit: attribute 3, brand 1, code 1" in out
    assert "maya: 1 order(s), 1 cancelled, net sales 90.00 USD" in out
    assert "sam: 1 order(s), net sales 80.00 USD" in out  # by an alias, sam-writes
    assert "leo: 1 order(s), net sales 45.00 USD" in out  # by his code
    assert "(brand): 1 order(s), net sales 72.00 USD" in out
    assert "net sales: 287.00 USD (2 order(s) with refunds)" in out
    assert delivery_rows(ledger) == [] and order_rows(ledger) == []


def test_apply_imports_through_the_ledger_and_twice_adds_nothing(app, ledger):
    result = run(app, EXPORT, "--apply")
    assert result.exit_code == 0, result.output
    assert "imported: 5 new, 0 already imported, 0 failed, 0 skipped" in result.output
    rows = by_name(ledger)
    assert {name: (r["creator"], r["credit_rule"], r["net_sales"]) for name, r in rows.items()} \
        == {"#1001": ("maya", "attribute", Decimal("90.00")),
            "#1002": ("leo", "code", Decimal("45.00")),
            "#1003": ("sam", "attribute", Decimal("80.00")),
            "#1004": ("maya", "attribute", Decimal("0.00")),
            "#1005": (None, "brand", Decimal("72.00"))}
    assert {name: r["order_id"] for name, r in rows.items()} == IDS
    assert rows["#1004"]["cancelled_at"] == datetime(2026, 11, 11, 13, 30)
    assert all(r["customer_id"] is None for r in rows.values())
    assert json.loads(rows["#1002"]["discount_codes"]) == ["LEO5"]
    stored = delivery_rows(ledger)
    assert [(d["topic"], d["status"], d["webhook_id"]) for d in stored] == \
        [("orders/import", "done", None)] * 5
    for delivery in stored:
        for private in ("example.com", "Jo Doe", "Happy birthday", "neighbour"):
            assert private not in delivery["body"]

    again = run(app, EXPORT, "--apply")
    assert again.exit_code == 0, again.output
    assert "imported: 0 new, 5 already imported, 0 failed, 0 skipped" in again.output
    assert len(delivery_rows(ledger)) == 5 and by_name(ledger) == rows


def test_a_later_webhook_wins_over_the_import(app, client, ledger, tmp_path):
    run(app, EXPORT, "--apply")
    later = UPDATED_1001 + timedelta(days=3)
    deliver(client, "orders/updated", order(IDS["#1001"], subtotal="60.00", creator="maya",
                                            updated=later, financial_status="partially_refunded"))
    assert by_name(ledger)["#1001"]["net_sales"] == Decimal("60.00")
    # The export again, and an edited one (a new body, so a new delivery): the webhook stays.
    run(app, EXPORT, "--apply")
    result = run(app, edited(tmp_path, {("#1001", "Subtotal"): "95.00"}), "--apply")
    assert "imported: 1 new, 4 already imported" in result.output
    row = by_name(ledger)["#1001"]
    assert row["net_sales"] == Decimal("60.00") and row["financial_status"] == "partially_refunded"


def test_an_import_after_a_webhook_does_not_roll_it_back(app, client, ledger):
    later = UPDATED_1001 + timedelta(days=1)
    deliver(client, "orders/cancelled", order(IDS["#1001"], creator="june", updated=later,
                                              cancelled=later))
    result = run(app, EXPORT, "--apply")
    assert "imported: 5 new" in result.output  # stored, like any delivery
    row = by_name(ledger)["#1001"]
    assert (row["creator"], row["net_sales"]) == ("june", Decimal("0.00"))
    assert row["cancelled_at"] is not None
    assert len(order_rows(ledger)) == 5


@pytest.mark.parametrize("webhook_first", [True, False])
def test_a_webhook_of_the_same_time_outranks_the_import(app, client, ledger, webhook_first):
    webhook = order(IDS["#1001"], subtotal="70.00", creator="leo", updated=UPDATED_1001,
                    financial_status="paid")
    if webhook_first:
        deliver(client, "orders/create", webhook)
    run(app, EXPORT, "--apply")
    if not webhook_first:
        deliver(client, "orders/create", webhook)
    row = by_name(ledger)["#1001"]
    assert (row["creator"], row["net_sales"]) == ("leo", Decimal("70.00"))


def test_the_webhook_endpoint_does_not_take_the_import_topic(client, ledger):
    reply = deliver(client, "orders/import", order(creator="maya"))
    assert reply.status_code == 200 and reply.get_json()["purged"] == []
    with ledger.engine.connect() as conn:
        assert conn.execute(deliveries.select()).first() is None
    assert read(ledger, orders) == []


# -- bad files and bad rows ---------------------------------------------------------------


def test_bad_rows_are_reported_with_their_line_and_the_rest_imported(app, ledger, tmp_path):
    path = edited(tmp_path, {("#1002", "Id"): "", ("#1003", "Subtotal"): "12,50",
                             ("#1005", "Created at"): "11/12/2026 17:03"})
    dry = run(app, path)
    assert dry.exit_code == 0, dry.output
    assert "2 order(s) on 10 row(s)" in dry.output
    assert "skipped, line 9: order '#1002' has no Id" in dry.output
    assert "skipped, line 10: Subtotal is '12,50', not an amount like 12.50" in dry.output
    assert ("skipped, line 17: Created at is '11/12/2026 17:03', not a time like "
            "2026-11-03 10:00:00 -0500") in dry.output
    applied = run(app, path, "--apply")
    assert applied.exit_code == 1
    assert "imported: 2 new, 0 already imported, 0 failed, 3 skipped" in applied.output
    assert sorted(by_name(ledger)) == ["#1001", "#1004"]


@pytest.mark.parametrize(("change", "message"), [
    ("5.634172502283E+12", "Id is '5.634172502283E+12', not Shopify's order id"),
    ("-7", "Id is '-7', not Shopify's order id"),
])
def test_an_id_a_spreadsheet_mangled(app, tmp_path, change, message):
    result = run(app, edited(tmp_path, {("#1001", "Id"): change}))
    assert f"skipped, line 2: {message}" in result.output


def test_other_bad_cells(tmp_path):
    path = edited(tmp_path, {("#1001", "Currency"): "US Dollar",
                             ("#1002", "Refunded Amount"): "-5.00",
                             ("#1003", "Cancelled at"): "yesterday"})
    problems = [str(p) for p in backfill.read(path).problems]
    assert problems == [
        "line 2: Currency is 'US Dollar', not a code like USD",
        "line 9: Refunded Amount is '-5.00', not an amount like 12.50",
        "line 10: Cancelled at is 'yesterday', not a time like 2026-11-03 10:00:00 -0500"]


def test_a_second_header_row_is_skipped(tmp_path):
    text = text_of(EXPORT)
    header = text.split("\r\n", 1)[0]
    joined = tmp_path / "joined.csv"
    joined.write_text(text + header + "\r\n", encoding="utf-8", newline="")
    export = backfill.read(joined)
    assert len(export.orders) == 5 and [p.line for p in export.problems] == [20]
    assert "second header row" in export.problems[0].message


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"Handle,Title,Body (HTML)\r\ntee,Tee,<p>Soft</p>\r\n",
     "this is not Shopify's order export: there is no 'Name' column"),
    (b"Name;Email;Financial Status\r\n#1001;a@b.c;paid\r\n",
     "separated by ';'"),
    (b"Name,Email,Currency,Subtotal,Created at\r\n",
     "there is no 'Id' column"),
    ("Name,Id\r\n#1001,caf\xe9\r\n".encode("cp1252"), "is not UTF-8 text"),
    (b'Name,Id,Currency,Subtotal,Created at\r\n"#1001,1', "not readable as CSV"),
])
def test_a_file_that_is_not_an_orders_export(app, ledger, tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run(app, path, "--apply")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message in result.output and "Traceback" not in result.output
    assert delivery_rows(ledger) == []


def test_a_missing_file_or_a_folder(app, tmp_path):
    missing = run(app, tmp_path / "nope.csv")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    folder = run(app, tmp_path)
    assert folder.exit_code == 2 and "is a directory" in folder.output


def test_an_unavailable_database_is_a_clear_error(app, ledger, monkeypatch):
    def unavailable(delivery):
        raise Unavailable("database is locked")

    monkeypatch.setattr(ledger, "receive", unavailable)
    result = run(app, EXPORT, "--apply")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "cannot use the orders database" in result.output
    assert "database is locked" in result.output


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,"\n\r :-.0123456789#;\t\x00é'), max_size=300))
def test_any_text_after_a_real_header_is_read_or_refused_clearly(text):
    header = text_of(EXPORT).split("\r\n", 1)[0]
    try:
        export = backfill.parse(io.StringIO(header + "\r\n" + text, newline=""))
    except backfill.NotAnExport:
        return
    for exported in export.orders:
        json.loads(exported.body)
