"""Shopify global ids (`gid://shopify/<Type>/<id>`) for the demo catalog and carts."""

from __future__ import annotations

import re
import secrets

_NUMERIC_GID = re.compile(r"gid://shopify/([A-Za-z]+)/([1-9][0-9]{0,17})")
_TOKEN = r"[A-Za-z0-9_-]{1,64}"
_CART_GID = re.compile(rf"gid://shopify/Cart/({_TOKEN})\?key=({_TOKEN})")
_LINE_GID = re.compile(rf"gid://shopify/CartLine/({_TOKEN})\?cart=({_TOKEN})")


def gid(type_name: str, value: int | str) -> str:
    return f"gid://shopify/{type_name}/{value}"


def parse_gid(value: object) -> tuple[str, int] | None:
    """`(type, number)` of a numeric gid, or None for anything else."""
    match = _NUMERIC_GID.fullmatch(value) if isinstance(value, str) else None
    return (match.group(1), int(match.group(2))) if match else None


def number_of(value: object, type_name: str) -> int | None:
    """The number in a gid of `type_name`, or None when the id is of another shape."""
    parsed = parse_gid(value)
    return parsed[1] if parsed and parsed[0] == type_name else None


def cart_gid(token: str, key: str) -> str:
    return f"gid://shopify/Cart/{token}?key={key}"


def parse_cart_gid(value: object) -> tuple[str, str] | None:
    """`(token, key)` of a cart id, or None when it is not one."""
    match = _CART_GID.fullmatch(value) if isinstance(value, str) else None
    return (match.group(1), match.group(2)) if match else None


def line_gid(line_id: str, token: str) -> str:
    return f"gid://shopify/CartLine/{line_id}?cart={token}"


def parse_line_gid(value: object) -> tuple[str, str] | None:
    """`(line id, cart token)` of a cart line id, or None when it is not one."""
    match = _LINE_GID.fullmatch(value) if isinstance(value, str) else None
    return (match.group(1), match.group(2)) if match else None


def new_number(taken: set[int]) -> int:
    """A fresh 12-digit number for a gid, unique among `taken` (the ids on one cart)."""
    while (number := 10**11 + secrets.randbelow(9 * 10**11)) in taken:
        pass
    return number
