"""The fast path for page-cache hits answers exactly as the app would."""

from __future__ import annotations

import re

import pytest

from storefront import create_app
from tests.web.conftest import post
from tests.web.two_paths import TOKEN, handed_to_app, normal, pair

PAGES = ["/", "/collections/apparel", "/collections/apparel?sort_by=title-ascending&utm_source=x",
         "/search?q=linen", "/pages/about", "/policies/refund-policy", "/policies", "/collections",
         "/products/organic-cotton-tee", "/products/organic-cotton-tee?variant=1003",
         "/products/organic-cotton-tee/recommendations", "/blogs/journal",
         "/blogs/journal/tagged/care", "/blogs/journal/how-to-care-for-linen"]


def test_every_shared_route_is_compared_and_nothing_else_is_fast(tmp_path):
    """The routes come from their `@shared_page` declarations: one that this
    file's PAGES does not reach fails here, naming it."""
    from storefront.shared_pages import _rule_pattern, is_shared, shared_paths

    app = create_app({"DEMO_SHOP_CART_DB": str(tmp_path / "c.sqlite3")})
    shared = [rule for rule in app.url_map.iter_rules() if is_shared(app, rule.endpoint)]
    assert len(shared) >= 8
    paths = [url.split("?")[0] for url in PAGES]
    for rule in shared:
        pattern = re.compile(_rule_pattern(app, rule.rule))
        assert any(pattern.fullmatch(path) for path in paths), f"add a URL of {rule.rule}"
    for path in ("/cart", "/checkout", "/sitemap.xml", "/robots.txt", "/@maya", "/admin",
                 "/search/suggest", "/products/x/y/z", "/healthz"):
        assert not shared_paths(app).fullmatch(path), path


@pytest.mark.parametrize("creator", [None, "maya", "leo"])
def test_fast_and_slow_paths_answer_the_same(tmp_path, creator):
    fast, slow = pair(tmp_path)
    served_fast = handed_to_app(fast)
    a, b = fast.test_client(), slow.test_client()
    if creator:
        a.get(f"/@{creator}")
        b.get(f"/@{creator}")
    for url in PAGES:
        a.get(url)  # the first view fills the page cache, through the app
        b.get(url)
        served_fast.clear()
        fast_reply, slow_reply = a.get(url), b.get(url)
        assert served_fast == [], f"{url} did not take the fast path"
        assert normal(fast_reply) == normal(slow_reply), url
        assert fast_reply.headers["Content-Security-Policy"].count("nonce-") == 2
        etag = fast_reply.headers["ETag"]
        # Revalidations (the ETag, any ETag, a stale one) and HEAD: answered alike.
        for method, headers, status in [
            ("GET", {"If-None-Match": etag}, 304),
            ("GET", {"If-None-Match": f'"stale", W/{etag}'}, 304),
            ("GET", {"If-None-Match": "*"}, 304),
            ("GET", {"If-None-Match": '"0123456789abcdef0123456789abcdef"'}, 200),
            ("HEAD", {}, 200),
            ("HEAD", {"If-None-Match": etag}, 304),
        ]:
            fast_reply = a.open(url, method=method, headers=headers)
            slow_reply = b.open(url, method=method, headers=headers)
            assert served_fast == [], f"{method} {url} {headers} did not take the fast path"
            assert fast_reply.status_code == status, (method, url, headers)
            assert normal(fast_reply) == normal(slow_reply), (method, url, headers)
        head = a.head(url)
        assert head.data == b"" and int(head.headers["Content-Length"]) > 1000


def test_what_the_fast_path_leaves_to_the_app(tmp_path):
    fast, _ = pair(tmp_path)
    client = fast.test_client()
    client.get("/products/organic-cotton-tee")
    served = handed_to_app(fast)
    fresh = fast.test_client()
    fresh.get("/?ref=maya")  # a referral to record
    fresh.set_cookie("referral", "tampered")
    fresh.get("/")  # a cookie to clear
    client.set_cookie("session", "forged")
    client.get("/products/organic-cotton-tee")  # a session to replace
    post(client, "/cart/add", {"variant_id": "1003"})  # a POST always goes to the app
    assert served.count("/") == 2 and "/products/organic-cotton-tee" in served
    assert "/cart/add" in served


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_first_visitor_gets_no_session_and_their_first_form_is_judged_by_its_origin(
        tmp_path, scheme):
    fast, slow = pair(tmp_path)
    url = "/products/organic-cotton-tee"
    base = f"{scheme}://localhost"
    fast.test_client().get(base + url)  # fills the page cache (one per scheme)
    slow.test_client().get(base + url)
    served = handed_to_app(fast)
    a, b = fast.test_client(), slow.test_client()
    fast_reply, slow_reply = a.get(base + url), b.get(base + url)
    assert served == []
    assert normal(fast_reply) == normal(slow_reply)
    # No session is made for a first view, so its forms carry no token.
    assert "Set-Cookie" not in fast_reply.headers
    body = fast_reply.get_data(as_text=True)
    assert '<meta name="csrf-token" content="">' in body
    assert 'name="csrf_token" value=""' in body
    form = {"csrf_token": "", "variant_id": "1003"}
    # A form from another site, or from a sibling site, is refused: nothing added.
    for said in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                 {"Origin": "https://evil.example"}, {"Origin": "null"},
                 {"Sec-Fetch-Site": "cross-site", "Origin": base}):
        refused = a.post(base + "/cart/add", data=form, headers=said)
        assert refused.status_code == 400, said
        assert "Set-Cookie" not in refused.headers
        # Its page says why: reloading (what an expired form needs) would not help.
        assert "sent from another website, so nothing was changed" in refused.get_data(
            as_text=True), said
    # From this store's own page, as the browser says, it is taken; the reply
    # makes the session, and the pages after it carry its token.
    said = {"Sec-Fetch-Site": "same-origin"} if scheme == "https" else {"Origin": base}
    added = a.post(base + "/cart/add", data=form, headers=said)
    assert added.status_code == 303, added.get_data(as_text=True)[:300]
    assert any(c.startswith("session=") for c in added.headers.getlist("Set-Cookie"))
    assert "/cart/add" in served
    a.get(base + "/cart")  # (the "added" message, shown once)
    again = a.get(base + url)
    token = TOKEN.search(again.get_data(as_text=True)).group(0).split('"')[-2]
    assert token and "Set-Cookie" not in again.headers
    # With a session, a token sent is checked, and a form that says nothing of
    # where it comes from (a program, an old browser) needs one.
    wrong = a.post(base + "/cart/add", data={**form, "csrf_token": token[:-2] + "xx"}, headers=said)
    silent = a.post(base + "/cart/add", data=form)
    assert wrong.status_code == silent.status_code == 400
    assert all("This form has expired" in reply.get_data(as_text=True) for reply in (wrong, silent))
    referer = {"Referer": base + url} if scheme == "https" else {}  # (Flask-WTF's rule on HTTPS)
    tokened = a.post(base + "/cart/add", data={**form, "csrf_token": token}, headers=referer)
    assert tokened.status_code == 303
    # An old tab from before the session: its empty token, from this store, still works.
    assert a.post(base + "/cart/add", data=form, headers=said).status_code == 303
    # A program's first form, with no session and no word on where it comes from: taken.
    assert fast.test_client().post(base + "/cart/add", data=form).status_code == 303


def test_a_visitor_with_a_cart_and_a_session_also_gets_the_fast_path(tmp_path):
    fast, slow = pair(tmp_path)
    a, b = fast.test_client(), slow.test_client()
    for client in (a, b):
        post(client, "/cart/add", {"variant_id": "1003", "quantity": 2})
        client.get("/cart")  # shows (and so clears) any flashed message
        client.get("/collections/apparel")
    served = handed_to_app(fast)
    fast_reply, slow_reply = a.get("/collections/apparel"), b.get("/collections/apparel")
    assert served == []
    assert 'aria-label="2 items in your cart"' in fast_reply.get_data(as_text=True)
    assert normal(fast_reply) == normal(slow_reply)
    # a pending message sends the visitor through the app, which shows it
    post(a, "/cart/add", {"variant_id": "47001", "return_to": "/collections/apparel"})
    assert "sold out" in a.get("/collections/apparel").get_data(as_text=True).lower()
