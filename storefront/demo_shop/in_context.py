"""What a document's `@inContext` asks for, and the country and language it is answered in.

`@inContext(country:, language:)` on the operation picks the market and the language of
everything it returns, as on Shopify: a country in no market is answered as the primary
market, a language its market lacks as the market's default language. Carts are the
exception Shopify's documentation states: a cart's prices follow its buyer identity's
country, never `@inContext(country:)` (resolvers/where.py applies both).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, GraphQLSchema, get_operation_ast
from graphql.execution.values import get_directive_values, get_variable_values

from storefront.demo_shop.catalog import Shop


@dataclass(frozen=True)
class Asked:
    """The operation's `@inContext` arguments (None where not given)."""

    country: str | None = None
    language: str | None = None
    given: bool = False  # the operation carries @inContext at all

    def answered(self, shop: Shop) -> dict[str, str]:
        """The country and language the operation is answered in (Shopify reports them
        in the reply's `extensions.context`)."""
        market = shop.market_for(self.country)
        country = self.country if self.country in market.countries else market.countries[0]
        return {"country": country, "language": market.language(self.language)}


def asked_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict | None,
) -> Asked:
    """The operation's @inContext; nothing asked when the operation or its variables are
    wrong (execution reports those)."""
    operation = get_operation_ast(document, operation_name)
    directive = schema.get_directive("inContext")
    if operation is None or directive is None:
        return Asked()
    if not any(d.name.value == "inContext" for d in operation.directives or ()):
        return Asked()
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):  # errors in the variables
        return Asked()
    values = get_directive_values(directive, operation, coerced) or {}
    return Asked(values.get("country"), values.get("language"), given=True)
