"""The demo shop's Admin API: just what the store writes (a creator metaobject's fields,
and the picture it refers to: a staged upload and fileCreate, files.py).

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
from storefront.demo_shop.context import FILES_PATH
from storefront.demo_shop.files import KINDS, MAX_BYTES, STAGED_PATH, StoredFile, UploadRefused

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
    if ids.number_of(value, "MediaImage") is not None:
        return "file_reference"  # as a definition with a file field for it has it
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
        elif kinds.get(key, _new_kind(value)) == "file_reference" and value \
                and not _is_file(shop, value):
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


def _is_file(shop, value: str) -> bool:
    number = ids.number_of(value, "MediaImage")
    return shop.files.get(number) is not None or any(
        f.value == value for m in shop.catalog.metaobjects for f in m.fields)


def _staged(shop, info, input: list[dict[str, Any]]) -> dict[str, Any]:
    targets, problems = [], []
    for n, wanted in enumerate(input):
        where = ["input", str(n)]
        size = _size(wanted.get("fileSize"))
        if wanted["resource"] != "IMAGE" or wanted["mimeType"] not in KINDS:
            problems.append({"field": where + ["mimeType"], "message":
                             f"Only images are taken here ({', '.join(KINDS)})"})
        elif size is None or not 0 < size <= MAX_BYTES:
            problems.append({"field": where + ["fileSize"], "message":
                             f"File size must be given, at most {MAX_BYTES} bytes"})
        elif wanted.get("httpMethod", "PUT") != "POST":
            problems.append({"field": where + ["httpMethod"], "message":
                             "Only POST uploads are taken here"})
        else:
            token = shop.files.stage(wanted["filename"], wanted["mimeType"], size)
            url = f"{shop.base_url}{STAGED_PATH}/{token}"
            targets.append({"url": url, "resourceUrl": url, "parameters": [
                {"name": "key", "value": token},
                {"name": "Content-Type", "value": wanted["mimeType"]}]})
    if problems:
        return {"stagedTargets": None, "userErrors": problems}
    return {"stagedTargets": targets, "userErrors": []}


def _size(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _token_of(shop, source: str) -> str | None:
    prefix = f"{shop.base_url}{STAGED_PATH}/"
    token = source[len(prefix):] if source.startswith(prefix) else ""
    return token if token and "/" not in token else None


def _file_view(stored: StoredFile, shop) -> dict[str, Any]:
    ready = stored.status == "READY"
    return {"__typename": "MediaImage", "id": ids.gid("MediaImage", stored.number),
            "alt": stored.alt, "createdAt": stored.created_at, "updatedAt": stored.created_at,
            "fileStatus": stored.status, "fileErrors": [], "mimeType": stored.mime_type,
            # Shopify has no image until processing is done.
            "image": {"url": f"{shop.base_url}{FILES_PATH}/{stored.image.file}",
                      "altText": stored.alt or None} if ready else None}


def _create_files(shop, info, files: list[dict[str, Any]]) -> dict[str, Any]:
    made, problems = [], []
    for n, wanted in enumerate(files):
        token = _token_of(shop, wanted["originalSource"])
        stored = shop.files.create(token, wanted.get("alt") or "") if token else None
        if wanted.get("contentType", "IMAGE") != "IMAGE" or stored is None:
            problems.append({"field": ["files", str(n), "originalSource"],
                             "code": "INVALID_IMAGE_SOURCE_URL",
                             "message": "Image URL is invalid: no uploaded image there"})
        else:
            made.append(_file_view(stored, shop))
    if problems:
        return {"files": None, "userErrors": problems}
    return {"files": made, "userErrors": []}


def _node(shop, info, id: str) -> dict[str, Any] | None:
    if (number := ids.number_of(id, "MediaImage")) is not None:
        stored = shop.files.read(number)
        return _file_view(stored, shop) if stored is not None else None
    if (number := ids.number_of(id, "Metaobject")) is not None:
        found = shop.catalog.metaobject_by_id(number)
        return {"__typename": "Metaobject", **_view(found)} if found is not None else None
    return None


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
    schema.mutation_type.fields["stagedUploadsCreate"].resolve = _staged
    schema.mutation_type.fields["fileCreate"].resolve = _create_files
    schema.query_type.fields["node"].resolve = _node
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

    def upload(self, target, filename: str, mime_type: str, data: bytes) -> None:
        """A staged upload (storefront.shopify.admin.Upload) received in-process."""
        from storefront.shopify.admin import AdminRejected

        token = _token_of(self.shop, target.url)
        try:
            if token is None:
                raise UploadRefused("not an upload target of this shop", 404)
            self.shop.files.receive(token, dict(target.parameters), data)
        except UploadRefused as refused:
            raise AdminRejected(f"the picture's upload was refused (HTTP {refused.status}): "
                                f"{refused}") from None
