"""`DemoShop`: the demo catalog and carts behind a Storefront-API-compatible GraphQL schema."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, validate

from storefront.demo_shop.cart_ops import CartOperations
from storefront.demo_shop.carts import CartStore, MemoryCartStore
from storefront.demo_shop.catalog import (
    Catalog,
    CatalogError,
    Metaobject,
    MetaobjectField,
    Redirect,
    load_catalog,
)
from storefront.demo_shop.context import ShopContext
from storefront.demo_shop.database import SqliteFile
from storefront.demo_shop.files import FileStore
from storefront.demo_shop.gift_cards import Ledger
from storefront.demo_shop.ids import number_of
from storefront.demo_shop.in_context import asked_of
from storefront.demo_shop.schema import (
    default_resolver,
    demo_schema,
    execution_schema,
    without_defer,
)
from storefront.demo_shop.search import SearchIndex

log = logging.getLogger(__name__)


class DemoShop:
    """Answers GraphQL documents as Shopify's Storefront API would, over the demo catalog.

    Thread-safe: the catalog and search index are immutable, and carts live in
    a store that serialises its own changes. `base_url` prefixes every URL the
    shop hands out ("" gives root-relative URLs).
    """

    def __init__(
        self, catalog_path: Path | None = None, carts: CartStore | None = None, base_url: str = ""
    ) -> None:
        self.schema = demo_schema()
        self.catalog: Catalog = load_catalog(catalog_path)
        self.carts: CartStore = carts if carts is not None else MemoryCartStore()
        # The shop's own tables (what gift cards spent; its order book's orders and
        # outbox) live beside its carts, or in a temporary file for carts in memory.
        self.database = SqliteFile(getattr(self.carts, "path", None))
        self.gift_cards = Ledger(self.database)
        self.base_url = base_url.rstrip("/")
        self._edits = threading.Lock()
        self.files = FileStore()  # what the Admin API's staged uploads and fileCreate made
        self._use(self.catalog)

    def _use(self, catalog: Catalog) -> None:
        _check_currencies(catalog, self.schema)
        self.catalog = catalog
        self.operations = CartOperations(catalog, self.carts, self.gift_cards)
        # One assignment: a request in flight keeps the context it started with.
        self._context = ShopContext(
            catalog=catalog,
            search=SearchIndex.of(catalog),
            carts=self.operations,
            base_url=self.base_url,
        )

    def edit_product(self, handle: str, *, title: str) -> bool:
        """A merchant's edit in the Shopify admin: the product's title changes.

        What the storefront shows next depends on its caches and on Shopify's
        webhook telling it; tests use this to check that chain. False when
        there is no such product.
        """
        product = self.catalog.product(handle)
        if product is None:
            return False
        changed = replace(product, title=title)
        index = dict(self.catalog._index)
        index[("product", handle)] = changed
        index[("product#", product.id)] = changed
        products = tuple(changed if p is product else p for p in self.catalog.products)
        self._use(replace(self.catalog, products=products, _index=MappingProxyType(index)))
        return True

    def edit_redirects(self, redirects: tuple[Redirect, ...]) -> None:
        """A merchant's edit of the online store's URL redirects (Navigation, URL redirects)."""
        self._use(replace(self.catalog, redirects=tuple(redirects)))

    def edit_metaobject(self, type_: str, handle: str, values: dict[str, str]) -> bool:
        """A merchant's edit of a metaobject in the Shopify admin: fields get new values.

        A key it doesn't have yet is added as a single-line text field. The
        storefront learns of it from a `metaobjects/update` webhook, or its poll.
        False when there is no such metaobject.
        """
        metaobject = self.catalog.metaobject(type_, handle)
        if metaobject is None:
            return False
        self.update_metaobject(metaobject.id, values)
        return True

    def update_metaobject(
        self, number: int, values: dict[str, str], *, new_kind: Callable[[str], str] | None = None
    ) -> Metaobject | None:
        """Metaobject `number` with `values` in its fields ("" empties one), now in the
        catalog; None when there is no such metaobject. A key it doesn't have yet is
        added as a field of `new_kind(value)` (default: single-line text)."""
        with self._edits:  # two edits at once must not lose one
            metaobject = self.catalog.metaobject_by_id(number)
            if metaobject is None:
                return None
            fields = [self._field(f, values[f.key]) if f.key in values else f
                      for f in metaobject.fields]
            known = {f.key for f in fields}
            kind = new_kind or (lambda value: "single_line_text_field")
            fields += [self._field(MetaobjectField(key, kind(value), None), value)
                       for key, value in values.items() if key not in known]
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            changed = replace(metaobject, fields=tuple(fields), updated_at=stamp)
            index = dict(self.catalog._index)
            index[("metaobject", (metaobject.type, metaobject.handle))] = changed
            index[("metaobject#", metaobject.id)] = changed
            metaobjects = tuple(changed if m is metaobject else m
                                for m in self.catalog.metaobjects)
            self._use(replace(self.catalog, metaobjects=metaobjects,
                              _index=MappingProxyType(index)))
            return changed

    def _field(self, field: MetaobjectField, value: str) -> MetaobjectField:
        """`field` holding `value`; a file reference also names the image it refers to."""
        if field.type != "file_reference" or value == field.value:
            return replace(field, value=value)
        stored = self.files.get(number_of(value, "MediaImage")) if value else None
        return replace(field, value=value, image=stored.image if stored else None)

    def execute(
        self,
        document: DocumentNode | str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> ExecutionResult:
        """Validate and run one document; errors come back in the result, never raised."""
        if isinstance(document, str):
            try:
                document = parse(document)
            except GraphQLError as error:
                return ExecutionResult(data=None, errors=[error])
        errors = validate(self.schema, document)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        asked = asked_of(self.schema, document, operation_name, variables)
        context = replace(self._context, asked=asked, cart_countries={})
        result = execute(
            execution_schema(),
            without_defer(document),
            variable_values=variables,
            operation_name=operation_name,
            context_value=context,
            field_resolver=default_resolver,
        )
        if result.errors:
            result.errors = [_public(error) for error in result.errors]
        if asked.given:  # as Shopify reports the context it answered in
            result.extensions = {"context": asked.answered(context.catalog.shop)}
        return result


def _check_currencies(catalog: Catalog, schema) -> None:
    """Every market's currency must be one the schema's CurrencyCode has (add it there)."""
    known = set(schema.type_map["CurrencyCode"].values)
    for market in catalog.shop.markets:
        if market.currency not in known:
            raise CatalogError(f"shop.markets {market.handle!r}: currency {market.currency} "
                               "is not in the demo schema's CurrencyCode")


def _public(error: GraphQLError) -> GraphQLError:
    """A resolver's bug becomes Shopify's INTERNAL_SERVER_ERROR, logged, never shown."""
    if error.original_error is None or isinstance(error.original_error, GraphQLError):
        return error
    log.error("demo shop resolver failed at %s", error.path, exc_info=error.original_error)
    return GraphQLError(
        "Internal error. Looks like something went wrong on our end.",
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )
