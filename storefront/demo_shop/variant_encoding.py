"""`Product.encodedVariantExistence` and `encodedVariantAvailability`, Shopify's v1 encoding.

A variant is the tuple of its option values' positions, e.g. (2, 0) for the third
value of the first option and the first value of the second. Shopify's schema
documents how a set of such tuples is written (and Hydrogen decodes it to draw
its variant picker):

- a trie: `i:` opens the subtree of value `i`, a subtree of the last option is
  the list of its values, and `,` closes a list or a subtree (so a run of commas
  climbs several levels);
- the values of the last option are written in order, a space between runs,
  and a run of two or more consecutive values as `first-last`;
- the whole is prefixed `v1_`. With one option, the string is the list alone.

For example, with the combinations (0,0,0) (0,1,0) (0,1,1) (1,0,0) (1,0,1)
(1,1,1) (2,0,1) (2,1,0), the encoding is "v1_0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,".
"""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = "v1_"

Combination = tuple[int, ...]


def encode(combinations: Iterable[Combination]) -> str:
    """The v1 encoding of a set of option value combinations (all of one length)."""
    unique = sorted(set(combinations))
    if not unique:
        return PREFIX
    if len(unique[0]) == 1:
        return PREFIX + _runs([c[0] for c in unique])
    return PREFIX + _subtrees(unique)


def _subtrees(combinations: list[Combination]) -> str:
    """Each first value, then what follows it; a subtree or a list ends with ','."""
    parts = []
    for value in sorted({c[0] for c in combinations}):
        rest = [c[1:] for c in combinations if c[0] == value]
        inner = _runs([r[0] for r in rest]) if len(rest[0]) == 1 else _subtrees(rest)
        parts.append(f"{value}:{inner},")
    return "".join(parts)


def _runs(values: list[int]) -> str:
    """Sorted positions as runs: "0-2 4 6-7"."""
    runs: list[list[int]] = []
    for value in sorted(set(values)):
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return " ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
