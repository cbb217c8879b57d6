"""`make hydrogen` without npm: what its errors name, what the app's log says, each
route's verdict and the report, the walk's plan, the skeleton's unpacking, the recorder."""

from __future__ import annotations

import http.client
import io
import json
import tarfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import hydrogen, hydrogen_walk
from bench.hydrogen_report import (
    Route,
    app_errors,
    cart_id,
    distinct_lacks,
    lacks,
    reply_errors,
    report,
    summary,
    table,
    tracking,
    user_errors,
)


@pytest.mark.parametrize(("message", "name"), [
    ("Cannot query field 'localization' on type 'QueryRoot'.", "QueryRoot.localization"),
    ("Cannot query field 'unitPrice' on type 'ProductVariant'. Did you mean 'price'?",
     "ProductVariant.unitPrice"),
    ("Unknown argument 'types' on field 'QueryRoot.search'. Did you mean 'type'?",
     "QueryRoot.search(types:)"),
    ("Unknown argument 'language' on directive '@inContext'.", "@inContext(language:)"),
    ("Unknown directive '@defer'.", "@defer"),
    ("Unknown type 'ComponentizableCartLine'.", "type ComponentizableCartLine"),
    ("Value 'ARTICLE' does not exist in 'SearchType' enum.", "SearchType.ARTICLE"),
    ("Variable '$input' got invalid value {}; Field 'delivery' is not defined by type "
     "'CartInput'.", "CartInput.delivery"),
    ("Expected value of type 'CartInput' not to include unknown field 'giftCardCodes'.",
     "CartInput.giftCardCodes"),
    ("Argument 'QueryRoot.sitemap(type:)' of type 'SitemapType!' is required, but it was "
     "not provided.", "QueryRoot.sitemap(type:) required"),
    ("Not Found", "Not Found"),
    ("Something else - Request ID: 0f1e-22", "Something else"),
])
def test_an_error_is_named_by_what_the_shop_lacks(message, name):
    assert lacks(message) == name


def test_reply_errors_take_every_shape_shopify_answers_with():
    assert reply_errors({"data": {"shop": None}}) == []
    assert reply_errors({"errors": [{"message": "a"}, {"message": "b"}]}) == ["a", "b"]
    assert reply_errors({"errors": "[API] Invalid API key"}) == ["[API] Invalid API key"]
    assert reply_errors({"errors": {"query": "Required parameter missing"}}) == [
        "{'query': 'Required parameter missing'}"]
    assert reply_errors(None) == [] and reply_errors([1]) == []


def test_user_errors_and_warnings_are_found_at_any_depth():
    data = {"cartLinesAdd": {"cart": {"id": "gid://shopify/Cart/c1?key=k"},
                             "userErrors": [{"code": "INVALID", "message": "no such line"}],
                             "warnings": [{"code": "MERCHANDISE_OUT_OF_STOCK",
                                           "message": "sold out"}]}}
    assert user_errors(data) == ["INVALID: no such line", "MERCHANDISE_OUT_OF_STOCK: sold out"]
    assert user_errors({"a": [{"userErrors": []}]}) == []


def test_the_cart_a_reply_names():
    data = {"cartCreate": {"cart": {"lines": {"nodes": []}, "id": "gid://shopify/Cart/c1?key=k"}}}
    assert cart_id(data) == "gid://shopify/Cart/c1?key=k"
    assert cart_id({"product": {"id": "gid://shopify/Product/1"}}) is None
    assert cart_id(None) is None


BOX = """\
   GET  500  render  /blogs  502ms
\x1b[31m╭─ error ──────────────────────────────────────╮\x1b[0m
│                                              │
│  In Hydrogen's `storefront.query`:           │
│                                              │
│  Cannot query field 'blogs' on type          │
│  'QueryRoot'.                                │
│  Request ID: 2a869bb1-16c2-45ec-9651-a9aabff2d4ed │
│                                              │
│  To debug the query `Blogs`, try it in       │
╰──────────────────────────────────────────────╯
TypeError: Cannot read properties of undefined (reading 'pageInfo')
    at loader (app/routes/blogs._index.tsx:20:5)
╭─ error ──────────────────────────────────────╮
│  In Hydrogen's `error`:                      │
│  No data found for type products.            │
│                                              │
│  To investigate the issue, examine this      │
╰──────────────────────────────────────────────╯
[h2:error:storefront.query] Unknown type 'Article'. - Request ID: 77
""" + "Error: " + "x" * 600 + "\n"


def test_the_apps_own_errors_are_read_from_its_log_and_the_shops_are_left_out():
    # Errors naming the shop's Request ID are the shop's replies, which the walk reads
    # from the shop itself; stack frames and lines of quoted source are not errors.
    assert app_errors(BOX.splitlines(keepends=True)) == [
        "TypeError: Cannot read properties of undefined (reading 'pageInfo')",
        "In Hydrogen's `error`: No data found for type products.",
    ]
    assert app_errors(["TypeError: x\n", "TypeError: x\n"]) == ["TypeError: x"]


def _route(name: str, **seen) -> Route:
    return Route(name, f"/{name}", "a title", **seen)


def test_a_route_works_with_its_status_both_ways_demo_data_and_no_graphql_error():
    good = _route("home", http_status=200, browser_status=200, shows=["Tee"])
    assert good.works
    assert not _route("home", http_status=200, browser_status=500, shows=["Tee"]).works
    assert not _route("home", http_status=200, browser_status=200).works
    broken = _route("home", http_status=200, browser_status=200, shows=["Tee"],
                    graphql_errors=["Cannot query field 'localization' on type 'QueryRoot'."])
    assert not broken.works and broken.lacks == ["QueryRoot.localization"]
    # Only HTTP for the sitemap; a 404 page works when it is the expected 404.
    assert _route("sitemap.xml", http_status=200, shows=["/products/tee"]).works
    assert Route("404", "/x", "its 404", expected_status=404, http_status=404,
                 browser_status=404, shows=["/x not found"]).works
    assert not _route("article").works  # never opened
    stuck = _route("product", http_status=200, browser_status=200, shows=["Tee"],
                   failed=["choosing Size XL and adding to the cart failed: timeout"])
    assert not stuck.works
    assert "- product: choosing Size XL and adding to the cart failed: timeout" in summary([stuck])


def test_table_summary_and_report_list_what_the_shop_lacks_by_route():
    local = "Cannot query field 'localization' on type 'QueryRoot'."
    routes = [
        _route("home", http_status=200, browser_status=200, shows=["Tee"],
               graphql_errors=[local], images={"shown": 3, "blocked": 0}),
        _route("product", http_status=404, browser_status=404,
               graphql_errors=[local, "Unknown directive '@defer'."]),
        _route("page", http_status=200, browser_status=200, shows=["About us"]),
    ]
    assert distinct_lacks(routes) == {"QueryRoot.localization": ["home", "product"],
                                      "@defer": ["product"]}
    lines = table(routes)
    assert lines[0].startswith("| route ") and len(lines) == 2 + 3
    assert "3 shown, 0 blocked" in lines[2] and "NO" in lines[2]
    assert "none (a title)" in lines[3] and "| yes " in lines[4]
    text = "\n".join(summary(routes))
    assert text.startswith("1 of 3 routes work")
    assert "- `QueryRoot.localization`: home, product" in text
    result = json.loads(json.dumps(report(routes, {"mode": "dev"})))
    assert result["mode"] == "dev" and result["routes_working"] == 1
    assert result["routes"][1]["lacks"] == ["@defer", "QueryRoot.localization"]
    assert result["routes"][2]["works"] is True


def test_the_browsers_consent_check_is_reported_apart_and_not_counted():
    consent = {"path": "/api/unstable/graphql.json", "errors": ["Not Found"]}
    assert tracking(consent) and not tracking({"path": "/api/2026-04/graphql.json"})
    home = _route("home", http_status=200, browser_status=200, shows=["Tee"],
                  tracking_errors=["Not Found"])
    assert home.works
    assert summary([home])[-1].startswith(
        "Not counted: the browser's consent check (Storefront API `unstable`, through the app) "
        "failed on home: Not Found.")


def _variant(id_: str, price: str, size: str, available: bool = True) -> dict:
    return {"id": id_, "availableForSale": available, "price": {"amount": price},
            "selectedOptions": [{"name": "Size", "value": size}]}


PRODUCTS = [
    {"handle": "mug", "title": "Stoneware Mug", "variants": {"nodes": [
        _variant("v1", "20.0", "One")]}},
    {"handle": "oak-board", "title": "Oak Board", "variants": {"nodes": [
        _variant("v2", "58.0", "Small", available=False), _variant("v3", "60.0", "Medium"),
        _variant("v4", "82.0", "Large")]}},
]


def _demo(blog: dict | None) -> hydrogen_walk.Demo:
    product, first, other = hydrogen_walk._product_with_prices(PRODUCTS)
    return hydrogen_walk.Demo(
        shop_name="Fernwood", product_titles=["Stoneware Mug", "Oak Board"],
        collection={"handle": "home", "title": "Home",
                    "products": {"nodes": [{"title": "Oak Board"}]}},
        product=product, first=first, other=other,
        page={"handle": "about", "title": "About us"},
        policies=[{"handle": "privacy-policy", "title": "Privacy policy"}], blog=blog)


def test_the_walk_changes_one_option_to_reach_another_price():
    demo = _demo(None)
    assert demo.product["handle"] == "oak-board"
    assert (demo.first.id, demo.other.id) == ("v3", "v4")  # the first variant for sale
    assert demo.chosen == ("Size", "Large")
    assert demo.search_term == "board"
    with pytest.raises(RuntimeError, match="different prices"):
        hydrogen_walk._product_with_prices(PRODUCTS[:1])


def test_the_plan_walks_every_route_the_issue_lists():
    blog = {"handle": "journal", "title": "Journal",
            "articles": {"nodes": [{"handle": "linen-care", "title": "Caring for linen"}]}}
    plan = hydrogen_walk.plan(_demo(blog))
    paths = {route.name: route.path for route, _ in plan}
    assert paths == {
        "home": "/", "collections": "/collections", "collection": "/collections/home",
        "product": "/products/oak-board", "search": "/search?q=board",
        "predictive search": "/search.data?predictive=&q=board&limit=5", "cart": "/cart",
        "page": "/pages/about", "policies": "/policies", "policy": "/policies/privacy-policy",
        "blogs": "/blogs", "blog": "/blogs/journal", "article": "/blogs/journal/linen-care",
        "sitemap.xml": "/sitemap.xml", "404": hydrogen_walk.MISSING,
    }
    wanted = {route.name: texts for route, texts in plan}
    assert wanted["article"] == ["Caring for linen"] and wanted["cart"] == ["Oak Board"]
    assert [r.expected_status for r, _ in plan if r.name == "404"] == [404]
    # Without blogs in the shop, the article has nothing to open.
    unplanned = {r.name: r.path for r, _ in hydrogen_walk.plan(_demo(None))}
    assert unplanned["article"].endswith("/(none)")


def test_page_text_reads_titles_through_markup_and_entities():
    text = hydrogen_walk.page_text("<h1>Caf&eacute; <b>Linen</b> &amp; Oak</h1>")
    assert hydrogen_walk.found(text, ["Café", "Linen", "Oak", "Mug"]) == ["Café", "Linen", "Oak"]


def test_the_skeleton_is_unpacked_as_the_package_ships_it(tmp_path):
    files = {
        "package/package.json": b"{}",
        "package/dist/assets/hydrogen/starter/package.json": b'{"name": "skeleton"}',
        "package/dist/assets/hydrogen/starter/app/root.tsx": b"export default 1;\n",
        "package/dist/assets/hydrogen/starter/.graphqlrc.ts": b"x",
        "package/dist/assets/hydrogen/other/file.txt": b"no",
    }
    tarball = tmp_path / "cli-hydrogen.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    hydrogen.unpack(tarball, tmp_path / "starter")
    found = sorted(str(p.relative_to(tmp_path / "starter"))
                   for p in (tmp_path / "starter").rglob("*") if p.is_file())
    assert found == [".graphqlrc.ts", "app/root.tsx", "package.json"]
    assert (tmp_path / "starter" / "app" / "root.tsx").read_bytes() == b"export default 1;\n"


def test_the_apps_environment_points_at_the_recorder_with_the_shops_token():
    env = dict(line.split("=", 1) for line in hydrogen.app_env(
        "http://127.0.0.1:4001", "http://localhost:4000", "t" * 32).splitlines())
    assert env["PUBLIC_STORE_DOMAIN"] == "http://127.0.0.1:4001"
    assert env["PUBLIC_STOREFRONT_API_TOKEN"] == env["PRIVATE_STOREFRONT_API_TOKEN"] == "t" * 32
    assert env["PUBLIC_CHECKOUT_DOMAIN"] == "localhost:4000"
    assert len(env["SESSION_SECRET"]) == 64


def test_operation_names_come_from_the_document():
    assert hydrogen.operation_name(
        "fragment Shop on Shop { id } query Header($c: CountryCode) { shop { ...Shop } }"
    ) == "Header"
    assert hydrogen.operation_name("{ shop { name } }") == ""
    assert hydrogen.operation_name("not graphql {") == ""


class _Shop(BaseHTTPRequestHandler):
    """A stand-in for the demo shop: one GraphQL error, and its request ID header."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"errors": [{"message": "Unknown directive '@defer'."}],
                           "data": None}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", "req-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_the_recorder_passes_replies_through_and_keeps_their_errors_by_route(tmp_path):
    shop = ThreadingHTTPServer(("127.0.0.1", 0), _Shop)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    recorder = hydrogen.Recorder(f"http://127.0.0.1:{shop.server_port}", tmp_path / "g.jsonl")
    try:
        recorder.route = "cart"
        request = urllib.request.Request(
            recorder.url + "/api/2026-04/graphql.json",
            data=json.dumps({"query": "mutation CartDiscountCodesUpdate { x }"}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-Id"] == "req-1"  # Hydrogen logs it
            assert json.load(response)["errors"][0]["message"] == "Unknown directive '@defer'."
    finally:
        recorder.stop()
        shop.shutdown()
    [kept] = recorder.of("cart")
    assert kept["operation"] == "CartDiscountCodesUpdate"
    assert kept["errors"] == ["Unknown directive '@defer'."]
    assert recorder.of("home") == []
    logged = json.loads((tmp_path / "g.jsonl").read_text())
    assert logged["query"].startswith("mutation") and logged["reply"]["data"] is None


def test_the_recorder_keeps_connections_alive_and_reads_chunked_bodies(tmp_path):
    # The app's runtime reuses a connection, and streams a body it forwards in chunks.
    shop = ThreadingHTTPServer(("127.0.0.1", 0), _Shop)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    recorder = hydrogen.Recorder(f"http://127.0.0.1:{shop.server_port}", tmp_path / "g.jsonl")
    connection = http.client.HTTPConnection("127.0.0.1", int(recorder.url.rsplit(":", 1)[1]))
    try:
        recorder.route = "home"
        body = json.dumps({"query": "query ensureCookies { shop { name } }"}).encode()
        connection.request("POST", "/api/unstable/graphql.json", body=iter([body[:10], body[10:]]),
                           headers={"Content-Type": "application/json"}, encode_chunked=True)
        assert connection.getresponse().read()
        connection.request("POST", "/api/2026-04/graphql.json", body=b'{"query": "{ a }"}',
                           headers={"Content-Type": "application/json"})
        assert connection.getresponse().status == 200
    finally:
        connection.close()
        recorder.stop()
        shop.shutdown()
    first, second = recorder.of("home")
    assert first["operation"] == "ensureCookies" and tracking(first) and not tracking(second)
