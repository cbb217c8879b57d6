"""GraphQL resolvers of the demo shop, one module per part of the schema.

Each module registers its resolvers on `registry`; `schema.py` binds them to
the schema built from `schema.graphql`. Fields without a resolver read the
attribute (or mapping key) of the same name in snake_case, so catalog
records are served as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLSchema

Resolver = Callable[..., Any]


class Registry:
    """Resolvers by (type name, field name), bound to a schema once it is built."""

    def __init__(self) -> None:
        self.fields: dict[tuple[str, str], Resolver] = {}

    def field(self, type_name: str, field_name: str) -> Callable[[Resolver], Resolver]:
        def register(resolver: Resolver) -> Resolver:
            if (type_name, field_name) in self.fields:
                raise ValueError(f"{type_name}.{field_name} has two resolvers")
            self.fields[(type_name, field_name)] = resolver
            return resolver

        return register

    def bind(self, schema: GraphQLSchema) -> None:
        for (type_name, field_name), resolver in self.fields.items():
            graphql_type = schema.get_type(type_name)
            fields = getattr(graphql_type, "fields", {})
            if field_name not in fields:
                raise ValueError(f"a resolver for {type_name}.{field_name}, not in the schema")
            fields[field_name].resolve = resolver


registry = Registry()
