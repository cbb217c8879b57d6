"""Relay connections the way Shopify pages them.

A cursor is the base64 of the item's position key in the current sort (a JSON
list of strings and integers that ends with the item's id), so it stays valid
for as long as the sort does and never repeats or skips an item. One that does
not decode, or was made for another sort, is refused as Shopify refuses it: an
error on the connection's field, "Invalid cursor for current pagination sort."
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

MAX_PAGE_SIZE = 250

Key = tuple[Any, ...]

INVALID_CURSOR = "Invalid cursor for current pagination sort."


@dataclass(frozen=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True)
class Edge:
    cursor: str
    node: Any


@dataclass(frozen=True)
class Connection:
    edges: tuple[Edge, ...]
    page_info: PageInfo
    total_count: int

    @property
    def nodes(self) -> list[Any]:
        return [edge.node for edge in self.edges]


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> Key:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise GraphQLError(INVALID_CURSOR) from exc
    if not isinstance(key, list) or not all(isinstance(k, str | int) for k in key):
        raise GraphQLError(INVALID_CURSOR)
    return tuple(key)


def check_window(first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise GraphQLError(f"`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {value}")


def paginate(
    items: Sequence[Any],
    key: Callable[[Any], Key],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
) -> Connection:
    """One page of `items` ordered by `key` (unique per item), as Shopify would return it."""
    check_window(first, last)
    ordered = sorted(
        ((key(item), item) for item in items), key=lambda pair: pair[0], reverse=reverse
    )
    keys = [k for k, _ in ordered]

    def comes_before(a: Key, b: Key) -> bool:
        try:
            return a > b if reverse else a < b
        except TypeError as exc:  # a cursor from another sort
            raise GraphQLError(INVALID_CURSOR) from exc

    start, end = 0, len(ordered)
    if after is not None:
        mark = decode_cursor(after)
        start = sum(1 for k in keys if not comes_before(mark, k))
    if before is not None:
        mark = decode_cursor(before)
        end = max(start, sum(1 for k in keys if comes_before(k, mark)))
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)

    edges = tuple(Edge(encode_cursor(k), item) for k, item in ordered[start:end])
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=end < len(ordered),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(ordered),
    )
