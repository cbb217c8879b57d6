"""Shopify's real Storefront API schema, for validating what the project sends.

The introspection JSON lives beside the repository in `../shared/shopify/`. On a
laptop without it, the tests that need it skip; under CI (CI=true) they fail.
"""

import json
import os
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCHEMA_PATH = SHARED / "shopify" / "storefront-2026-04.schema.json"


@cache
def _load() -> GraphQLSchema:
    schema = build_client_schema(json.loads(SCHEMA_PATH.read_text()))
    # Shopify's own schema breaks one of graphql-core's schema rules (deprecated
    # implementations of non-deprecated interface fields). Marking it as already
    # validated lets documents be validated against it as Shopify does.
    schema._validation_errors = []
    return schema


def shopify_schema() -> GraphQLSchema:
    if not SCHEMA_PATH.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Shopify's schema is missing at {SCHEMA_PATH}")
        pytest.skip(f"Shopify's schema is not at {SCHEMA_PATH}")
    return _load()
