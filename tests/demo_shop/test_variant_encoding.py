"""Shopify's v1 variant encoding, checked against a decoder written from its documentation
(tests/demo_shop/variant_decoder.py)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.demo_shop.variant_encoding import PREFIX, encode
from tests.demo_shop.variant_decoder import decode

# The example in Shopify's schema description of encodedVariantExistence.
DOCUMENTED = "0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,"
DOCUMENTED_COMBINATIONS = [
    (0, 0, 0), (0, 1, 0), (0, 1, 1), (1, 0, 0), (1, 0, 1), (1, 1, 1), (2, 0, 1), (2, 1, 0),
]


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
