"""Is one GraphQL schema a subset of another, element by element?

`violations(demo, shopify)` lists every element of `demo` that Shopify's
schema lacks or types differently: types and their kinds, fields and their
types, arguments and their types and defaults, input fields, enum values,
union members, interfaces, the directives it declares with their arguments and
locations, and the root type names. It also lists Shopify's required arguments and input
fields that the demo leaves out, since a document valid against the demo
would then be invalid against Shopify.
"""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    is_required_argument,
    is_required_input_field,
    is_specified_directive,
)
from graphql.pyutils import Undefined


def _arguments(where: str, ours: dict[str, GraphQLArgument], theirs: dict[str, GraphQLArgument]):
    for name, argument in ours.items():
        other = theirs.get(name)
        if other is None:
            yield f"{where}({name}:) is not in Shopify's schema"
            continue
        if str(argument.type) != str(other.type):
            yield f"{where}({name}:) is {argument.type}, Shopify's is {other.type}"
        if argument.default_value is not Undefined or other.default_value is not Undefined:
            if argument.default_value != other.default_value:
                yield (
                    f"{where}({name}:) defaults to {argument.default_value!r}, Shopify's to "
                    f"{other.default_value!r}"
                )
    for name, other in theirs.items():
        if name not in ours and is_required_argument(other):
            yield f"{where}({name}:) is required by Shopify but missing"


def _type_violations(name: str, ours, theirs):
    if type(ours) is not type(theirs):
        yield f"{name} is a {type(ours).__name__}, Shopify's is a {type(theirs).__name__}"
        return
    if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType):
        their_interfaces = {i.name for i in theirs.interfaces}
        for interface in ours.interfaces:
            if interface.name not in their_interfaces:
                yield f"{name} implements {interface.name}, Shopify's does not"
        for field_name, field in ours.fields.items():
            other = theirs.fields.get(field_name)
            if other is None:
                yield f"{name}.{field_name} is not in Shopify's schema"
                continue
            if str(field.type) != str(other.type):
                yield f"{name}.{field_name} is {field.type}, Shopify's is {other.type}"
            yield from _arguments(f"{name}.{field_name}", field.args, other.args)
    elif isinstance(ours, GraphQLInputObjectType):
        for field_name, field in ours.fields.items():
            other = theirs.fields.get(field_name)
            if other is None:
                yield f"input {name}.{field_name} is not in Shopify's schema"
            elif str(field.type) != str(other.type):
                yield f"input {name}.{field_name} is {field.type}, Shopify's is {other.type}"
        for field_name, other in theirs.fields.items():
            if field_name not in ours.fields and is_required_input_field(other):
                yield f"input {name}.{field_name} is required by Shopify but missing"
    elif isinstance(ours, GraphQLEnumType):
        for value in ours.values:
            if value not in theirs.values:
                yield f"enum {name} value {value} is not in Shopify's schema"
    elif isinstance(ours, GraphQLUnionType):
        members = {t.name for t in theirs.types}
        for member in ours.types:
            if member.name not in members:
                yield f"union {name} member {member.name} is not in Shopify's"


def violations(demo: GraphQLSchema, shopify: GraphQLSchema) -> list[str]:
    found: list[str] = []
    for root in ("query_type", "mutation_type", "subscription_type"):
        ours, theirs = getattr(demo, root), getattr(shopify, root)
        if ours is not None and (theirs is None or ours.name != theirs.name):
            found.append(
                f"the {root.split('_')[0]} root is {ours.name}, Shopify's is "
                f"{theirs.name if theirs else None}"
            )
    for name, ours in demo.type_map.items():
        if name.startswith("__"):
            continue
        theirs = shopify.type_map.get(name)
        if theirs is None:
            found.append(f"type {name} is not in Shopify's schema")
            continue
        found.extend(_type_violations(name, ours, theirs))
    for directive in demo.directives:
        if is_specified_directive(directive):
            continue  # graphql-core's own (@skip, @deprecated...), not declared by the SDL
        other = shopify.get_directive(directive.name)
        if other is None:
            found.append(f"directive @{directive.name} is not in Shopify's schema")
            continue
        for location in set(directive.locations) - set(other.locations):
            found.append(f"directive @{directive.name} on {location.name} is not Shopify's")
        found.extend(_arguments(f"@{directive.name}", directive.args, other.args))
    return found
