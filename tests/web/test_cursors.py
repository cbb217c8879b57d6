"""Page links whose cursor Shopify refuses: the list from its start, logged at INFO,
and a repeat answered from the cache without a Storefront request.

A cursor that Shopify cannot use is well formed (our own check lets it pass)
but garbled, or made for another sort order: an old or edited link. The demo
shop refuses it as Shopify does ("Invalid cursor for current pagination sort.").
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from gql.transport import Transport
from graphql import ExecutionResult

from storefront.demo_shop.pagination import encode_cursor
from storefront.shopify import api, errors
from storefront.shopify.client import StorefrontClient
from tests.web.conftest import text

OTHER_SORT = encode_cursor(("a title",))  # decodes, but belongs to no sort of a number


def card_handles(page: str) -> list[str]:
    return re.findall(r'class="card__link" href="/products/([a-z0-9-]+)"', page)


@pytest.mark.parametrize(("url", "query", "operation"), [
    ("/collections/apparel", "after=Junk1", "CollectionPage"),
    ("/collections/apparel", f"before={OTHER_SORT}&sort_by=price-ascending", "CollectionPage"),
    ("/collections", "after=Junk1", "Collections"),
    ("/search", "q=linen&after=Junk1", "Search"),
    ("/search", f"q=linen&before={OTHER_SORT}", "Search"),
])
def test_a_refused_cursor_gives_the_first_page_and_a_repeat_asks_shopify_nothing(
    client, sent, caplog, url, query, operation
):
    clean = query.replace("after=Junk1", "").replace(f"before={OTHER_SORT}", "").strip("&")
    first_page = text(client.get(f"{url}?{clean}" if clean else url))
    sent.clear()
    caplog.set_level(logging.INFO, logger="storefront")

    reply = client.get(f"{url}?{query}")
    assert reply.status_code == 200
    page = text(reply)
    assert card_handles(page) == card_handles(first_page)
    assert 'rel="prev"' not in page  # the start of the list
    assert f'<link rel="canonical" href="http://localhost{url}">' in page
    # Shopify was asked once with the cursor; the first page came from the data cache.
    assert sent.names() == [operation]
    refused = [r for r in caplog.records if "cursor was refused" in r.getMessage()]
    assert [r.levelno for r in refused] == [logging.INFO]
    assert "Invalid cursor for current pagination sort." in refused[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    sent.clear()
    again = client.get(f"{url}?{query}")
    assert again.status_code == 200 and card_handles(text(again)) == card_handles(first_page)
    assert sent.names() == []  # the page cache answered


def test_a_cold_refused_cursor_costs_one_request_for_the_cursor_and_one_for_the_list(
    client, sent
):
    reply = client.get("/collections/home?after=Junk1")
    assert reply.status_code == 200 and card_handles(text(reply))
    assert sent.names() == ["CollectionPage", "CollectionPage", "Layout"]
    assert [variables.get("after") for _, variables in sent.sent[:2]] == ["Junk1", None]


@pytest.mark.parametrize("query", ["after=%3Cscript%3E", "after=a&before=b", "after=" + "x" * 600])
def test_a_malformed_cursor_is_still_a_400_without_asking_shopify(client, sent, query):
    reply = client.get(f"/collections/apparel?{query}")
    assert reply.status_code == 400
    assert "this page link is not valid" in text(reply) or "both ways" in text(reply)
    assert "CollectionPage" not in sent.names()


# Telling a refused cursor from other refusals (storefront.shopify.api) ---------------


class Refusing(Transport):
    """Refuses every request as Shopify refuses a bad query: 200 with `errors`."""

    def __init__(self, message: str) -> None:
        self.message = message

    def execute(self, request, *args: Any, **kwargs: Any) -> ExecutionResult:
        raise errors.error_for_graphql(
            [{"message": self.message, "path": ["collections"]}], None, status=200,
            operation=request.operation_name, request_id="req-1",
        )


def test_only_a_refusal_of_a_cursor_we_sent_is_an_invalid_cursor():
    client = StorefrontClient(Refusing("Invalid cursor for current pagination sort."),
                              retry_delay=(0, 0))
    with pytest.raises(errors.InvalidCursor) as caught:
        api.collections(client, after="Junk1")
    assert caught.value.request_id == "req-1" and caught.value.operation == "Collections"
    assert isinstance(caught.value, errors.Rejected)
    # No cursor sent: a refusal is a plain one, whatever it says (a bug to see).
    with pytest.raises(errors.Rejected) as plain:
        api.collections(client)
    assert type(plain.value) is errors.Rejected
    other = StorefrontClient(Refusing("Field 'nope' doesn't exist"), retry_delay=(0, 0))
    with pytest.raises(errors.Rejected) as unrelated:
        api.collections(other, after="Junk1")
    assert type(unrelated.value) is errors.Rejected


def test_the_demo_shop_refuses_a_bad_cursor_as_shopify_does():
    from storefront.demo_shop.carts import MemoryCartStore
    from storefront.demo_shop.shop import DemoShop

    shop = DemoShop(carts=MemoryCartStore())
    query = "query($a: String) { products(first: 2, after: $a) { nodes { id } } }"
    reply = shop.execute(query, {"a": "Junk1"}).formatted
    assert reply["data"] is None
    assert reply["errors"][0]["message"] == "Invalid cursor for current pagination sort."
    assert reply["errors"][0]["path"] == ["products"]
