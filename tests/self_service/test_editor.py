"""The editor and the brand's approval, in-process: what goes live, what never does, who
may touch what, and the log of who did what."""

from __future__ import annotations

import re

from storefront.creator_stats import tokens as stats_tokens
from storefront.observability import loggable_path
from storefront.self_service import PREFIX, tokens
from tests.self_service.conftest import AUTH, KEY, csrf_of, edit_link, form_of, post_form
from tests.web.conftest import csrf_token

CHANGES = "/admin/creators/changes"


def pending_ids(client) -> list[str]:
    page = client.get(CHANGES, headers=AUTH)
    assert page.status_code == 200, page.get_data(as_text=True)[-1500:]
    return re.findall(r'data-change="(\d+)"', page.get_data(as_text=True))


def decide(client, change_id: str, what: str, **data):
    return client.post(f"{CHANGES}/{change_id}/{what}", headers=AUTH,
                       data={"csrf_token": csrf_token(client), **data})


def submit(client, path: str, changes: dict):
    reply = post_form(client, path, {**changes, "action": "submit"})
    assert reply.status_code == 303, reply.get_data(as_text=True)[-2000:]
    assert reply.headers["Location"].endswith("done=sent")


def test_edit_submit_approve_and_the_page_is_live(app, client, creators_dir):
    before = (creators_dir / "maya.toml").read_text()
    path = edit_link(app, "maya")
    page = client.get(path)
    assert page.status_code == 200
    assert form_of(page.get_data(as_text=True))["hero_title"] == "Maya's slow wardrobe"
    # Searching the catalog and adding a product, then writing the note on it.
    found = post_form(client, path, {"action": "search", "q": "stoneware"})
    assert found.status_code == 303
    results = client.get(found.headers["Location"]).get_data(as_text=True)
    assert 'name="add" value="stoneware-mug"' in results
    assert post_form(client, path, {"add": "stoneware-mug"}).status_code == 303
    edited = form_of(client.get(path).get_data(as_text=True))
    assert edited["pick_4"] == "stoneware-mug"
    submit(client, path, {"hero_title": "Maya's winter wardrobe", "note_4": "My morning mug.",
                          "bio": "Stylist. Fewer, better things.",
                          "social_youtube": "https://www.youtube.com/@maya.demo"})
    # Sent, not live: the file and the landing page are as they were.
    assert (creators_dir / "maya.toml").read_text() == before
    assert "Maya&#39;s winter wardrobe" not in client.get("/@maya").get_data(as_text=True)
    assert 'data-status="pending"' in client.get(path).get_data(as_text=True)

    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    assert reply.status_code == 303, reply.get_data(as_text=True)
    text = (creators_dir / "maya.toml").read_text()
    assert 'title = "Maya\'s winter wardrobe"' in text
    assert 'stoneware-mug = "My morning mug."' in text
    assert 'youtube = "https://www.youtube.com/@maya.demo"' in text
    # The brand's keys and the file's comment are kept.
    assert text.startswith("# Maya Rivers, slow-fashion stylist.")
    assert 'code = "MAYA15"' in text and 'handle = "accessories"' in text
    landing = client.get("/@maya").get_data(as_text=True)
    assert "Maya&#39;s winter wardrobe" in landing and "Fewer, better things." in landing
    assert pending_ids(client) == []
    assert 'data-status="approved"' in client.get(path).get_data(as_text=True)


def test_a_rejected_change_never_goes_live(app, client, creators_dir):
    before = (creators_dir / "maya.toml").read_bytes()
    path = edit_link(app, "maya")
    submit(client, path, {"hero_title": "Buy everything now"})
    [change] = pending_ids(client)
    assert decide(client, change, "reject", reason="Not our tone, sorry.").status_code == 303
    assert (creators_dir / "maya.toml").read_bytes() == before
    assert "Buy everything now" not in client.get("/@maya").get_data(as_text=True)
    assert pending_ids(client) == []
    # It cannot be approved afterwards either, and the creator is told why.
    assert decide(client, change, "approve").status_code == 409
    assert (creators_dir / "maya.toml").read_bytes() == before
    editor = client.get(path).get_data(as_text=True)
    assert 'data-status="rejected"' in editor and "Not our tone, sorry." in editor


def test_a_newer_submission_replaces_the_pending_one(app, client, creators_dir):
    path = edit_link(app, "maya")
    submit(client, path, {"hero_title": "First try"})
    submit(client, path, {"hero_title": "Second try"})
    [change] = pending_ids(client)
    assert decide(client, change, "approve").status_code == 303
    assert 'title = "Second try"' in (creators_dir / "maya.toml").read_text()


def test_a_revoked_link_is_refused(app, client, creators_dir):
    before = (creators_dir / "maya.toml").read_bytes()
    path = edit_link(app, "maya")
    page = client.get(path).get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["creators", "edit-link", "maya", "--revoke"])
    assert result.exit_code == 0 and "Revoked 1 edit link of maya" in result.output
    assert client.get(path).status_code == 410
    reply = client.post(path, data={"csrf_token": csrf_of(page), "hero_title": "x",
                                    "action": "submit"}, content_type="multipart/form-data")
    assert reply.status_code == 410
    assert client.get(path + "/preview").status_code == 410
    assert (creators_dir / "maya.toml").read_bytes() == before
    listed = app.test_cli_runner().invoke(args=["creators", "edit-link", "maya", "--list"])
    assert "revoked" in listed.output


def test_a_link_for_maya_can_never_touch_leo(app, client, creators_dir):
    leo = (creators_dir / "leo.toml").read_bytes()
    path = edit_link(app, "maya")
    link_id = tokens.read(path.removeprefix(PREFIX + "/"), KEY).link_id
    # A token naming leo with maya's link, even signed with the store's key: no such link.
    forged = tokens.sign(tokens.Claim("leo", link_id), KEY)
    assert client.get(f"{PREFIX}/{forged}").status_code == 404
    # Another key, or maya's figures link, opens nothing here.
    assert client.get(f"{PREFIX}/{tokens.sign(tokens.Claim('maya', link_id), 'x' * 32)}"
                      ).status_code == 404
    stats = stats_tokens.sign(stats_tokens.Claim("maya", link_id), KEY)
    assert client.get(f"{PREFIX}/{stats}").status_code == 404
    # A handle in the form is not read: the change is maya's.
    submit(client, path, {"handle": "leo", "hero_title": "Not Leo's"})
    [change] = pending_ids(client)
    assert decide(client, change, "approve").status_code == 303
    assert (creators_dir / "leo.toml").read_bytes() == leo
    assert 'title = "Not Leo\'s"' in (creators_dir / "maya.toml").read_text()
    assert client.get(f"{PREFIX}/garbage!").status_code == 404


def test_forms_need_their_csrf_token(app, client, creators_dir):
    before = (creators_dir / "maya.toml").read_bytes()
    path = edit_link(app, "maya")
    client.get(path)  # a first view: no session, so the form's token is empty
    for said in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        reply = client.post(path, data={"hero_title": "From elsewhere", "action": "submit"},
                            content_type="multipart/form-data", headers=said)
        assert reply.status_code == 400
    assert pending_ids(client) == []
    submit(client, path, {"hero_title": "With a token"})  # (the first form: its session)
    [change] = pending_ids(client)
    # Once the session holds a token, a form without it that says nothing of where
    # it comes from is refused.
    reply = client.post(path, data={"hero_title": "No token", "action": "submit"},
                        content_type="multipart/form-data")
    assert reply.status_code == 400
    assert pending_ids(client) == [change]
    reply = client.post(f"{CHANGES}/{change}/approve", headers=AUTH, data={})
    assert reply.status_code == 400
    assert (creators_dir / "maya.toml").read_bytes() == before


def test_bad_input_gets_a_clear_message(app, client, creators_dir):
    path = edit_link(app, "maya")
    reply = post_form(client, path, {"social_instagram": "javascript:alert(1)",
                                     "action": "submit"})
    assert reply.status_code == 422
    assert "Instagram: " in reply.get_data(as_text=True)
    reply = post_form(client, path, {"add": "no-such-product"})
    assert reply.status_code == 400
    assert "That product is not in the store." in reply.get_data(as_text=True)
    reply = post_form(client, path, {"hero_title": "x" * 5000})
    assert reply.status_code == 400 and "Headline: at most 200" in reply.get_data(as_text=True)
    # A pick without a note cannot be sent, and says which.
    post_form(client, path, {"add": "stoneware-mug"})
    reply = post_form(client, path, {"action": "submit"})
    assert reply.status_code == 422
    assert "Your note on Stoneware Mug: must not be empty" in reply.get_data(as_text=True)
    preview = client.get(path + "/preview")
    assert preview.status_code == 200 and "Not ready to preview" in preview.get_data(as_text=True)
    assert pending_ids(client) == []


def test_the_preview_is_the_theme_s_landing_page_with_the_draft(app, client, creators_dir):
    path = edit_link(app, "maya")
    post_form(client, path, {"hero_title": "A title for the preview"})
    preview = client.get(path + "/preview")
    assert preview.status_code == 200
    body = preview.get_data(as_text=True)
    assert "A title for the preview" in body and 'class="creator-profile"' in body
    assert "A title for the preview" not in client.get("/@maya").get_data(as_text=True)
    assert "sf_ref" not in preview.headers.get("Set-Cookie", "")


def test_pages_are_private_and_tokens_stay_out_of_logs(app, client):
    path = edit_link(app, "maya")
    for url in (path, path + "/preview", f"{PREFIX}/nothing"):
        reply = client.get(url)
        assert reply.headers["Cache-Control"] == "no-store"
        assert reply.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert reply.headers["Referrer-Policy"] == "no-referrer"
    with app.test_request_context(path):
        assert loggable_path(path) == f"{PREFIX}/[hidden]"
    reply = client.get(CHANGES, headers=AUTH)
    assert reply.headers["Cache-Control"] == "no-store"


def test_the_approval_page_needs_the_admin(make_app):
    client = make_app().test_client()
    assert client.get(CHANGES).status_code == 401
    off = make_app(ADMIN_USERNAME="", ADMIN_PASSWORD="").test_client()
    assert off.get(CHANGES, headers=AUTH).status_code == 404


def test_every_step_is_logged_with_who_and_when(app, client):
    path = edit_link(app, "maya")
    link_id = tokens.read(path.removeprefix(PREFIX + "/"), KEY).link_id
    submit(client, path, {"hero_title": "Logged"})
    [change] = pending_ids(client)
    decide(client, change, "approve")
    app.test_cli_runner().invoke(args=["creators", "edit-link", "maya", "--revoke"])
    log = client.get(CHANGES, headers=AUTH).get_data(as_text=True)
    rows = re.findall(r"<tr><td>[\d-]+ [\d:]+</td><td>maya</td><td>(\w+)(?: #\d+)?</td>"
                      r"<td>([^<]+)</td>", log)
    assert rows == [("link_revoked", "cli"), ("approved", "admin:brandteam"),
                    ("submitted", f"link:{link_id}"), ("link_made", "cli")]


def test_a_creator_kept_in_shopify_is_not_written_without_an_admin_token(
        app, client, creators_dir, monkeypatch):
    # With SHOPIFY_ADMIN_TOKEN it is: tests/self_service/test_metaobject_publish.py.
    before = (creators_dir / "maya.toml").read_bytes()
    path = edit_link(app, "maya")
    submit(client, path, {"hero_title": "From a metaobject"})
    registry = app.extensions["creators"]
    monkeypatch.setattr(registry, "source_of", lambda handle: "shopify")
    page = client.get(CHANGES, headers=AUTH).get_data(as_text=True)
    assert "kept in Shopify (a metaobject): approving writes a metaobject only with " \
           "SHOPIFY_ADMIN_TOKEN set" in page
    assert "write_metaobjects" in page
    assert "Approve and publish" not in page
    [change] = pending_ids(client)
    reply = decide(client, change, "approve")
    assert reply.status_code == 409
    text = reply.get_data(as_text=True)
    assert "kept in Shopify" in text and "SHOPIFY_ADMIN_TOKEN" in text
    assert (creators_dir / "maya.toml").read_bytes() == before
    assert pending_ids(client) == [change]


def test_links_that_do_not_work_are_throttled_per_address(app, client):
    from storefront.admin import auth

    path = edit_link(app, "maya")
    for number in range(auth.ADDRESS_FAILURES):
        assert client.get(f"{PREFIX}/not-a-token-{number}").status_code == 404
    refused = client.get(path)  # even the right link, until the budget refills
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    throttle = app.extensions["self_service"]
    later = throttle.clock() + auth.ADDRESS_SECONDS + 1
    throttle.clock = lambda: later
    assert client.get(path).status_code == 200


def test_editing_goes_on_from_what_is_waiting(app, client):
    path = edit_link(app, "maya")
    submit(client, path, {"hero_title": "Waiting for the brand"})
    assert form_of(client.get(path).get_data(as_text=True))["hero_title"] == \
        "Waiting for the brand"


def test_the_dashboard_leads_to_the_changes_and_an_edit_link_credits_no_one(app, client):
    dashboard = client.get("/admin/creators", headers=AUTH).get_data(as_text=True)
    assert f'href="{CHANGES}"' in dashboard
    # Like the figures page: a ?ref= on the editor's or an upload's path is not a referral.
    for path in (edit_link(app, "maya"), "/creator-uploads/none.jpg"):
        client.get(f"{path}?ref=leo")
        assert "Leo" not in client.get("/").get_data(as_text=True)
