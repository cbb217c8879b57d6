"""Gift cards in the store's cart, through the test client on the shipped demo shop: the
form (CSRF, no script), what reached Shopify, the amounts shown, clear messages for codes
that can't pay, removal, and a code that never shows or is logged beyond its last four."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import pytest

from storefront.shopify import models as m
from storefront.shopify.errors import Unavailable
from tests.web.conftest import post, text

TEE = "1003"  # organic-cotton-tee S / Oat, $38.00
FIFTY = "FERNGIFTFIFTY050"  # $50 on it
PART = "FERNGIFTPART0125"  # $12.50 left of $100
OLD = "FERNGIFTOLD00025"  # expired on 2025-01-31
OFF = "FERNGIFTOFF00040"  # disabled
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def clock(app):
    """The demo shop judges expiry by its cart store's clock: a fixed day, not today."""
    app.extensions["storefront"].transport.shop.carts.clock = lambda: NOW


def with_tee(client) -> None:
    assert post(client, "/cart/add", {"variant_id": TEE}).status_code == 303


def apply(client, code: str, **kwargs):
    return post(client, "/cart/gift-cards", {"code": code, "return_to": "/cart"}, **kwargs)


def summary(page: str) -> dict[str, str]:
    """The order summary's rows: label -> amount."""
    block = re.search(r'<dl class="cart__summary">(.*?)</dl>', page, re.S).group(1)
    return {re.sub(r"<[^>]+>", "", dt).strip(): dd.strip() for dt, dd in
            re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)}


def gift_cards(page: str) -> list[str]:
    """Each applied card as the gift card section lists it."""
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in
            re.findall(r'<li class="gift-card">(.*?)<form', page, re.S)]


def test_a_card_pays_part_of_the_total_and_shows_what_is_left(client, sent):
    with_tee(client)
    sent.clear()
    reply = apply(client, "ferngift-fifty 050")  # as printed on a card, in any case
    assert reply.status_code == 303 and reply.headers["Location"] == "/cart"
    assert reply.headers["Cache-Control"] == "no-store"
    # One request (the other is the page the test read its CSRF token from): the
    # mutation, with the code as typed less the spaces and dashes it is printed with.
    assert sent.names() == ["Cart", "CartGiftCardCodesAdd"]
    variables = sent.sent[-1][1]
    assert variables["cartId"] == client.get_cookie("cart").value
    assert variables["giftCardCodes"] == ["ferngiftfifty050"]
    page = text(client.get("/cart"))
    assert "Gift card ••••Y050 applied." in page
    assert gift_cards(page) == ["••••Y050 $38.00 applied, $12.00 left on the card"]
    assert summary(page) == {"Subtotal": "$38.00", "Gift card ••••Y050": "−$38.00",
                             "Total": "$0.00"}
    assert FIFTY.casefold() not in page.casefold()


def test_a_smaller_card_and_a_discount_code_together(client):
    with_tee(client)
    post(client, "/cart/discounts", {"code": "WELCOME10"})
    apply(client, PART)
    page = text(client.get("/cart"))
    # $38.00 less 10%, then the card's $12.50: discounts first, the card pays after.
    assert summary(page) == {"Subtotal": "$38.00", "Discount WELCOME10": "−$3.80",
                             "Gift card ••••0125": "−$12.50", "Total": "$21.70"}
    assert gift_cards(page) == ["••••0125 $12.50 applied, $0.00 left on the card"]
    assert re.search(r"WELCOME10</strong>\s*<span class=\"code__status\">applied", page)


@pytest.mark.parametrize(("code", "message"), [
    ("NOSUCHCARD1234", "The gift card code is not valid."),
    (OLD, "The gift card has expired."),
    (OFF, "The gift card is disabled."),
])
def test_a_code_that_cannot_pay_says_why_and_keeps_the_cart(client, caplog, code, message):
    with_tee(client)
    apply(client, PART)
    with caplog.at_level(logging.DEBUG):
        reply = apply(client, code)
    assert reply.status_code == 303
    page = text(client.get("/cart"))
    assert message in page
    assert "Organic Cotton Tee" in page and summary(page)["Total"] == "$25.50"
    assert gift_cards(page) == ["••••0125 $12.50 applied, $0.00 left on the card"]
    assert code.casefold() not in page.casefold()
    assert code.casefold() not in caplog.text.casefold()
    assert f"gift card ••••{code[-4:]} not applied" in caplog.text


def test_a_fetch_gets_json_and_a_422_when_refused(client):
    with_tee(client)
    headers = {"Accept": "application/json"}
    done = apply(client, PART, headers=headers)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    body = done.get_json()
    assert body["ok"] and body["notices"] == ["Gift card ••••0125 applied."]
    [card] = body["cart"]["gift_cards"]
    assert (card["last_characters"], card["amount_used"], card["balance"]) == (
        "0125", "$12.50", "$0.00")
    assert body["cart"]["total"] == "$25.50"
    refused = apply(client, OFF, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == ["The gift card is disabled."]
    assert OFF not in refused.get_data(as_text=True)


def test_remove_a_card(client, sent):
    with_tee(client)
    apply(client, PART)
    applied = re.search(r'name="gift_card_id" value="([^"]+)"', text(client.get("/cart")))
    sent.clear()
    reply = post(client, "/cart/gift-cards/remove",
                 {"gift_card_id": applied.group(1), "return_to": "/cart"})
    assert reply.status_code == 303
    assert dict(sent.sent)["CartGiftCardCodesRemove"]["appliedGiftCardIds"] == [applied.group(1)]
    page = text(client.get("/cart"))
    assert "Gift card removed." in page and gift_cards(page) == []
    assert summary(page) == {"Subtotal": "$38.00", "Total": "$38.00"}
    again = post(client, "/cart/gift-cards/remove", {"gift_card_id": applied.group(1)})
    assert again.status_code == 303
    assert "That gift card isn&#39;t on your cart." in text(client.get("/cart"))


@pytest.mark.parametrize(("url", "data", "message"), [
    ("/cart/gift-cards", {"code": "   "}, "Please enter a gift card code."),
    ("/cart/gift-cards", {"code": "x" * 256}, "Please enter a gift card code."),
    ("/cart/gift-cards", {"code": "ABC\x00DEFGH"}, "Please enter a gift card code."),
    ("/cart/gift-cards/remove", {"gift_card_id": "gid://shopify/Cart/1"},
     "That gift card isn"),
    ("/cart/gift-cards/remove", {}, "That gift card isn"),
])
def test_bad_input_is_a_clear_400_and_the_cart_kept(client, url, data, message):
    with_tee(client)
    reply = post(client, url, data)
    assert reply.status_code == 400 and message in text(reply)
    assert "Organic Cotton Tee" in text(client.get("/cart"))


def test_without_a_csrf_token_nothing_is_applied(client, sent):
    with_tee(client)
    sent.clear()
    reply = client.post("/cart/gift-cards", data={"code": PART})
    assert reply.status_code == 400
    assert not any("GiftCard" in name for name in sent.names())


def test_without_a_cart_there_is_nothing_to_pay(client, sent):
    reply = apply(client, PART)
    assert reply.status_code == 303
    assert "Your cart is empty." in text(client.get("/cart"))
    assert "CartCreate" not in sent.names()


def test_a_code_shopify_drops_without_a_word_is_explained(client, monkeypatch):
    """Shopify may leave a code it can't use off the cart with no user error."""
    from storefront.services import cart as carts

    def silent(client_, cart_id, codes):
        return m.CartResult(cart=carts.api.cart(client_, cart_id), user_errors=[], warnings=[])

    with_tee(client)
    monkeypatch.setattr(carts.api, "cart_gift_card_codes_add", silent)
    apply(client, FIFTY)
    page = text(client.get("/cart"))
    assert "That gift card code didn&#39;t work." in page and gift_cards(page) == []


def test_shopifys_message_never_repeats_the_code(client, monkeypatch):
    from storefront.services import cart as carts

    def naming(client_, cart_id, codes):
        error = m.UserError("INVALID", ["giftCardCodes", "0"], f"Code {codes[0]} is invalid")
        return m.CartResult(cart=None, user_errors=[error], warnings=[])

    with_tee(client)
    monkeypatch.setattr(carts.api, "cart_gift_card_codes_add", naming)
    apply(client, FIFTY.lower())
    page = text(client.get("/cart"))
    assert "Code ••••Y050 is invalid" in page and FIFTY.casefold() not in page.casefold()
    assert "Organic Cotton Tee" in page


def test_shopify_down_while_applying_keeps_the_cart(client, monkeypatch):
    from storefront.services import cart as carts

    def down(*args):
        raise Unavailable("timed out", operation="CartGiftCardCodesAdd")

    with_tee(client)
    monkeypatch.setattr(carts.api, "cart_gift_card_codes_add", down)
    assert apply(client, PART).status_code == 303
    page = text(client.get("/cart"))
    assert "couldn&#39;t confirm that change" in page and "Organic Cotton Tee" in page
