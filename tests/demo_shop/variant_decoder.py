"""A reader of Shopify's v1 variant encoding, written from its documentation.

It follows the steps Shopify's schema gives for `Product.encodedVariantExistence`
(expand ranges, expand repeated prefixes, read the combinations) as a small
recursive reader, independent of the demo shop's encoder, so the tests of the
encoder and of the clients' product pages can check what it writes.
"""

from __future__ import annotations

import re

from storefront.demo_shop.variant_encoding import PREFIX


def decode(encoded: str) -> list[tuple[int, ...]]:
    """The combinations an encoding names, in the order it names them."""
    assert encoded.startswith(PREFIX), encoded
    tokens = re.findall(r"\d+|[:, -]", encoded[len(PREFIX):])
    found: list[tuple[int, ...]] = []
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def read_list(prefix: tuple[int, ...]) -> None:
        # numbers or ranges, separated by spaces
        while peek() is not None and peek().isdigit():
            first = int(take())
            last = first
            if peek() == "-":
                take()
                last = int(take())
            found.extend(prefix + (value,) for value in range(first, last + 1))
            if peek() == " ":
                take()

    def read_node(prefix: tuple[int, ...]) -> None:
        # value ':' (list | nodes) ','
        while peek() is not None and peek().isdigit():
            value = int(take())
            assert take() == ":"
            if tokens[position + 1 : position + 2] == [":"]:  # another level below
                read_node(prefix + (value,))
            else:
                read_list(prefix + (value,))
            if peek() == ",":
                take()

    if ":" in tokens:
        read_node(())
    else:
        read_list(())
    assert position == len(tokens), f"unread: {tokens[position:]}"
    return found
