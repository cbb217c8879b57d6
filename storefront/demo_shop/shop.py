"""`DemoShop`: the demo catalog and carts behind a Storefront-API-compatible GraphQL schema."""

from __future__ import annotations

import logging
from pathlib import Path
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
        self.operations = CartOperations(self.catalog, self.carts)
        self._context = ShopContext(
            catalog=self.catalog,
            search=SearchIndex(self.catalog),
            carts=self.operations,
            base_url=self.base_url,
        )

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
