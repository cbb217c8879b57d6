"""Cart metafields: `cartMetafieldsSet` and `cartMetafieldDelete`, with Shopify's checks.

A key is `namespace.key`, or a bare key in the app-reserved namespace (what a
storefront's own app writes to). A value is always a string that must suit
its type (`number_integer` holds an integer, `json` parses, `list.*` is a JSON
array of such values...). One set takes at most 25 metafields and is all or
nothing: the first problem found is reported with the input's index, and no
cart changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from storefront.demo_shop import ids
from storefront.demo_shop.carts import CartRecord, CartStore, MetafieldRecord

APP_NAMESPACE = "$app"
MAX_PER_SET = 25
MAX_VALUE_LENGTH = 65_535
KEY = re.compile(r"[A-Za-z0-9_-]+")
INT64 = 2**63


@dataclass(frozen=True)
class MetafieldError:
    """A MetafieldsSetUserError or MetafieldDeleteUserError."""

    code: str
    field: list[str]
    message: str
    element_index: int | None = None


class MetafieldRejected(Exception):
    def __init__(self, error: MetafieldError) -> None:
        super().__init__(error.message)
        self.error = error


def _is_integer(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text)) and -INT64 <= int(text) < INT64


def _is_decimal(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"-?\d+(\.\d+)?", text)) and Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _parses(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            parse(text)
        except ValueError:
            return False
        return True

    return check


# The value types a cart metafield may hold (Shopify's list, less references).
SCALAR_TYPES: dict[str, Callable[[str], bool]] = {
    "single_line_text_field": lambda text: "\n" not in text,
    "multi_line_text_field": lambda text: True,
    "number_integer": _is_integer,
    "number_decimal": _is_decimal,
    "boolean": lambda text: text in ("true", "false"),
    "json": _is_json,
    "date": _parses(date.fromisoformat),
    "date_time": _parses(datetime.fromisoformat),
    "url": lambda text: bool(re.match(r"(https?|mailto|sms|tel):", text)),
    "color": lambda text: bool(re.fullmatch(r"#[0-9A-Fa-f]{6}", text)),
}
LIST_TYPES = {f"list.{name}" for name in SCALAR_TYPES if name not in ("json", "boolean",
                                                                      "multi_line_text_field")}


def valid_value(kind: str, value: str) -> bool:
    if kind in SCALAR_TYPES:
        return SCALAR_TYPES[kind](value)
    try:
        items = json.loads(value)
    except ValueError:
        return False
    check = SCALAR_TYPES[kind.removeprefix("list.")]
    return isinstance(items, list) and all(
        isinstance(item, str | int | float) and not isinstance(item, bool) and check(str(item))
        for item in items
    )


def split_key(key: str) -> tuple[str, str]:
    """`namespace.key` as (namespace, key); a bare key is in the app's namespace."""
    namespace, dot, rest = key.partition(".")
    return (namespace, rest) if dot else (APP_NAMESPACE, key)


def check_key(key: str, where: list[str], index: int | None = None) -> tuple[str, str]:
    def refuse(code: str, message: str):
        return MetafieldRejected(MetafieldError(code, where, message, index))

    if not key.strip():
        raise refuse("BLANK", "Key can't be blank.")
    namespace, name = split_key(key)
    for part, low, high in ((namespace, 2, 255), (name, 2, 64)):
        if len(part) < low:
            raise refuse("TOO_SHORT", f"{part!r} is too short (at least {low} characters).")
        if len(part) > high:
            raise refuse("TOO_LONG", f"{part!r} is too long (at most {high} characters).")
    if (namespace != APP_NAMESPACE and not KEY.fullmatch(namespace)) or not KEY.fullmatch(name):
        raise refuse("INVALID_VALUE",
                     "A namespace and key use letters, digits, '-' and '_' only.")
    return namespace, name


def check_entry(entry: dict, index: int) -> tuple[str, str]:
    """(namespace, key) of one CartMetafieldsSetInput, or MetafieldRejected."""
    at = ["metafields", str(index)]
    namespace, key = check_key(entry["key"], [*at, "key"], index)
    kind = entry["type"]
    if kind not in SCALAR_TYPES and kind not in LIST_TYPES:
        raise MetafieldRejected(MetafieldError(
            "INVALID_TYPE", [*at, "type"], f"{kind!r} is not a type a cart metafield can have.",
            index))
    value = entry["value"]
    if len(value) > MAX_VALUE_LENGTH:
        raise MetafieldRejected(MetafieldError(
            "TOO_LONG", [*at, "value"], f"The value is longer than {MAX_VALUE_LENGTH}.", index))
    if not valid_value(kind, value):
        raise MetafieldRejected(MetafieldError(
            "INVALID_VALUE", [*at, "value"], f"The value is not a valid {kind}.", index))
    return namespace, key


def put(cart: CartRecord, namespace: str, key: str, kind: str, value: str, now: float,
        new_id: Callable[[], int]) -> MetafieldRecord:
    """Create or overwrite a metafield on `cart`; the metafield as stored."""
    found = find(cart, namespace, key)
    if found is None:
        found = MetafieldRecord(new_id(), namespace, key, kind, value, now, now)
        cart.metafields.append(found)
    else:
        found.type, found.value, found.updated_at = kind, value, now
    return found


def find(cart: CartRecord, namespace: str | None, key: str) -> MetafieldRecord | None:
    namespace = namespace or APP_NAMESPACE
    return next((m for m in cart.metafields if (m.namespace, m.key) == (namespace, key)), None)


# The mutations ------------------------------------------------------------


@dataclass
class Outcome:
    """What cartMetafieldsSet and cartMetafieldDelete return."""

    metafields: list[MetafieldRecord] = field(default_factory=list)
    user_errors: list[MetafieldError] = field(default_factory=list)
    deleted_id: str | None = None


def _owner(store: CartStore, owner_id: object) -> tuple[str, str] | None:
    """(token, key) of a cart of this shop, or None."""
    parsed = ids.parse_cart_gid(owner_id)
    return parsed if parsed and store.get(*parsed) is not None else None


def set_all(store: CartStore, entries: Sequence[dict]) -> Outcome:
    """Set every entry on its cart, or none when one is wrong."""
    if len(entries) > MAX_PER_SET:
        return Outcome(user_errors=[MetafieldError(
            "LESS_THAN_OR_EQUAL_TO", ["metafields"], f"Set at most {MAX_PER_SET} at once.")])
    keys = []
    try:
        for index, entry in enumerate(entries):
            keys.append(check_entry(entry, index))
            if _owner(store, entry["ownerId"]) is None:
                raise MetafieldRejected(MetafieldError(
                    "INVALID_OWNER", ["metafields", str(index), "ownerId"],
                    "The owner is not a cart of this shop.", index))
    except MetafieldRejected as rejected:
        return Outcome(user_errors=[rejected.error])
    stored: list[MetafieldRecord] = []
    for owner in dict.fromkeys(entry["ownerId"] for entry in entries):

        def change(cart: CartRecord, owner=owner) -> CartRecord:
            now = store.now()
            for entry, (namespace, key) in zip(entries, keys, strict=True):
                if entry["ownerId"] == owner:
                    stored.append(put(cart, namespace, key, entry["type"], entry["value"], now,
                                      lambda: ids.new_number({m.id for m in cart.metafields})))
            return cart

        store.transact(*ids.parse_cart_gid(owner), change)
    return Outcome(metafields=stored)


def delete(store: CartStore, given: dict) -> Outcome:
    # A malformed key names no metafield: MetafieldDeleteErrorCode has no other word.
    namespace, key = split_key(given["key"])
    deleted: list[MetafieldRecord] = []

    def change(cart: CartRecord) -> CartRecord | None:
        found = find(cart, namespace, key)
        if found is None:
            return None
        cart.metafields.remove(found)
        deleted.append(found)
        return cart

    parsed = ids.parse_cart_gid(given["ownerId"])
    if parsed is None or store.transact(*parsed, change) is None:
        return Outcome(user_errors=[MetafieldError(
            "INVALID_OWNER", ["input", "ownerId"], "The owner is not a cart of this shop.")])
    if not deleted:
        return Outcome(user_errors=[MetafieldError(
            "METAFIELD_DOES_NOT_EXIST", ["input", "key"], "The cart has no such metafield.")])
    return Outcome(deleted_id=ids.gid("Metafield", deleted[0].id))
