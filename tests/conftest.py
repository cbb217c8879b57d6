"""Settings every test starts from: its own folders, its own creators.

A test run must leave the clone as it found it and must not depend on what a
brand keeps in `creators/`. So before any app is built, the environment (which
apps built here and every server process a test starts inherit) points:
- INSTANCE_DIR (funnel counts, demo-shop carts, the creators scan lock) at a
  temporary folder removed when the run ends;
- CREATORS_DIR at `tests/fixtures/creators/`, the suite's own creators (tests
  about the shipped demo creators name `creators/` themselves);
- CACHE_DIR (the shared cache file) at a folder of each test's own;
- screenshots at TEST_ARTIFACTS_DIR (a temporary folder unless set; the run's
  summary names it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.fixtures import CREATORS as FIXTURE_CREATORS
from tests.shopify_schema import shopify_schema

_scratch: Path | None = None


def pytest_configure(config) -> None:
    global _scratch
    _scratch = Path(tempfile.mkdtemp(prefix="storefront-tests-"))
    os.environ["INSTANCE_DIR"] = str(_scratch / "instance")
    os.environ["CREATORS_DIR"] = str(FIXTURE_CREATORS)
    # The background code check makes carts in the shop (creators/code_checks.py): in
    # every served app, it would add Storefront requests to tests that count them.
    # The tests of the check run it themselves.
    os.environ["CREATORS_SHOP_CHECK_HOURS"] = "0"
    if not os.environ.get("TEST_ARTIFACTS_DIR"):
        os.environ["TEST_ARTIFACTS_DIR"] = tempfile.mkdtemp(prefix="storefront-artifacts-")
    # Hypothesis keeps failing examples (to replay them) and its own caches
    # under .hypothesis/ in the working directory; outside the clone instead.
    home = Path(tempfile.gettempdir()) / "storefront-hypothesis"
    set_hypothesis_home_dir(home)
    hypothesis_settings.register_profile(
        "storefront", database=DirectoryBasedExampleDatabase(home / "examples")
    )
    hypothesis_settings.load_profile("storefront")


def pytest_unconfigure(config) -> None:
    # Funnel counts still in memory are written now, while their files exist,
    # not at interpreter exit after the folders are gone.
    from storefront.funnels.recorder import flush_all

    flush_all()
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:
    artifacts = Path(os.environ.get("TEST_ARTIFACTS_DIR", ""))
    if artifacts.is_dir() and any(artifacts.iterdir()):
        terminalreporter.write_line(f"screenshots and other artifacts: {artifacts}")


@pytest.fixture(autouse=True)
def own_shared_cache(tmp_path_factory, monkeypatch):
    """Each test's apps and servers get a shared cache file of their own (CACHE_DIR):
    the default shared tier is a file the processes of one machine share, and one
    test's pages and data must not be another's."""
    monkeypatch.setenv("CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path_factory.mktemp('db')}/orders.db")


@pytest.fixture(scope="session")
def shopify():
    """Shopify's real Storefront API schema (graphql-core GraphQLSchema)."""
    return shopify_schema()
