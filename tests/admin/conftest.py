"""An app with the admin on and funnel counts in a temporary SQLite file, and helpers
to seed counts, sign in and read pages."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from storefront import create_app
from tests.admin.page import Element, parse

AUTH = ("admin", "correct horse")


def day(days_ago: int = 0) -> str:
    """A UTC day as the funnel store keys it."""
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


def seed(app, counts: dict[tuple[str, str, str, str], int],
         visitors: set[tuple[str, str, str]] = frozenset()) -> None:
    """Write counts ((day, creator, event, product) -> n) as the recorder would."""
    app.extensions["funnels"].store.add(Counter(counts), set(visitors))


@pytest.fixture
def make_app(tmp_path):
    """`make_app(**config)`: the app with the admin on and its own funnel store."""

    def make(**config):
        return create_app({
            "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
            "FUNNELS_URL": f"sqlite:///{tmp_path}/funnels.sqlite3",
            "ADMIN_USERNAME": AUTH[0],
            "ADMIN_PASSWORD": AUTH[1],
            **config,
        })

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def get(client, url: str):
    """A signed-in GET."""
    return client.get(url, auth=AUTH)


def page(client, url: str) -> Element:
    """A signed-in GET that must answer 200 with HTML, parsed."""
    reply = get(client, url)
    assert reply.status_code == 200, reply.get_data(as_text=True)[-2000:]
    assert reply.mimetype == "text/html"
    return parse(reply.get_data(as_text=True))


def creators_in(document: Element) -> list[str]:
    """The table's rows, top to bottom, by creator handle ("" for the brand)."""
    return [row.attrs["data-creator"] for row in document.one("tbody").all("tr")]
