"""The demo checkout's "Place order" and the demo order page, over the standalone server's
HTTP app: plain forms, one order per cart, and a clear 4xx for anything wrong."""

from __future__ import annotations

import re
import threading

import pytest

from storefront.demo_shop.web import create_http_app
from tests.demo_shop.ordering import TARGET, Shop

FORM = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


@pytest.fixture
def demo(tmp_path) -> Shop:
    return Shop(tmp_path)


@pytest.fixture
def client(demo):
    app = create_http_app(demo.shop, "token", webhook_url=TARGET, webhook_secret="s",
                          orders=demo.book, sender=demo.sender)
    return app.test_client()


def checkout_url(token: str, key: str) -> str:
    return f"/demo-shop/checkouts/{token}?key={key}"


def place(client, token: str, key: str, **form):
    return client.post(f"/demo-shop/checkouts/{token}/order", data={"key": key, **form})


def test_the_checkout_page_has_a_place_order_form_that_works_without_script(demo, client):
    token, key = demo.cart()
    page = client.get(checkout_url(token, key)).get_data(as_text=True)
    assert "Place order" in page and "<script" not in page
    action = FORM.search(page).group(1)
    assert action == f"/demo-shop/checkouts/{token}/order"
    assert dict(HIDDEN.findall(page)) == {"key": key}  # no CSRF token outside the store
    reply = client.post(action, data={"key": key, "email": ""})
    assert reply.status_code == 303
    assert re.fullmatch(r"/demo-shop/orders/\d{13}\?key=[\w-]+", reply.headers["Location"])


def test_the_order_page_shows_the_order_and_its_webhooks(demo, client):
    token, key = demo.cart()
    order_page = place(client, token, key).headers["Location"]
    page = client.get(order_page)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Order #1001" in text and "Organic Cotton Tee" in text and "$104.20" in text
    assert order_page in text  # the address to come back to
    assert text.count(">Refund 1</button>") == 2 and "Cancel order" in text
    assert text.count(">sending<") == 2 and 'http-equiv="refresh"' in text
    demo.sender.run_once()
    text = client.get(order_page).get_data(as_text=True)
    assert text.count(">delivered<") == 2 and 'http-equiv="refresh"' not in text


def test_a_placed_cart_is_finished_and_placing_it_again_shows_the_same_order(demo, client):
    token, key = demo.cart()
    first = place(client, token, key)
    assert demo.shop.carts.get(token, key) is None  # gone, like a Shopify cart after checkout
    again = place(client, token, key)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    reopened = client.get(checkout_url(token, key))
    assert reopened.status_code == 303 and reopened.headers["Location"] == first.headers[
        "Location"]
    demo.sender.run_once()
    assert [h["X-Shopify-Topic"] for _, _, h in demo.sent] == ["orders/create", "orders/paid"]


def test_two_posts_at_once_place_one_order(demo, client):
    token, key = demo.cart()
    replies = []
    start = threading.Barrier(4)

    def post():
        start.wait()
        reply = place(client, token, key)
        replies.append((reply.status_code, reply.headers.get("Location")))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every post, however they interleave, is sent to the one order placed.
    assert len(set(replies)) == 1 and replies[0][0] == 303
    demo.sender.run_once()
    assert len(demo.bodies("orders/create")) == 1


def test_refund_and_cancel_from_the_order_page(demo, client):
    token, key = demo.cart()
    order_page = place(client, token, key).headers["Location"]
    page = client.get(order_page).get_data(as_text=True)
    refund_form = page[page.index('action="/demo-shop/orders/'):]
    line = re.search(r'name="line_item_id" value="(\d+)"', refund_form).group(1)
    order_key = order_page.split("key=")[1]
    order_id = order_page.split("/")[-1].split("?")[0]
    reply = client.post(f"/demo-shop/orders/{order_id}/refund",
                        data={"key": order_key, "line_item_id": line})
    assert reply.status_code == 303 and reply.headers["Location"] == order_page
    reply = client.post(f"/demo-shop/orders/{order_id}/cancel", data={"key": order_key})
    assert reply.status_code == 303
    text = client.get(order_page).get_data(as_text=True)
    assert "(cancelled)" in text and "Cancel order" not in text and ">Refund 1</button>" not in text
    demo.sender.run_once()
    assert [h["X-Shopify-Topic"] for _, _, h in demo.sent] == [
        "orders/create", "orders/paid", "refunds/create", "orders/updated", "refunds/create",
        "orders/cancelled"]


@pytest.fixture
def placed(demo, client):
    token, key = demo.cart()
    location = place(client, token, key).headers["Location"]
    order_id = location.split("/")[-1].split("?")[0]
    order = demo.book.get(int(order_id), location.split("key=")[1])
    return order_id, location.split("key=")[1], order["line_items"][0]["id"]


@pytest.mark.parametrize(("form", "status", "says"), [
    ({"email": "not an email"}, 400, "email address"),
    ({"email": "x" * 300 + "@example.com"}, 400, "email address"),
    ({"key": ""}, 404, "doesn&#39;t exist"),
    ({"key": "wrong"}, 404, "doesn&#39;t exist"),
    ({"key": "../../etc"}, 404, "doesn&#39;t exist"),
])
def test_bad_place_order_forms_get_a_clear_4xx(demo, client, form, status, says):
    token, key = demo.cart()
    reply = place(client, token, **{"key": key, **form})
    assert reply.status_code == status and says in reply.get_data(as_text=True)
    assert demo.shop.carts.get(token, key) is not None  # the cart is kept


def test_an_empty_cart_cannot_be_placed(demo, client):
    token, key = demo.cart(lines=(), codes=())
    reply = place(client, token, key)
    assert reply.status_code == 422 and "empty" in reply.get_data(as_text=True)
    assert "<button type=\"submit\">Place order" not in client.get(
        checkout_url(token, key)).get_data(as_text=True)


def test_a_cross_site_post_is_refused(demo, client, placed):
    token, key = demo.cart()
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert client.post(f"/demo-shop/checkouts/{token}/order", data={"key": key},
                       headers=cross).status_code == 403
    order_id, order_key, line = placed
    for action, form in (("refund", {"line_item_id": line}), ("cancel", {})):
        reply = client.post(f"/demo-shop/orders/{order_id}/{action}",
                            data={"key": order_key, **form}, headers=cross)
        assert reply.status_code == 403
    assert demo.shop.carts.get(token, key) is not None


@pytest.mark.parametrize(("action", "form", "status"), [
    ("refund", {"line_item_id": "abc"}, 400),
    ("refund", {"line_item_id": ""}, 400),
    ("refund", {"line_item_id": "9" * 40}, 400),
    ("refund", {"line_item_id": "1234"}, 404),
    ("refund", {"key": "wrong"}, 404),
    ("cancel", {"key": "wrong"}, 404),
    ("cancel", {"key": ""}, 404),
])
def test_bad_order_forms_get_a_clear_4xx(client, placed, action, form, status):
    order_id, key, line = placed
    data = {"key": key, "line_item_id": str(line), **form}
    reply = client.post(f"/demo-shop/orders/{order_id}/{action}", data=data)
    assert reply.status_code == status
    assert "Traceback" not in reply.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/demo-shop/orders/1?key=x", "/demo-shop/orders/abc", "/demo-shop/orders/" + "9" * 30,
    "/demo-shop/orders/" + "9" * 30 + "/cancel",
])
def test_unknown_orders_are_404(client, placed, path):
    reply = client.post(path, data={"key": "x"}) if path.endswith("cancel") else client.get(path)
    assert reply.status_code == 404


def test_the_order_page_needs_its_key(client, placed):
    order_id, key, _ = placed
    assert client.get(f"/demo-shop/orders/{order_id}?key={key}").status_code == 200
    for wrong in ("", "x", key[:-1]):
        assert client.get(f"/demo-shop/orders/{order_id}?key={wrong}").status_code == 404


def test_refunding_past_what_was_bought_or_after_cancelling_is_409(demo, client, placed):
    order_id, key, line = placed  # 3 tees
    refund = {"key": key, "line_item_id": str(line)}
    statuses = [client.post(f"/demo-shop/orders/{order_id}/refund", data=refund).status_code
                for _ in range(4)]
    assert statuses == [303, 303, 303, 409]
    assert client.post(f"/demo-shop/orders/{order_id}/cancel", data={"key": key}
                       ).status_code == 303
    assert client.post(f"/demo-shop/orders/{order_id}/cancel", data={"key": key}
                       ).status_code == 409
    tote = demo.book.get(int(order_id), key)["line_items"][1]["id"]
    reply = client.post(f"/demo-shop/orders/{order_id}/refund",
                        data={"key": key, "line_item_id": str(tote)})
    assert reply.status_code == 409 and "cancelled" in reply.get_data(as_text=True)


def test_without_a_webhook_url_the_order_says_its_webhooks_were_not_sent(demo):
    client = create_http_app(demo.shop, "token", orders=demo.book, sender=demo.sender
                             ).test_client()
    token, key = demo.cart()
    page = client.get(place(client, token, key).headers["Location"]).get_data(as_text=True)
    assert page.count("no webhook URL is configured") == 2
    assert demo.sender.run_once() == 0 and demo.sent == []
