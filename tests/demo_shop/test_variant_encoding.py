"""Shopify's v1 variant encoding, checked against a decoder written from its documentation.

The decoder below follows the steps Shopify's schema gives for
`Product.encodedVariantExistence` (expand ranges, expand repeated prefixes,
read the combinations), written as a small recursive reader, independent of
the encoder's code.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.demo_shop.variant_encoding import PREFIX, encode

# The example in Shopify's schema description of encodedVariantExistence.
DOCUMENTED = "0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,"
DOCUMENTED_COMBINATIONS = [
    (0, 0, 0), (0, 1, 0), (0, 1, 1), (1, 0, 0), (1, 0, 1), (1, 1, 1), (2, 0, 1), (2, 1, 0),
]


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


def test_the_documented_example_decodes_to_its_documented_combinations():
    assert decode(PREFIX + DOCUMENTED) == DOCUMENTED_COMBINATIONS


def test_the_encoder_writes_the_documented_example():
    assert encode(reversed(DOCUMENTED_COMBINATIONS)) == PREFIX + DOCUMENTED


@pytest.mark.parametrize(
    ("combinations", "expected"),
    [
        ([], "v1_"),  # no variant available
        ([(0,)], "v1_0"),
        ([(0,), (1,), (2,)], "v1_0-2"),
        ([(0,), (2,)], "v1_0 2"),
        ([(0,), (1,), (3,), (5,), (6,)], "v1_0-1 3 5-6"),
        ([(0, 0), (0, 1), (1, 1)], "v1_0:0-1,1:1,"),
        # every combination of 2 x 3 values
        (list(itertools.product(range(2), range(3))), "v1_0:0-2,1:0-2,"),
    ],
)
def test_small_matrices(combinations, expected):
    assert encode(combinations) == expected
    assert decode(expected) == sorted(combinations)


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda options: st.lists(
            st.integers(min_value=1, max_value=4), min_size=options, max_size=options
        )
    ).flatmap(
        lambda sizes: st.sets(st.sampled_from(list(itertools.product(*map(range, sizes)))))
    )
)
def test_round_trip_over_any_subset_of_a_matrix(combinations):
    assert decode(encode(combinations)) == sorted(combinations)
