"""`DemoShop`: the demo catalog and carts behind a Storefront-API-compatible GraphQL schema."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, validate

from storefront.demo_shop.cart_ops import CartOperations
from storefront.demo_shop.carts import CartStore, MemoryCartStore
from storefront.demo_shop.catalog import Catalog, load_catalog
from storefront.demo_shop.context import ShopContext
from storefront.demo_shop.schema import default_resolver, demo_schema
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
        self.base_url = base_url.rstrip("/")
        self._use(self.catalog)

    def _use(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.operations = CartOperations(catalog, self.carts)
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
        result = execute(
            self.schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=self._context,
            field_resolver=default_resolver,
        )
        if result.errors:
            result.errors = [_public(error) for error in result.errors]
        return result


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
