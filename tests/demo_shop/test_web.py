"""The demo shop's files, checkout page and Shopify-like HTTP API, with Flask's test client."""

from __future__ import annotations

import json
import uuid

import pytest
from flask import Flask

from storefront.demo_shop.web import blueprint, create_http_app
from tests.demo_shop.conftest import run

TOKEN = "test-token"
URL = "/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Storefront-Access-Token": TOKEN}


@pytest.fixture
def client(shop):
    return create_http_app(shop, TOKEN).test_client()


def make_cart(shop, **cart_input) -> str:
    data = run(
        shop,
        "mutation($input: CartInput) { cartCreate(input: $input) { cart { id checkoutUrl } } }",
        {"input": cart_input},
    )
    return data["cartCreate"]["cart"]["checkoutUrl"]


# Files ----------------------------------------------------------------------


def test_images_are_served_with_type_and_long_cache(client):
    response = client.get("/demo-shop/files/organic-cotton-tee-oat.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg")
    assert response.cache_control.max_age >= 30 * 86400 and response.cache_control.public
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/demo-shop/files/../shop.py",
        "/demo-shop/files/..%2Fshop.py",
        "/demo-shop/files/%2e%2e/web.py",
        "/demo-shop/files/../../catalog.json",
        "/demo-shop/files/nope.svg",
        "/demo-shop/files/",
    ],
)
def test_no_traversal_and_no_unknown_files(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"import" not in response.data and b"products" not in response.data


def test_the_blueprint_works_inside_another_app(shop):
    app = Flask(__name__)
    app.register_blueprint(blueprint(shop))
    client = app.test_client()
    assert client.get("/demo-shop/files/logo.svg").status_code == 200
    assert client.get("/demo-shop/static/checkout.css").mimetype == "text/css"


# Checkout page ------------------------------------------------------------


def test_checkout_page_shows_what_shopify_would_receive(shop, client):
    url = make_cart(
        shop,
        lines=[
            {
                "merchandiseId": "gid://shopify/ProductVariant/700202",
                "quantity": 2,
                "attributes": [{"key": "engraving", "value": "<i>J</i>"}],
            },
            {"merchandiseId": "gid://shopify/ProductVariant/700801"},
        ],
        discountCodes=["take5", "NOPE"],
        attributes=[{"key": "_creator", "value": "<script>alert(1)</script>"}],
        note='Leave at the "back" door & <b>ring</b>',
        buyerIdentity={"email": "sam@example.com", "countryCode": "CA"},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Demo checkout — this is what Shopify would receive" in page
    for text in [
        "Linen Shirt",
        "M",
        "Organic Cotton Socks",
        "$68.00",
        "$85.00",
        "$136.00",
        "take5",
        "applicable",
        "NOPE",
        "not applicable",
        "$148.00",
        "$143.00",
        "$5.00",
        "_creator",
        "sam@example.com",
        "CA",
        "engraving",
    ]:
        assert text in page, text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;ring&lt;/b&gt;" in page and "&amp;" in page
    assert "&lt;i&gt;J&lt;/i&gt;" in page
    assert 'rel="stylesheet" href="/demo-shop/static/checkout.css"' in page
    assert "style=" not in page and "<style" not in page


def test_checkout_page_is_a_404_for_a_wrong_key_or_unknown_cart(shop, client):
    url = make_cart(shop)
    path, key = url.split("?key=")
    for wrong in [
        f"{path}?key=nope",
        path,
        f"{path}?key=",
        "/demo-shop/checkouts/unknown?key=x",
        f"{path}?key={key}x",
        f"{path}/../x?key={key}",
    ]:
        response = client.get(wrong)
        assert response.status_code == 404, wrong
    page = client.get(f"{path}?key=nope").get_data(as_text=True)
    assert "doesn't exist" in page


# The HTTP API ---------------------------------------------------------------


def post(client, body, headers=AUTH, **kw):
    return client.post(
        URL,
        data=json.dumps(body) if not isinstance(body, str) else body,
        headers={"Content-Type": "application/json", **headers},
        **kw,
    )


def test_query_with_either_token_header(client):
    for header in ("X-Shopify-Storefront-Access-Token", "Shopify-Storefront-Private-Token"):
        response = post(client, {"query": "{ shop { name } }"}, {header: TOKEN})
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.get_json() == {"data": {"shop": {"name": "Fernwood"}}}
        uuid.UUID(response.headers["X-Request-Id"])


def test_variables_and_operation_name(client):
    body = {
        "query": "query A { shop { name } } query B($h: String!) { product(handle: $h) { title } }",
        "variables": {"h": "linen-shirt"},
        "operationName": "B",
    }
    assert post(client, body).get_json() == {"data": {"product": {"title": "Linen Shirt"}}}


def test_raw_graphql_body(client):
    response = client.post(
        URL, data="{ shop { name } }", headers={"Content-Type": "application/graphql", **AUTH}
    )
    assert response.get_json() == {"data": {"shop": {"name": "Fernwood"}}}


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Shopify-Storefront-Access-Token": "wrong"}, {"Authorization": f"Bearer {TOKEN}"}],
)
def test_a_missing_or_wrong_token_is_a_401_with_a_string(client, headers):
    response = post(client, {"query": "{ shop { name } }"}, headers)
    assert response.status_code == 401
    assert response.get_json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps({"variables": {}}),
        json.dumps({"query": 3}),
        json.dumps({"query": "{ shop { name } }", "variables": [1]}),
        "",
    ],
)
def test_malformed_bodies_are_a_400(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"query": "Required parameter missing or invalid"}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/latest/graphql.json",
        "/api/2026-4/graphql.json",
        "/api/graphql.json",
        "/api/2026-04/graphql",
    ],
)
def test_bad_versions_and_paths_are_a_json_404(client, path):
    response = client.post(path, json={"query": "{ shop { name } }"}, headers=AUTH)
    assert response.status_code == 404
    assert response.mimetype == "application/json" and response.get_json()["errors"]
    assert response.headers["X-Request-Id"]


def test_the_unstable_version_answers_as_shopify_does(client):
    # Hydrogen's browser code asks `unstable` (through the app) for its consent check.
    response = client.post("/api/unstable/graphql.json", json={"query": "{ shop { name } }"},
                           headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["data"]["shop"]["name"]


def test_get_is_a_405(client):
    response = client.get(URL, headers=AUTH)
    assert response.status_code == 405
    assert response.get_json() == {"errors": "Method Not Allowed"}
    assert response.headers["Allow"] == "POST"


def test_graphql_errors_are_a_200_with_errors(client):
    invalid = post(client, {"query": "{ shop { nope } }"})
    assert invalid.status_code == 200
    body = invalid.get_json()
    assert body["data"] is None and "nope" in body["errors"][0]["message"]
    assert body["errors"][0]["locations"]
    missing_window = post(client, {"query": "{ products { nodes { id } } }"}).get_json()
    assert missing_window["errors"][0]["message"] == "you must provide one of first or last"
    assert missing_window["errors"][0]["path"] == ["products"]
    syntax = post(client, {"query": "{ shop { "}).get_json()
    assert syntax["errors"][0]["message"].startswith("Syntax Error")


def test_a_resolver_bug_is_an_internal_server_error_code(shop, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(shop.operations, "get", broken)
    body = post(client, {"query": '{ cart(id: "x") { id } }'}).get_json()
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret detail" not in json.dumps(body)


def test_latency_option_still_answers(shop):
    client = create_http_app(shop, TOKEN, latency_ms=5).test_client()
    response = post(client, {"query": "{ shop { name } }"})
    assert response.status_code == 200 and response.get_json()["data"]["shop"]["name"]


def test_cart_round_trip_over_http(client):
    created = post(
        client,
        {
            "query": "mutation { cartCreate(input: {lines: [{merchandiseId: "
            '"gid://shopify/ProductVariant/700105", quantity: 2}], '
            'discountCodes: ["WELCOME10"]}) { cart { id checkoutUrl '
            "cost { totalAmount { amount } } } } }"
        },
    ).get_json()
    cart = created["data"]["cartCreate"]["cart"]
    assert cart["cost"]["totalAmount"] == {"amount": "68.4"}
    assert client.get(cart["checkoutUrl"]).status_code == 200
