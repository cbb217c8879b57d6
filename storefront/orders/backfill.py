"""Orders a brand already had, from Shopify admin's order export, into the ledger (no Flask).

Shopify admin > Orders > Export writes a CSV (UTF-8, often with a BOM) with
one row per line item: the order's own columns (`Financial Status`,
`Subtotal`, `Note Attributes`, `Refunded Amount`, `Cancelled at`, `Id`, ...)
are filled on its first row only, later rows repeat little more than the
`Name`. `read` groups the rows into orders and turns each into the REST
order JSON the webhooks carry (payload.py reads both alike), so credit,
money and idempotence are the ledger's own: `apply` hands each order to
`Ledger.receive` as a delivery of the topic `orders/import`. The same order
in the same state is the same body, stored once: running an import again
adds nothing. That topic ranks below every webhook (ledger.TOPIC_RANK) and
the order's `updated_at` is the latest time the export gives, so an import
never rolls back what a webhook said; the webhook endpoint does not accept
the topic from outside.

What the export holds, and what is made of it:
- `Id` (Shopify's order id) is required: a later webhook of the order must
  find the same row. Rows join their order by `Id`, or by `Name` when they
  carry no Id (the export leaves it on the first row).
- `Subtotal` is after discounts, before shipping and tax (including tax
  where the shop's prices do), as at the order's creation.
- `Refunded Amount` is the money returned to the customer: refunded line
  items with their tax, and any shipping refunded. The export does not
  split it, so it is taken off the goods first, which can credit a creator
  a little less, never more: a `refunded` order, or a refund of the whole
  `Total`, leaves nothing; otherwise, where tax comes on top, the goods'
  part is refund x Subtotal / (Subtotal + Taxes) (the refund less the tax
  it carried at the order's own rate) and the rest comes off the tax;
  where prices include tax, the whole refund comes off the subtotal and the
  tax falls in proportion. These are the order's current_subtotal and
  current_total_tax, in the currency minor unit.
- Whether prices include tax is not a column: `Total` is Subtotal +
  Shipping + Taxes (+ Duties) when tax comes on top, and has no Taxes added
  when prices include it.
- `Currency` is the order's: an order paid in another currency than the
  shop's may appear in the customer's currency (webhooks give shop money);
  the report keeps a row per currency.
- `Note Attributes` are "name: value" lines; the ledger keeps only the
  store's own (`_creator`, `_utm_...`). `Discount Code` may list several,
  comma-separated.
- The export has no customer id and no landing page: both stay empty.
  Nothing personal (email, names, addresses, phones, notes) is read.
- `updated_at` is the latest of Created at, Paid at, Fulfilled at and
  Cancelled at ("2026-11-03 10:00:00 -0500").
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from storefront.orders import credit as credits
from storefront.orders import payload
from storefront.orders.delivery import Delivery, Receipt
from storefront.orders.money import ZERO, BadAmount, amount, net_sales, rounded

TOPIC = "orders/import"
REQUIRED = ("Name", "Id", "Currency", "Subtotal", "Created at")
MONEY_COLUMNS = ("Subtotal", "Shipping", "Taxes", "Total", "Duties", "Refunded Amount",
                 "Discount Amount")
TIME_COLUMNS = ("Created at", "Paid at", "Fulfilled at", "Cancelled at")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # as the export writes them: 2026-11-03 10:00:00 -0500
ATTRIBUTE_LINE = re.compile(r"([^:\n]+): ?(.*)")


class NotAnExport(ValueError):
    """A file that cannot be read as Shopify's order export; the message says why."""


@dataclass(frozen=True)
class Problem:
    line: int  # of the CSV file, header = 1
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ExportedOrder:
    line: int  # where its first row starts
    rows: int  # its line items
    data: dict  # Shopify's REST order JSON, as far as the export gives it

    @property
    def name(self) -> str:
        return self.data.get("name") or str(self.data["id"])

    @property
    def body(self) -> bytes:
        # Canonical, so the same order in the same state is the same delivery.
        return json.dumps(self.data, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Export:
    orders: list[ExportedOrder]
    problems: list[Problem]
    rows: int  # line items read, header not counted


# -- reading -----------------------------------------------------------------------------


def read(path: str | Path) -> Export:
    """The orders of the export at `path`; raises NotAnExport or OSError."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return parse(stream)
    except UnicodeDecodeError:
        raise NotAnExport(
            f"{Path(path).name} is not UTF-8 text: export it again from Shopify, or save it "
            "as \"CSV UTF-8\" if a spreadsheet opened it") from None


def parse(lines: Iterable[str]) -> Export:
    """The orders of an export given as text lines (a file opened with newline="")."""
    rows = _rows(lines)
    header = next(rows, None)
    if header is None:
        raise NotAnExport("the file is empty: there is no header row")
    columns = _columns(header[1])
    groups: list[list[tuple[int, dict[str, str]]]] = []
    by_id: dict[str, list] = {}
    by_name: dict[str, list] = {}
    problems: list[Problem] = []
    count = 0
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: cells[i].strip() if i is not None and i < len(cells) else ""
               for name, i in columns.items()}
        if row["Name"] == "Name" and row["Id"] == "Id":
            problems.append(Problem(line, "a second header row (two exports joined?)"))
            continue
        count += 1
        order_id, name = row["Id"], row["Name"]
        if order_id:
            # An id is the order; a name only joins rows that carry no other id.
            group = by_id.get(order_id)
            if group is None and name in by_name and not _id_of(by_name[name]):
                group = by_name[name]
        else:
            group = by_name.get(name) if name else None
        if group is None:
            if not name and not order_id:
                problems.append(Problem(line, "no Name and no Id: the row belongs to no order"))
                continue
            group = []
            groups.append(group)
        group.append((line, row))
        if order_id:
            by_id.setdefault(order_id, group)
        if name:
            by_name[name] = group
    orders = []
    for group in groups:
        try:
            orders.append(_order(group))
        except _RowProblem as problem:
            problems.append(Problem(problem.line, problem.message))
    problems.sort(key=lambda p: p.line)
    return Export(orders, problems, count)


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record; a quoted cell may span several lines."""
    reader = csv.reader(lines, strict=True)  # a stray quote must not swallow the rest
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise NotAnExport(f"line {reader.line_num}: not readable as CSV ({error})") from None
        yield start, cells
        start = reader.line_num + 1


def _columns(header: list[str]) -> dict[str, int | None]:
    """Column name -> index (None: absent), for the columns this import reads (any case)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        found.setdefault(name.strip().strip("\ufeff").lower(), i)
    if "name" not in found:
        hint = ""
        if len(header) == 1 and ";" in header[0]:
            hint = " (its columns are separated by ';': export it again from Shopify)"
        elif len(header) == 1 and "\t" in header[0]:
            hint = " (its columns are separated by tabs: export it again from Shopify)"
        raise NotAnExport("this is not Shopify's order export: there is no 'Name' column"
                          + hint)
    missing = [name for name in REQUIRED if name.lower() not in found]
    if missing:
        raise NotAnExport("this is not Shopify's order export (Orders > Export, CSV): "
                          + ", ".join(f"there is no '{name}' column" for name in missing))
    wanted = {*REQUIRED, *MONEY_COLUMNS, *TIME_COLUMNS, "Financial Status", "Discount Code",
              "Note Attributes", "Source"}
    return {name: found.get(name.lower()) for name in wanted}


def _id_of(group: list[tuple[int, dict[str, str]]]) -> str:
    return next((row["Id"] for _, row in group if row["Id"]), "")


class _RowProblem(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _money(row: dict[str, str], column: str, line: int, required: bool = False) -> Decimal:
    text = row[column]
    if not text:
        if required:
            raise _RowProblem(line, f"{column} is empty")
        return ZERO
    try:
        value = amount(text)
    except BadAmount:
        value = None
    if value is None or value < 0:
        raise _RowProblem(line, f"{column} is {text!r}, not an amount like 12.50")
    return value


def _time(row: dict[str, str], column: str, line: int) -> datetime | None:
    text = row[column]
    if not text:
        return None
    try:
        return datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _RowProblem(line, f"{column} is {text!r}, not a time like "
                                "2026-11-03 10:00:00 -0500")
    return moment


def attributes(text: str) -> list[dict[str, str]]:
    """`Note Attributes` ("name: value" lines) as the REST [{name, value}] list.

    A line that is not "name: value" continues the value before it (a
    gift message typed over several lines).
    """
    found: list[dict[str, str]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = ATTRIBUTE_LINE.fullmatch(line)
        if match and match.group(1).strip():
            found.append({"name": match.group(1).strip(), "value": match.group(2).strip()})
        elif found:
            found[-1]["value"] += "\n" + line
    return found


def _order(group: list[tuple[int, dict[str, str]]]) -> dict:
    line, first = group[0]
    order_id = _id_of(group)
    if not order_id:
        raise _RowProblem(line, f"order {first['Name']!r} has no Id: it cannot be matched "
                                "to Shopify's order (export it again with every column)")
    if not order_id.isdigit() or int(order_id) <= 0:
        raise _RowProblem(line, f"Id is {order_id!r}, not Shopify's order id (a whole number; "
                                "was the file saved by a spreadsheet?)")
    currency = first["Currency"].upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise _RowProblem(line, f"Currency is {first['Currency']!r}, not a code like USD")
    money = {column: _money(first, column, line, required=column == "Subtotal")
             for column in MONEY_COLUMNS}
    times = {column: _time(first, column, line) for column in TIME_COLUMNS}
    created = times["Created at"]
    if created is None:
        raise _RowProblem(line, "Created at is empty")
    subtotal, taxes = money["Subtotal"], money["Taxes"]
    taxes_included = _taxes_included(money)
    current_subtotal, current_tax = _after_refunds(
        subtotal, taxes, money["Refunded Amount"], money["Total"], taxes_included,
        first["Financial Status"].lower(), currency)
    codes = [code.strip() for code in first["Discount Code"].split(",") if code.strip()]
    return ExportedOrder(line, len(group), {
        "id": int(order_id),
        "name": first["Name"] or None,
        "created_at": created.isoformat(),
        "updated_at": max(t for t in times.values() if t is not None).isoformat(),
        "currency": currency,
        "financial_status": first["Financial Status"].lower() or None,
        "cancelled_at": times["Cancelled at"].isoformat() if times["Cancelled at"] else None,
        "taxes_included": taxes_included,
        "source_name": first["Source"] or None,
        "subtotal_price_set": _shop_money(subtotal, currency),
        "total_tax_set": _shop_money(taxes, currency),
        "total_price_set": _shop_money(money["Total"], currency),
        "current_subtotal_price_set": _shop_money(current_subtotal, currency),
        "current_total_tax_set": _shop_money(current_tax, currency),
        "discount_codes": [{"code": code, "amount": str(money["Discount Amount"])}
                           for code in codes],
        "note_attributes": attributes(first["Note Attributes"]),
        "landing_site": None,
        "refunds": [],
    })


def _shop_money(value: Decimal, currency: str) -> dict:
    return {"shop_money": {"amount": str(value), "currency_code": currency}}


def _taxes_included(money: dict[str, Decimal]) -> bool:
    on_top = money["Subtotal"] + money["Shipping"] + money["Duties"] + money["Taxes"]
    # Where prices include tax, Total has no Taxes added to it (a tip may add a little).
    return money["Taxes"] > 0 and 0 < money["Total"] < on_top


def _after_refunds(subtotal: Decimal, taxes: Decimal, refunded: Decimal, total: Decimal,
                   taxes_included: bool, status: str, currency: str) -> tuple[Decimal, Decimal]:
    """(current subtotal, current tax) once `refunded` comes off the goods (module docstring)."""
    if status == "refunded" or (0 < total <= refunded):
        return rounded(ZERO, currency), rounded(ZERO, currency)
    if refunded <= 0:
        return subtotal, taxes
    if taxes_included:
        goods = min(refunded, subtotal)
        tax = taxes * (subtotal - goods) / subtotal if subtotal else ZERO
        return rounded(subtotal - goods, currency), rounded(max(tax, ZERO), currency)
    goods = refunded * subtotal / (subtotal + taxes) if subtotal + taxes else ZERO
    goods = min(goods, subtotal)
    tax = max(taxes - (refunded - goods), ZERO)
    return rounded(subtotal - goods, currency), rounded(tax, currency)


# -- what an import would do -------------------------------------------------------------


@dataclass
class Tally:
    orders: int = 0  # not cancelled
    cancelled: int = 0
    net_sales: Decimal = ZERO


@dataclass
class Summary:
    """What the export holds, credited by the ledger's rules (nothing stored)."""

    orders: int = 0
    rules: Counter = field(default_factory=Counter)
    creators: dict[tuple[str | None, str], Tally] = field(
        default_factory=lambda: defaultdict(Tally))  # (handle or None, currency)
    net_sales: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    refunded: int = 0  # orders with money refunded


def summarize(export: Export, registry, conflict: str = "link") -> Summary:
    """Credit and net sales of every order in `export`, as the ledger would apply them."""
    summary = Summary()
    codes = credits.codes_of(registry)
    for exported in export.orders:
        # What the ledger would store and read of it, exactly.
        order = payload.order(payload.redact(TOPIC, exported.data))
        credit = credits.credit(order, registry, conflict, codes)
        net = net_sales(order.subtotal, order.tax, order.taxes_included,
                        order.cancelled_at is not None, [], order.currency)
        summary.orders += 1
        summary.rules[credit.rule] += 1
        tally = summary.creators[(credit.creator, order.currency)]
        if order.cancelled_at is None:
            tally.orders += 1
        else:
            tally.cancelled += 1
        tally.net_sales += net
        summary.net_sales[order.currency] += net
        subtotal = exported.data["subtotal_price_set"]["shop_money"]["amount"]
        summary.refunded += order.subtotal != Decimal(subtotal)
    return summary


# -- importing ---------------------------------------------------------------------------


@dataclass
class Applied:
    new: int = 0
    already: int = 0  # the same order in the same state, imported before
    failed: list[tuple[ExportedOrder, str]] = field(default_factory=list)  # stored, not applied


def apply(ledger, export: Export) -> Applied:
    """Each order of `export` into `ledger` as an `orders/import` delivery.

    Raises the ledger's Unavailable when the database cannot store one;
    what was stored before stays (a new run skips it).
    """
    done = Applied()
    for exported in export.orders:
        receipt: Receipt = ledger.receive(Delivery(topic=TOPIC, body=exported.body))
        if receipt.duplicate:
            done.already += 1
        elif receipt.error is not None:
            done.failed.append((exported, receipt.error))
        else:
            done.new += 1
    return done
