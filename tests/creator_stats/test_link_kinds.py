"""The figures page's links and the editor's are made and opened by the same code
(storefront/creator_stats: commands.py, opening.py, tokens.py), told apart by their
kind: what must stay apart, and what links already sent depend on."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from storefront.admin import auth
from storefront.creator_stats import tokens as stats_tokens
from storefront.orders import ledger_for
from storefront.self_service import tokens as edit_tokens
from storefront.self_service.tables import events
from tests.creator_stats.conftest import KEY, link


def edit_link(app, handle: str, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["creators", "edit-link", handle, *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_links_already_sent_keep_their_salt_and_payload():
    # The salts and the payload are in every link creators hold: changing either
    # would turn all of them off at once.
    for module, salt in ((stats_tokens, "storefront.creator-stats"),
                         (edit_tokens, "storefront.creator-edit")):
        old = URLSafeSerializer(KEY, salt=salt).dumps(["maya", "abcdefghijklmnop"])
        assert module.sign(module.Claim("maya", "abcdefghijklmnop"), KEY) == old
        assert module.read(old, KEY) == module.Claim("maya", "abcdefghijklmnop")
        assert module.read(old, "another-key-0123456789abcdef", [KEY]) is not None


def test_an_edit_link_opens_no_figures_and_counts_as_a_failure(app, client):
    edit_path = edit_link(app, "maya")
    edit_token = edit_path.removeprefix("/creator-edit/")
    link_id = edit_tokens.read(edit_token, KEY).link_id
    # The editor's token, and a figures token naming the editor's link: neither opens.
    figures_token = stats_tokens.sign(stats_tokens.Claim("maya", link_id), KEY)
    for attempt in range(auth.ADDRESS_FAILURES):
        reply = client.get(f"/creator-stats/{(edit_token, figures_token)[attempt % 2]}")
        assert reply.status_code == 404
        assert reply.headers["Cache-Control"] == "no-store"
        assert "This link does not work" in reply.get_data(as_text=True)
    # Each counted against the address: the next is refused unread.
    assert client.get(f"/creator-stats/{figures_token}").status_code == 429
    # The editor keeps its own budget: its page still opens with its link.
    assert client.get(edit_path).status_code == 200


def test_each_kind_lists_and_revokes_only_its_own_links(app):
    figures_path, edit_path = link(app, "maya"), edit_link(app, "maya")
    figures_id = stats_tokens.read(figures_path.removeprefix("/creator-stats/"), KEY).link_id
    edit_id = edit_tokens.read(edit_path.removeprefix("/creator-edit/"), KEY).link_id
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["creators", "link", "maya", "--list"]).output
    assert figures_id in listed and edit_id not in listed
    refused = runner.invoke(args=["creators", "link", "maya", "--revoke", "--id", edit_id])
    assert refused.exit_code == 1
    assert f"no live link {edit_id!r} of 'maya'" in refused.output
    revoked = runner.invoke(args=["creators", "edit-link", "maya", "--revoke", "--id", edit_id])
    assert revoked.output == f"Revoked 1 edit link of maya: {edit_id}.\n"
    assert "live" in runner.invoke(args=["creators", "link", "maya", "--list"]).output
    # Only the editor's links are logged, each once.
    with ledger_for(app).engine.connect() as conn:
        rows = conn.execute(select(events.c.event, events.c.detail).order_by(events.c.id)).all()
    assert [tuple(row) for row in rows] == [("link_made", edit_id), ("link_revoked", edit_id)]
