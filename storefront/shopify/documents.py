"""The GraphQL documents the storefront sends, loaded once at start.

Each operation lives in `documents/<Name>.graphql` with an operation of the
same name; shared fragments live in `documents/fragments/`, one per type. An
operation is sent together with exactly the fragments it uses, so every
document is complete on its own and validates against Shopify's schema.

Each file starts by declaring how long its data may be cached, next to the
query it is about: `# cache: <policy>` names a policy of the data cache
(`storefront/caching/policies.py`: shop, catalog), and `# cache: none (why)`
says it is never cached. Mutations are never cached. A file without the line
does not load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    parse,
    print_ast,
    visit,
)

DOCUMENTS_DIR = Path(__file__).parent / "documents"
CACHE_LINE = re.compile(r"# cache: (?:none \(.+\)|(?P<policy>(?!none\b)[a-z_]+))\n")


@dataclass(frozen=True)
class Operation:
    name: str
    document: DocumentNode
    is_mutation: bool
    variables: frozenset[str]
    text: str
    cache: str | None  # the data-cache policy's name; None: never cached


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args) -> None:
        self.names.add(node.name.value)


def spreads(node) -> set[str]:
    """The names of the fragments spread in `node` (not followed into them)."""
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.names


def load_fragments(folder: Path) -> dict[str, FragmentDefinitionNode]:
    """Every fragment defined in the folder's files, by name; only fragments, each once."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(folder.glob("*.graphql")):
        for definition in parse(path.read_text(), no_location=True).definitions:
            if not isinstance(definition, FragmentDefinitionNode):
                raise ValueError(f"{path.name}: only fragments belong in fragments/")
            name = definition.name.value
            if name in fragments:
                raise ValueError(f"{path.name}: fragment {name} is defined twice")
            fragments[name] = definition
    return fragments


def with_fragments(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """The fragments an operation needs, followed transitively, in a stable order."""
    needed: dict[str, FragmentDefinitionNode] = {}
    pending = sorted(spreads(operation))
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        if name not in fragments:
            raise ValueError(f"{operation.name.value}: unknown fragment {name}")
        needed[name] = fragments[name]
        pending.extend(sorted(spreads(fragments[name])))
    return [needed[name] for name in sorted(needed)]


def load_operations(folder: Path = DOCUMENTS_DIR) -> dict[str, Operation]:
    """Every operation file in `folder`, keyed by operation name (a fresh dict each call)."""
    return dict(_parsed(Path(folder).resolve()))


@cache
def _parsed(folder: Path) -> dict[str, Operation]:
    # The documents ship with the code: parsed once per process, not once per
    # client (every app, CLI command and test builds one). Operations are frozen.
    fragments = load_fragments(folder / "fragments")
    operations: dict[str, Operation] = {}
    for path in sorted(folder.glob("*.graphql")):
        source = path.read_text()
        declared = CACHE_LINE.match(source)
        if declared is None:
            raise ValueError(f"{path.name}: the first line must be `# cache: <policy>` or "
                             "`# cache: none (why)`")
        parsed = parse(source, no_location=True).definitions
        ops = [d for d in parsed if isinstance(d, OperationDefinitionNode)]
        if len(ops) != 1 or len(parsed) != 1 or ops[0].name is None:
            raise ValueError(f"{path.name}: expected exactly one named operation")
        op = ops[0]
        if op.name.value != path.stem:
            raise ValueError(f"{path.name}: the operation must be named {path.stem}")
        document = DocumentNode(definitions=(op, *with_fragments(op, fragments)))
        is_mutation = op.operation == OperationType.MUTATION
        if is_mutation and declared["policy"]:
            raise ValueError(f"{path.name}: a mutation is never cached: `# cache: none (why)`")
        operations[op.name.value] = Operation(
            name=op.name.value,
            document=document,
            is_mutation=is_mutation,
            variables=frozenset(v.variable.name.value for v in op.variable_definitions or ()),
            text=print_ast(document),
            cache=declared["policy"],
        )
    return operations
