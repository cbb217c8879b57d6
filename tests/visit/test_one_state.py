"""Per-request state is one typed object: nothing but storefront.current touches `flask.g`,
and the visit's decisions import nothing of Flask (also an import contract)."""

from __future__ import annotations

import ast
from pathlib import Path

import storefront

PACKAGE = Path(storefront.__file__).parent


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def uses_g(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            if any(alias.name == "g" for alias in node.names):
                return True
        if isinstance(node, ast.Attribute) and node.attr == "g":
            if isinstance(node.value, ast.Name) and node.value.id == "flask":
                return True
    return False


def test_only_storefront_current_keeps_request_state_on_g():
    users = [path.relative_to(PACKAGE.parent).as_posix() for path in modules()
             if uses_g(ast.parse(path.read_text(encoding="utf-8")))]
    assert users == ["storefront/current.py"]


def test_the_visit_package_imports_nothing_of_flask():
    for path in (PACKAGE / "visit").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in ("flask", "flask_wtf"), (path.name, name)
                assert not name.startswith(("storefront.web", "storefront.current")), name
