"""What a creator earns on one order: pure Decimal arithmetic, no Flask, no database.

A rule is a short text kept on the order's row, so the order keeps the terms
it was credited under when the creator's file changes later:
- `percent:15`: 15 % of the order's net sales (creator files allow 0 to 100);
- `per_order:5.00`: a fixed 5.00, in the shop's currency, for every order
  that is not cancelled and has net sales above 0.

The commission is recomputed from the order's current net sales whenever they
change (a refund, a cancellation: a cancelled or fully refunded order earns 0)
and rounded once per order, to the currency's minor unit, halves to even
(money.rounded). A payout adds per-order amounts that are already rounded, so
it always equals the sum of its lines; over many orders the halves going to
even neither favour the brand nor the creator.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from storefront.orders.money import ZERO, rounded

KINDS = ("percent", "per_order")
DEFAULT_PERCENT = Decimal(10)
HUNDRED = Decimal(100)


class BadRule(ValueError):
    """A rule text that is not `percent:<0-100>` or `per_order:<amount of 0 or more>`."""


def rule_text(kind: str, value: Decimal) -> str:
    """`percent:15`, `per_order:5.00`: how a rule is kept on an order."""
    if kind not in KINDS:
        raise BadRule(f"{kind!r} is not a kind of commission ({' or '.join(KINDS)})")
    # Without exponents (Decimal("1E+2") reads as 100 but looks like nothing a person wrote).
    return f"{kind}:{value:f}"


def percent_rule(percent: Decimal) -> str:
    return rule_text("percent", percent)


def parse_rule(text: str) -> tuple[str, Decimal]:
    """(kind, value) of a rule text; BadRule when it is not one."""
    kind, _, number = text.partition(":")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise BadRule(f"{text!r} is not a commission rule") from None
    if kind not in KINDS or not value.is_finite() or value < 0 \
            or (kind == "percent" and value > HUNDRED):
        raise BadRule(f"{text!r} is not a commission rule")
    return kind, value


def commission(rule: str | None, net_sales: Decimal, cancelled: bool, currency: str) -> Decimal:
    """The commission of one order, in `currency`'s minor unit; 0 with no rule (the brand's)."""
    if rule is None or cancelled or net_sales <= ZERO:
        return rounded(ZERO, currency)
    kind, value = parse_rule(rule)
    if kind == "per_order":
        return rounded(value, currency)
    return rounded(net_sales * value / HUNDRED, currency)
