"""Cursor pagination on its own."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from storefront.demo_shop.pagination import decode_cursor, encode_cursor, paginate

ITEMS = list(range(1, 11))


def key(n: int) -> tuple:
    return (n % 3, n)  # a sort with ties on the first part


def test_cursors_are_opaque_and_round_trip():
    cursor = encode_cursor(("Tee", 3))
    assert "Tee" not in cursor and decode_cursor(cursor) == ("Tee", 3)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("size", [1, 3, 4, 10, 11])
def test_every_item_exactly_once_in_both_directions(size, reverse):
    expected = [n for n in sorted(ITEMS, key=key, reverse=reverse)]
    seen, after = [], None
    while True:
        page = paginate(ITEMS, key, first=size, after=after, reverse=reverse)
        seen += page.nodes
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    assert seen == expected
    seen, before = [], None
    while True:
        page = paginate(ITEMS, key, last=size, before=before, reverse=reverse)
        seen = page.nodes + seen
        if not page.page_info.has_previous_page:
            break
        before = page.page_info.start_cursor
    assert seen == expected


def test_after_and_before_together_and_a_cursor_of_a_missing_item():
    first = paginate(ITEMS, key, first=10)
    cursors = [e.cursor for e in first.edges]
    between = paginate(ITEMS, key, first=10, after=cursors[1], before=cursors[5])
    assert between.nodes == first.nodes[2:5]
    assert between.page_info.has_previous_page and between.page_info.has_next_page
    # A cursor stays meaningful even if its item is filtered out now.
    fewer = paginate([n for n in ITEMS if n != first.nodes[3]], key, first=2, after=cursors[3])
    assert fewer.nodes == first.nodes[4:6]


def test_cursor_from_another_sort_is_an_error():
    other = encode_cursor(("title",))
    with pytest.raises(GraphQLError, match="Invalid cursor"):
        paginate(ITEMS, key, first=2, after=other)
