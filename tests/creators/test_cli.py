"""`flask creators check | list | new` (import has its own file)."""

from __future__ import annotations

import csv
import io
import json

from storefront.config import PROJECT_ROOT
from storefront.creators.registry import Registry
from tests.creators import make_app, write


def run(folder, *args, **config):
    return make_app(folder, **config).test_cli_runner().invoke(args=["creators", *args])


def test_check_passes_on_the_shipped_creators():
    result = run(PROJECT_ROOT / "creators", "check")
    assert result.exit_code == 0, result.output
    count = len(list((PROJECT_ROOT / "creators").glob("*.toml")))
    assert result.stdout == f"{count} creator{'' if count == 1 else 's'} OK\n"


def test_check_lists_every_problem_and_fails(folder):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "leo", 'name = "Leo"\nstatus = "live"\n[theme_settings]\naccent = "red"\n')
    write(folder, "sam", 'name = "Sam"\naliases = ["maya"]\n')
    write(folder, "Bad Name", 'name = "X"\n')
    write(folder, "june", 'name = "June"\n[hero]\n')
    result = run(folder, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "creators/Bad Name.toml: the file name must be a handle: "
        "lowercase letters, digits, '-' and '_'",
        "creators/june.toml: missing required key 'hero.title'",
        "creators/leo.toml: status: must be active, paused or archived, not 'live'",
        "creators/leo.toml: theme_settings.accent: 'red' is not a colour: use #rgb or #rrggbb",
        "creators/sam.toml: aliases: 'maya' is another creator's handle",
        "5 problems in 4 files",
    ]


def test_check_another_folder(folder, tmp_path):
    other = tmp_path / "staging"
    other.mkdir()
    write(other, "kit", "name = 1\n")
    result = run(folder, "check", str(other))
    assert result.exit_code == 1
    assert "staging/kit.toml: name: must be a string, not a whole number" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 problem in 1 file"


def test_check_sees_the_files_as_they_are_now(folder):
    app = make_app(folder)
    write(folder, "maya", "name = \n")  # broken after the app loaded
    result = app.test_cli_runner().invoke(args=["creators", "check"])
    assert result.exit_code == 1
    assert "creators/maya.toml: not valid TOML" in result.stdout


def creators_for_listing(folder):
    write(folder, "maya", 'name = "Maya Rivers"\n[discount]\ncode = "MAYA15"\n')
    write(folder, "sam", 'name = "Sam Ito"\naliases = ["samito", "sam-writes"]\n')
    write(folder, "rosa", 'name = "Rosa Diaz"\nstatus = "paused"\n[discount]\ncode = "ROSA15"\n')


def test_list_table(folder):
    creators_for_listing(folder)
    result = run(folder, "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "handle  name         status  code    aliases",
        "maya    Maya Rivers  active  MAYA15",
        "rosa    Rosa Diaz    paused  ROSA15",
        "sam     Sam Ito      active          samito, sam-writes",
    ]


def test_list_csv(folder):
    creators_for_listing(folder)
    result = run(folder, "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["handle"] for row in rows] == ["maya", "rosa", "sam"]
    assert rows[2] == {
        "handle": "sam",
        "name": "Sam Ito",
        "status": "active",
        "code": "",
        "aliases": "samito|sam-writes",
    }


def test_list_json(folder):
    creators_for_listing(folder)
    result = run(folder, "list", "--format", "json")
    assert json.loads(result.stdout)[0] == {
        "handle": "maya",
        "name": "Maya Rivers",
        "status": "active",
        "code": "MAYA15",
        "aliases": [],
    }


def test_list_by_status(folder):
    creators_for_listing(folder)
    result = run(folder, "list", "--status", "paused", "--format", "json")
    assert [row["handle"] for row in json.loads(result.stdout)] == ["rosa"]
    assert run(folder, "list", "--status", "gone").exit_code == 2


def test_list_says_when_files_were_skipped(folder):
    creators_for_listing(folder)
    write(folder, "bad", "name = 3\n")
    result = run(folder, "list", "--format", "json")
    assert len(json.loads(result.stdout)) == 3
    assert "1 file skipped: see `flask creators check`" in result.stderr


def test_new_writes_a_file_that_validates(folder):
    result = run(folder, "new", "maya-rivers")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Created creators/maya-rivers.toml: fill it in, then run `flask creators check`.\n"
    )
    text = (folder / "maya-rivers.toml").read_text()
    assert 'name = "Maya Rivers"' in text
    for key in ("status", "aliases", "avatar", "bio", "theme", "[hero]", "cta_url",
                "[discount]", "[[collections]]", "[notes]", "[theme_settings]", "[social]"):
        assert key in text
    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    assert registry.get("maya-rivers").name == "Maya Rivers"


def test_new_with_a_name(folder):
    assert run(folder, "new", "leo", "--name", 'Leo "The Trail" Park').exit_code == 0
    registry = Registry(folder)
    registry.load()
    assert registry.get("leo").name == 'Leo "The Trail" Park'


def test_new_refuses_an_existing_file(folder):
    write(folder, "maya", 'name = "Maya"\n')
    result = run(folder, "new", "maya")
    assert result.exit_code == 1
    assert result.stderr == "creators/maya.toml already exists; edit it instead\n"
    assert (folder / "maya.toml").read_text() == 'name = "Maya"\n'


def test_new_refuses_an_invalid_handle(folder):
    result = run(folder, "new", "Maya Rivers")
    assert result.exit_code == 1
    assert result.stderr == (
        "'Maya Rivers' is not a handle: lowercase letters, digits, '-' and '_'\n"
    )
    assert list(folder.glob("*.toml")) == []


def test_new_refuses_another_creators_alias(folder):
    write(folder, "sam", 'name = "Sam"\naliases = ["samito"]\n')
    result = run(folder, "new", "samito")
    assert result.exit_code == 1
    assert result.stderr == "'samito' is already an alias of creators/sam.toml\n"


def test_new_refuses_a_name_too_long(folder):
    result = run(folder, "new", "leo", "--name", "L" * 81)
    assert result.exit_code == 1
    assert result.stderr == "creators/leo.toml: name: must be at most 80 characters, not 81\n"
    assert not (folder / "leo.toml").exists()
