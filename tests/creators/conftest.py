import importlib

import pytest

from tests.creators import make_folder


@pytest.fixture
def folder(tmp_path):
    """An empty creators/ folder with two media files (maya.svg, maya-hero.svg)."""
    return make_folder(tmp_path)


@pytest.fixture
def checks(monkeypatch):
    """The names of the files the registry checks (parses and validates), in order."""
    registry_module = importlib.import_module("storefront.creators.registry")
    names: list[str] = []
    check_source = registry_module.check_source

    def counting(name, raw, context, label):
        names.append(name)
        return check_source(name, raw, context, label)

    monkeypatch.setattr(registry_module, "check_source", counting)
    return names
