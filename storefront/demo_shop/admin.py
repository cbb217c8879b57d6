"""The demo shop's Admin API: just what the store writes (a creator metaobject's fields).

`admin_schema.graphql` declares the few Admin operations used, with Shopify's
names; it is not checked against Shopify's Admin schema (the repository has only
the Storefront one). Updates land in the same catalog the Storefront API reads, as
a merchant's edit does (`DemoShop.update_metaobject`), so the store sees them on
its next read of the metaobjects.

A field the metaobject does not have yet is added, as Shopify would if the
definition had it: JSON when its value is a JSON object or list, else text.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    assert_valid_schema,
    build_schema,
    execute,
    parse,
    validate,
)

from storefront.demo_shop import ids
from storefront.demo_shop.catalog import Metaobject

SDL_PATH = Path(__file__).parent / "admin_schema.graphql"
VALUE_MAX = 65_535
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def _view(metaobject: Metaobject) -> dict[str, Any]:
    return {"id": ids.gid("Metaobject", metaobject.id), "handle": metaobject.handle,
            "type": metaobject.type, "updatedAt": metaobject.updated_at}


def _problem(message: str, code: str, field: list[str], key: str | None = None) -> dict:
    return {"field": field, "message": message, "code": code, "elementKey": key,
            "elementIndex": None}


def _new_kind(value: str) -> str:
    try:
        parsed = json.loads(value)
    except ValueError:
        return "single_line_text_field"
    return "json" if isinstance(parsed, dict | list) else "single_line_text_field"


def _by_handle(shop, info, handle: dict[str, str]) -> dict[str, Any] | None:
    found = shop.catalog.metaobject(handle["type"], handle["handle"])
    return _view(found) if found is not None else None


def _update(shop, info, id: str, metaobject: dict[str, Any]) -> dict[str, Any]:
    number = ids.number_of(id, "Metaobject")
    found = shop.catalog.metaobject_by_id(number) if number is not None else None
    if found is None:
        return {"metaobject": None,
                "userErrors": [_problem("Record not found", "RECORD_NOT_FOUND", ["id"])]}
    kinds = {field.key: field.type for field in found.fields}
    values: dict[str, str] = {}
    problems = []
    for entry in metaobject.get("fields") or ():
        key, value = entry["key"], entry["value"]
        where = ["metaobject", "fields"]
        if key in values:
            problems.append(_problem("Duplicate inputs were provided for this field key.",
                                     "DUPLICATE_FIELD_INPUT", where, key))
        elif len(value) > VALUE_MAX:
            problems.append(_problem(f"Value is too long (at most {VALUE_MAX} characters)",
                                     "INVALID_VALUE", where, key))
        elif kinds.get(key) == "file_reference" and value:
            problems.append(_problem("Value must be a file reference id", "INVALID_VALUE",
                                     where, key))
        elif (kinds.get(key) == "json" or kinds.get(key, "").startswith("list.")) and value \
                and not _is_json(value):
            problems.append(_problem("Value is invalid JSON", "INVALID_VALUE", where, key))
        values[key] = value
    if problems:
        return {"metaobject": None, "userErrors": problems}
    changed = shop.update_metaobject(found.id, values, new_kind=_new_kind)
    if changed is None:  # removed meanwhile
        return {"metaobject": None,
                "userErrors": [_problem("Record not found", "RECORD_NOT_FOUND", ["id"])]}
    return {"metaobject": _view(changed), "userErrors": []}


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


@cache
def admin_schema() -> GraphQLSchema:
    """The Admin schema, built once per process (resolvers take the shop as root value)."""
    schema = build_schema(SDL_PATH.read_text(encoding="utf-8"))
    assert_valid_schema(schema)
    schema.query_type.fields["metaobjectByHandle"].resolve = _by_handle
    schema.mutation_type.fields["metaobjectUpdate"].resolve = _update
    return schema


class DemoAdmin:
    """Answers Admin API documents over `shop`'s catalog; errors come back, never raised."""

    def __init__(self, shop) -> None:
        self.shop = shop
        self.schema = admin_schema()

    def execute(self, document: DocumentNode | str, variables: dict[str, Any] | None = None,
                operation_name: str | None = None) -> ExecutionResult:
        if isinstance(document, str):
            try:
                document = parse(document)
            except GraphQLError as error:
                return ExecutionResult(data=None, errors=[error])
        errors = validate(self.schema, document)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        return execute(self.schema, document, root_value=self.shop, variable_values=variables,
                       operation_name=operation_name)

    def send(self, payload: dict[str, Any], timeout: float | None = None) -> tuple[int, Any]:
        """One request as storefront.shopify.admin.AdminClient sends it, answered in-process."""
        result = self.execute(payload["query"], payload.get("variables"),
                              payload.get("operationName"))
        return 200, result.formatted
