import pytest

from tests.shopify_schema import shopify_schema


@pytest.fixture(scope="session")
def shopify():
    """Shopify's real Storefront API schema (graphql-core GraphQLSchema)."""
    return shopify_schema()
