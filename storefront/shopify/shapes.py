"""The shape a reply must have: what a document asks for, checked before anyone reads it.

Each field asked for is there (unless `@include`/`@skip` may leave it out),
objects where a selection was asked, scalars at the leaves; `... on Type`
parts apply to objects of that type only. Null is always allowed and extra
fields are ignored. A reply that fails is a broken upstream (a proxy
answering 200 with other JSON), so the reshaping code can trust what it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from storefront.shopify.documents import Operation


@dataclass
class Shape:
    """What the document asks of one object of the reply."""

    fields: dict[str, Shape | None] = field(default_factory=dict)  # key -> shape; None: scalar
    required: set[str] = field(default_factory=set)  # keys no @include/@skip may leave out
    # `... on Type` parts: an object of another type has none of their fields;
    # one that has a field only this part asks for (a mark) has them all.
    parts: list[Shape] = field(default_factory=list)
    marks: frozenset[str] = frozenset()


def reply_shape(operation: Operation) -> Shape:
    definitions = operation.document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    root = next(d for d in definitions if isinstance(d, OperationDefinitionNode))
    shape = _shape_of(root.selection_set, fragments, Shape())
    _mark_parts(shape)
    return shape


def _shape_of(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], shape: Shape
) -> Shape:
    """`shape`, with what `selections` asks added to it."""
    for node in selections.selections:
        conditional = any(d.name.value in ("include", "skip") for d in node.directives or ())
        if isinstance(node, FieldNode):
            key = (node.alias or node.name).value
            child = shape.fields.get(key)
            if node.selection_set is not None:
                child = _shape_of(node.selection_set, fragments, child or Shape())
            shape.fields[key] = child
            if not conditional:
                shape.required.add(key)
            continue
        if isinstance(node, FragmentSpreadNode):
            # A named fragment is spread where its own type is (one fragment per
            # type; tests/shopify/test_our_bugs.py checks it): its fields are the
            # object's own.
            body, typed = fragments[node.name.value].selection_set, False
        else:
            body, typed = node.selection_set, node.type_condition is not None
        if typed or conditional:
            shape.parts.append(_shape_of(body, fragments, Shape()))
        else:
            _shape_of(body, fragments, shape)
    return shape


def _mark_parts(shape: Shape) -> None:
    for child in shape.fields.values():
        if child is not None:
            _mark_parts(child)
    for part in shape.parts:
        others = set(shape.fields).union(*(p.fields for p in shape.parts if p is not part))
        part.marks = frozenset(part.fields.keys() - others)
        _mark_parts(part)


def mismatch(shape: Shape | None, value: Any, path: str, whole: bool = True) -> str | None:
    """Where `value` (the reply at `path`) is not what `shape` asked for; None if it is.

    `whole`: every required field must be there (else only those there are checked).
    """
    if value is None:  # any field may be null (a non-null one comes with errors[])
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = mismatch(shape, item, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    if shape is None:
        return None if isinstance(value, str | int | float | bool) else f"{path} is not a scalar"
    if not isinstance(value, dict):
        return f"{path} is not an object"
    for key, child in shape.fields.items():
        if key not in value:
            if whole and key in shape.required:
                return f"{path}.{key} is missing"
            continue
        problem = mismatch(child, value[key], f"{path}.{key}")
        if problem is not None:
            return problem
    for part in shape.parts:
        of_its_type = any(key in value for key in part.marks)
        problem = mismatch(part, value, path, whole=of_its_type)
        if problem is not None:
            return problem
    return None
