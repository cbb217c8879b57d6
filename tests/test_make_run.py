"""`make run`, exactly as the README says, serves the store on the demo shop."""

import shutil

import pytest
import requests

from tests.support import processes


@pytest.mark.slow
def test_make_run_serves_the_demo_collections(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    server = processes.start(
        ["make", "run"],
        env={"BIND": "127.0.0.1:0", "DEMO_SHOP_CART_DB": str(tmp_path / "carts.sqlite3")},
        timeout=300,  # a first run installs the requirements
    )
    try:
        reply = requests.get(server.url + "/", timeout=30)
        assert reply.status_code == 200
        assert "text/html" in reply.headers["Content-Type"]
        assert "Demo shop" in reply.text
        for title in ("Apparel", "Drinkware", "Skincare"):
            assert title in reply.text
        image = requests.get(server.url + "/demo-shop/files/logo.svg", timeout=30)
        assert image.status_code == 200
        assert image.headers["Content-Type"].startswith("image/svg+xml")
    finally:
        server.stop()
    assert "Traceback" not in server.log()
