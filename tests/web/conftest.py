"""The storefront app on the in-process demo shop, with what reached the Storefront API."""

from __future__ import annotations

import re

import pytest

from storefront import create_app


class Recorder:
    """Wraps the transport and keeps (operation name, variables) of every request."""

    def __init__(self, transport) -> None:
        self.sent: list[tuple[str, dict]] = []
        self._execute = transport.execute
        transport.execute = self

    def __call__(self, request, *args, **kwargs):
        self.sent.append((request.operation_name, dict(request.variable_values or {})))
        return self._execute(request, *args, **kwargs)

    def names(self) -> list[str]:
        return [name for name, _ in self.sent]

    def clear(self) -> None:
        self.sent.clear()


@pytest.fixture
def app(tmp_path):
    return create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")})


@pytest.fixture
def sent(app) -> Recorder:
    return Recorder(app.extensions["storefront"].transport)


@pytest.fixture
def client(app):
    return app.test_client()


_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def csrf_token(client) -> str:
    page = client.get("/cart").get_data(as_text=True)
    return _TOKEN.search(page).group(1)


def app_with_creators(tmp_path, **files: str):
    """The store on the demo shop with its own creators/ folder: handle=file text."""
    folder = tmp_path / "creators"
    folder.mkdir()
    for handle, content in files.items():
        (folder / f"{handle}.toml").write_text(content)
    return create_app({"CREATORS_DIR": str(folder), "INSTANCE_DIR": str(tmp_path / "i"),
                       "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3"),
                       "CREATORS_RELOAD_SECONDS": "0"})


def post(client, url: str, data: dict | None = None, **kwargs):
    """A form post with the CSRF token, as the store's own forms send it."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


# The theme's critical CSS, inlined in every page's head: its selectors (".code--applied",
# ".badge--pick") would answer tests that look for words on the page.
_CRITICAL_CSS = re.compile(r'(<style nonce="[^"]*">)(?!\n:root \{\n  --).*?(</style>)', re.S)


def text(response) -> str:
    """The page's HTML, without the theme's inlined stylesheet (the colours' block stays)."""
    return _CRITICAL_CSS.sub(r"\1\2", response.get_data(as_text=True))
