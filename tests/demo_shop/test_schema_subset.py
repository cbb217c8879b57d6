"""The demo schema is a strict subset of Shopify's Storefront API schema."""

from __future__ import annotations

from graphql import build_schema

from storefront.demo_shop.schema import demo_schema
from tests.demo_shop.schema_subset import violations


def test_demo_schema_is_a_subset_of_shopifys(shopify):
    assert violations(demo_schema(), shopify) == []


def test_demo_schema_declares_what_the_storefront_relies_on():
    schema = demo_schema()
    assert schema.query_type.name == "QueryRoot"
    assert schema.mutation_type.name == "Mutation"
    in_context = schema.get_directive("inContext")
    assert {a for a in in_context.args} == {"country", "language"}
    assert {loc.name for loc in in_context.locations} == {"QUERY", "MUTATION"}


WRONG = """
schema { query: QueryRoot }
directive @inContext(country: String, language: LanguageCode) on QUERY | FIELD
enum LanguageCode { EN KLINGON }
interface Node { id: ID! }
interface Sellable { id: ID! }
type QueryRoot {
  shop: Shop
  product(handle: String, id: ID, extra: Int): Product
  menu: Menu
  search(query: String): SearchResultItemConnection!
}
type Shop { name: String! }
type Menu implements Node { id: ID! title: String! }
type Product implements Node & Sellable { id: ID! title: String tags: [String]! unknownField: Int }
type Page { id: ID! }
type Widget { id: ID! }
union SearchResultItem = Product | Page | Widget
type SearchResultItemConnection { nodes: [SearchResultItem!]! }
input CartLineInput { quantity: Int merchandiseId: String }
enum CurrencyCode { USD }
"""


def test_the_check_reports_each_kind_of_violation(shopify):
    demo = build_schema(
        WRONG + "type Mutation { cartCreate(input: CartLineInput): Int }", assume_valid=True
    )
    found = "\n".join(violations(demo, shopify))
    expected = [
        "@inContext(country:) is String, Shopify's is CountryCode",  # argument type
        "directive @inContext on FIELD",  # location
        "enum LanguageCode value KLINGON",  # enum value
        "type Sellable is not in Shopify's schema",  # unknown type
        "Product implements Sellable",  # interface
        "QueryRoot.shop is Shop, Shopify's is Shop!",  # nullability
        "QueryRoot.product(extra:) is not in Shopify's schema",  # unknown argument
        "QueryRoot.menu(handle:) is required by Shopify but missing",  # required argument
        "QueryRoot.search(query:) is String, Shopify's is String!",
        "Product.title is String, Shopify's is String!",
        "Product.tags is [String]!, Shopify's is [String!]!",  # list wrapping
        "Product.unknownField is not in Shopify's schema",
        "union SearchResultItem member Widget",
        "input CartLineInput.merchandiseId is String, Shopify's is ID!",
        "Mutation.cartCreate is Int, Shopify's is CartCreatePayload",
    ]
    missing = [text for text in expected if text not in found]
    assert missing == [], found


def test_a_faithful_subset_has_no_violations(shopify):
    faithful = build_schema("""
        schema { query: QueryRoot }
        directive @inContext(country: CountryCode) on QUERY
        enum CountryCode { US CA }
        type QueryRoot { shop: Shop! menu(handle: String!): Menu }
        type Shop { name: String! }
        type Menu { title: String! }
    """)
    assert violations(faithful, shopify) == []


def test_a_wrong_root_name_is_reported(shopify):
    renamed = build_schema("type Query { shop: Shop! } type Shop { name: String! }")
    assert "the query root is Query, Shopify's is QueryRoot" in violations(renamed, shopify)
