"""`flask creators link`: a link per call, aliases, unknown handles, listing and revoking."""

from __future__ import annotations

import pytest

from storefront.creator_stats import tokens
from tests.creator_stats.conftest import KEY, link


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["creators", "link", *args])


def claim_of(path: str) -> tokens.Claim:
    prefix = "/creator-stats/"
    assert path.startswith(prefix)
    found = tokens.read(path[len(prefix):], KEY)
    assert found is not None
    return found


def test_a_link_is_a_path_to_the_page_and_each_call_makes_a_new_one(app, client):
    result = run(app, "maya")
    assert result.exit_code == 0, result.output
    path = result.stdout.strip()
    assert "\n" not in path  # stdout is the link alone, for scripts
    assert "Maya Rivers" in result.stderr and "--revoke" in result.stderr
    assert "Put the store's address in front" in result.stderr
    other = link(app, "maya")
    assert other != path
    assert claim_of(path).handle == claim_of(other).handle == "maya"
    assert client.get(path).status_code == 200
    assert client.get(other).status_code == 200


def test_the_store_address_makes_a_whole_url(app):
    url = link(app, "maya", "--base-url", "https://brand.example/")
    assert url.startswith("https://brand.example/creator-stats/")
    result = run(app, "maya", "--base-url", "brand.example")
    assert result.exit_code == 2 and "https://brand.com" in result.output


def test_an_alias_makes_a_link_for_the_creator_it_belongs_to(app, client):
    result = run(app, "SamIto")
    assert result.exit_code == 0, result.output
    assert "is an alias: the link is for sam" in result.stderr
    assert claim_of(result.stdout.strip()).handle == "sam"
    assert "Sam Ito" in client.get(result.stdout.strip()).get_data(as_text=True)


@pytest.mark.parametrize("handle", ["nobody", "../maya", "", "máya"])
def test_an_unknown_handle_is_a_clear_error(app, handle):
    result = run(app, handle)
    assert result.exit_code == 1
    assert f"no creator {handle!r}" in result.output and "flask creators list" in result.output
    assert "Traceback" not in result.output


def test_revoking_turns_off_every_live_link_of_the_creator(app, client):
    first, second = link(app, "maya"), link(app, "maya")
    kept = link(app, "sam")
    result = run(app, "maya", "--revoke")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Revoked 2 links of maya: ")
    for path in (first, second):
        reply = client.get(path)
        assert reply.status_code == 410
        assert "turned this link off" in reply.get_data(as_text=True)
    assert client.get(kept).status_code == 200
    again = run(app, "maya", "--revoke")
    assert again.exit_code == 1 and "no live links" in again.output


def test_revoking_one_link_by_its_id(app, client):
    first, second = link(app, "maya"), link(app, "maya")
    result = run(app, "maya", "--revoke", "--id", claim_of(first).link_id)
    assert result.exit_code == 0, result.output
    assert result.output == f"Revoked 1 link of maya: {claim_of(first).link_id}.\n"
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    # Another creator's link id is not this creator's to revoke.
    other = link(app, "sam")
    refused = run(app, "maya", "--revoke", "--id", claim_of(other).link_id)
    assert refused.exit_code == 1 and "no live link" in refused.output
    assert client.get(other).status_code == 200


def test_revoking_through_an_alias_and_after_the_file_is_gone(app, client, creators_dir):
    path = link(app, "sam")
    assert run(app, "samito", "--revoke").exit_code == 0
    assert client.get(path).status_code == 410
    gone = link(app, "maya")
    (creators_dir / "maya.toml").unlink()
    app.extensions["creators"].reload()
    assert client.get(gone).status_code == 410
    result = run(app, "maya", "--revoke")  # links outlive the file, and can still be revoked
    assert result.exit_code == 0, result.output


def test_listing_links(app):
    first = claim_of(link(app, "maya")).link_id
    second = claim_of(link(app, "maya")).link_id
    run(app, "maya", "--revoke", "--id", first)
    listed = run(app, "maya", "--list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert any(first in line and "revoked 2026-11-20 12:00 UTC" in line for line in lines)
    assert any(second in line and line.endswith("live") for line in lines)
    assert run(app, "sam", "--list").output == "sam has no links.\n"


def test_an_id_without_revoke_is_a_usage_error(app):
    result = run(app, "maya", "--id", "abc")
    assert result.exit_code == 2 and "--id goes with --revoke" in result.output
