"""Catalog queries behave the same in-process and over HTTP."""

from __future__ import annotations

import pytest

from storefront.shopify import api
from storefront.shopify.models import Collection, Product, ProductCard


def all_collections(client) -> list[Collection]:
    return api.collections(client, first=250).items


def page_through(fetch, size: int) -> list:
    """Every item of a paginated getter, following endCursor forwards."""
    items, after = [], None
    while True:
        page = fetch(first=size, after=after)
        items.extend(page.items)
        if not page.page_info.has_next_page:
            return items
        after = page.page_info.end_cursor


def test_layout_has_the_shop_and_both_menus(client):
    layout = api.layout(client, "main-menu", "footer")
    assert layout.shop.name
    assert layout.shop.brand and layout.shop.brand.logo
    assert layout.main_menu and layout.main_menu.items
    assert layout.footer_menu and layout.footer_menu.items
    assert api.layout(client, "no-such-menu", "footer").main_menu is None


def test_demo_catalog_is_big_enough(client):
    collections = all_collections(client)
    assert len(collections) >= 6
    handles = set()
    for collection in collections:
        page = api.collection_page(client, collection.handle, first=250)
        handles.update(card.handle for card in page.products.items)
    assert len(handles) >= 40


def test_collections_paginate_exactly_once(client):
    everything = [c.handle for c in all_collections(client)]
    paged = [c.handle for c in page_through(lambda **kw: api.collections(client, **kw), 3)]
    assert paged == everything
    assert len(set(paged)) == len(paged)


@pytest.mark.parametrize(
    ("sort_key", "reverse"),
    [("COLLECTION_DEFAULT", False), ("BEST_SELLING", False), ("PRICE", False), ("PRICE", True),
     ("CREATED", True), ("TITLE", False)],
)
def test_collection_products_paginate_exactly_once_in_every_sort(client, sort_key, reverse):
    for collection in all_collections(client):
        whole = api.collection_page(
            client, collection.handle, first=250, sort_key=sort_key, reverse=reverse
        ).products.items

        def fetch(handle=collection.handle, **kw):
            return api.collection_page(
                client, handle, sort_key=sort_key, reverse=reverse, **kw
            ).products

        paged = page_through(fetch, 4)
        assert [p.handle for p in paged] == [p.handle for p in whole], collection.handle


def test_collection_pages_backwards(client):
    handle = max(
        all_collections(client),
        key=lambda c: len(api.collection_page(client, c.handle, first=250).products.items),
    ).handle
    first = api.collection_page(client, handle, first=5)
    second = api.collection_page(client, handle, first=5, after=first.products.page_info.end_cursor)
    assert second.products.page_info.has_previous_page
    back = api.collection_page(
        client, handle, last=5, before=second.products.page_info.start_cursor
    )
    assert [p.handle for p in back.products.items] == [p.handle for p in first.products.items]
    assert not back.products.page_info.has_previous_page


def test_price_sort_orders_by_lowest_price(client):
    handle = all_collections(client)[0].handle
    cards = api.collection_page(client, handle, first=250, sort_key="PRICE").products.items
    prices = [card.price.min.amount for card in cards]
    assert prices == sorted(prices)


def test_in_stock_filter_hides_sold_out_products(client):
    everything, in_stock = [], []
    for collection in all_collections(client):
        everything += api.collection_page(client, collection.handle, first=250).products.items
        in_stock += api.collection_page(
            client, collection.handle, first=250, filters=[{"available": True}]
        ).products.items
    assert any(not card.available for card in everything)
    assert in_stock and all(card.available for card in in_stock)


def test_unknown_collection_is_none(client):
    assert api.collection_page(client, "no-such-collection") is None


def some_product(client, predicate=lambda p: True) -> Product:
    for collection in all_collections(client):
        for card in api.collection_page(client, collection.handle, first=250).products.items:
            product = api.product(client, card.handle)
            if predicate(product):
                return product
    raise AssertionError("no product in the demo catalog matches")


def test_product_has_options_variants_and_images(client):
    product = some_product(client, lambda p: len(p.options) >= 2)
    assert isinstance(product, ProductCard)
    assert product.images and product.variants
    assert product.description_html and product.seo.title
    names = [o.name for o in product.options]
    for variant in product.variants:
        assert set(variant.options) == set(names)
        assert variant.price.currency_code == "USD"
    assert product.selected_variant is not None


def test_variant_selection_by_options(client):
    product = some_product(client, lambda p: len(p.variants) >= 3)
    wanted = product.variants[-1]
    chosen = api.product(client, product.handle, wanted.options)
    assert chosen.selected_variant.id == wanted.id


def test_sold_out_variants_and_compare_at_prices_exist(client):
    product = some_product(client, lambda p: any(not v.available for v in p.variants))
    sold_out = next(v for v in product.variants if not v.available)
    assert sold_out.quantity_available == 0
    discounted = some_product(client, lambda p: p.compare_at_price is not None)
    assert discounted.compare_at_price.max.amount > discounted.price.min.amount


def test_unknown_product_is_none(client):
    assert api.product(client, "no-such-product") is None


def test_recommendations_exclude_the_product(client):
    product = some_product(client)
    recommended = api.recommendations(client, product.id)
    assert recommended
    assert product.id not in {card.id for card in recommended}


def test_search_and_predictive_search(client):
    product = some_product(client)
    word = product.title.split()[-1]
    results = api.search(client, word, first=250)
    assert product.handle in {card.handle for card in results.items}
    assert results.total_count == len(results.items)
    predicted = api.predictive_search(client, word[:3].lower())
    assert predicted.products
    assert api.search(client, "zzzqqqxxnothing").items == []


def test_page_by_handle(client):
    about = api.page(client, "about")
    assert about.title and about.body_html
    assert api.page(client, "no-such-page") is None


def test_variants_by_id_skip_unknown_ids(client):
    product = some_product(client)
    ids = [product.variants[0].id, "gid://shopify/ProductVariant/999999999"]
    found = api.variants(client, ids)
    assert list(found) == [product.variants[0].id]


def test_creator_metaobjects(client):
    creators = api.metaobjects(client, "creator")
    assert creators.items
    assert all(item.type == "creator" for item in creators.items)
