import pytest

from tests.creators import make_folder


@pytest.fixture
def folder(tmp_path):
    """An empty creators/ folder with two media files (maya.svg, maya-hero.svg)."""
    return make_folder(tmp_path)
