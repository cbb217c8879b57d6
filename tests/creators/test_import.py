"""`flask creators import`: a dry run by default; hand edits are never overwritten silently."""

from __future__ import annotations

import pytest

from storefront.creators.importer import plan_import
from storefront.creators.registry import Registry
from tests.creators import make_app, write

HEADER = (
    "Handle,NAME,status,discount_code,discount_label,bio,instagram,tiktok,youtube,"
    "website,aliases,followers\n"
)
ROWS = (
    "maya,Maya Rivers,active,MAYA20,20% off,Stylist.,@maya.rivers,,,,,12000\n"
    "leo,Leo Park,active,LEO5,,,,,,,,5000\n"
    " June ,June Okafor,,JUNE10,10% off everything,,,,,https://example.com/june,"
    "june-o|JuneOkafor,800\n"
    "Bad Name,X,,,,,,,,,,1\n"
    "ava,Ava Chen,live,,,,,,,,,2\n"
    "kit,Kit Morgan,,KIT 10,,,,,,,,3\n"
)
MAYA = """\
# Maya's file: edited by hand.
name = "Maya Rivers"  # her stage name
avatar = "maya.svg"

[discount]
code = "MAYA15"  # agreed with her agent

[[collections]]
handle = "apparel"
"""
LEO = 'name = "Leo Park"\nstatus = "active"\n\n[discount]\ncode = "LEO5"\n'


@pytest.fixture
def export(folder, tmp_path):
    write(folder, "maya", MAYA)
    write(folder, "leo", LEO)
    path = tmp_path / "export.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def run(folder, *args):
    return make_app(folder).test_cli_runner().invoke(args=["creators", "import", *args])


def contents(folder):
    return {path.name: path.read_text() for path in sorted(folder.glob("*.toml"))}


def test_dry_run_reports_and_writes_nothing(folder, export):
    before = contents(folder)
    result = run(folder, str(export))
    assert contents(folder) == before
    assert result.exit_code == 1  # there are invalid rows
    assert result.stdout.splitlines() == [
        "Ignored columns: followers",
        "change creators/maya.toml (row 2):",
        "  discount.label: (none) -> '20% off'",
        "  bio: (none) -> 'Stylist.'",
        "  social.instagram: (none) -> 'https://www.instagram.com/maya.rivers'",
        "  conflict discount.code: the file has 'MAYA15', the CSV 'MAYA20'; "
        "kept the file's (--overwrite replaces it)",
        "unchanged creators/leo.toml (row 3)",
        "add creators/june.toml (row 4): name, discount.code, discount.label, social.website, "
        "aliases",
        "invalid row 5: handle 'bad name' is not a handle: lowercase letters, digits, '-' and '_'",
        "invalid row 6: creators/ava.toml: status: must be active, paused or archived, not 'live'",
        "invalid row 7: creators/kit.toml: discount.code: 'KIT 10' must not contain spaces or "
        "control characters",
        "Dry run: 1 to add, 1 to change, 1 unchanged, 3 invalid, 1 conflict. "
        "Nothing written; run again with --apply to write.",
    ]


def test_apply_writes_new_and_changed_files(folder, export):
    result = run(folder, str(export), "--apply")
    assert result.stdout.splitlines()[-1] == (
        "1 to add, 1 to change, 1 unchanged, 3 invalid, 1 conflict. Wrote 2 files."
    )
    assert sorted(contents(folder)) == ["june.toml", "leo.toml", "maya.toml"]
    assert (folder / "leo.toml").read_text() == LEO

    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    june = registry.get("june")
    assert june.name == "June Okafor" and june.status == "active"
    assert (june.discount.code, june.discount.label) == ("JUNE10", "10% off everything")
    assert june.aliases == ("june-o", "juneokafor")
    assert june.social == (("website", "https://example.com/june"),)

    maya = registry.get("maya")
    assert maya.discount.code == "MAYA15"  # the hand edit stays
    assert maya.discount.label == "20% off" and maya.bio == "Stylist."
    assert maya.social == (("instagram", "https://www.instagram.com/maya.rivers"),)
    text = (folder / "maya.toml").read_text()
    for kept in ("# Maya's file: edited by hand.", "# her stage name", "# agreed with her agent",
                 'handle = "apparel"', 'avatar = "maya.svg"'):
        assert kept in text


def test_overwrite_replaces_hand_edits_and_keeps_comments(folder, export):
    result = run(folder, str(export), "--apply", "--overwrite")
    assert "  discount.code: 'MAYA15' -> 'MAYA20'" in result.stdout.splitlines()
    assert "conflict" not in result.stdout.replace("0 conflicts", "")
    text = (folder / "maya.toml").read_text()
    assert 'code = "MAYA20"  # agreed with her agent' in text
    assert "# Maya's file: edited by hand." in text


def test_a_second_import_changes_nothing(folder, export):
    run(folder, str(export), "--apply")
    again = plan_import(export, folder)
    assert [(row.handle, row.action) for row in again.rows if row.action != "invalid"] == [
        ("maya", "unchanged"),
        ("leo", "unchanged"),
        ("june", "unchanged"),
    ]


def test_new_files_are_readable_like_the_others(folder, export):
    run(folder, str(export), "--apply")
    mode = (folder / "leo.toml").stat().st_mode & 0o777  # as written by open()
    assert (folder / "june.toml").stat().st_mode & 0o777 == mode
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temp files


def test_refuses_rows_that_clash_with_other_creators(folder, tmp_path):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "sam", 'name = "Sam"\naliases = ["samito"]\n')
    export = tmp_path / "export.csv"
    export.write_text(
        "handle,name,aliases\n"
        "leo,Leo,maya\n"  # another creator's handle
        "samito,Sam Two,\n"  # a handle that is already an alias
        "june,June,samito\n"  # an alias already claimed
        "ava,Ava,ava-c\n"
        "kit,Kit,ava-c\n"  # claimed by the row before
    )
    plan = plan_import(export, folder)
    assert [(row.handle, row.action, row.problems) for row in plan.rows] == [
        ("leo", "invalid", ["creators/leo.toml: aliases: 'maya' is another creator's handle"]),
        ("samito", "invalid",
         ["creators/samito.toml: handle 'samito' is already an alias of creators/sam.toml"]),
        ("june", "invalid",
         ["creators/june.toml: aliases: 'samito' is already an alias of creators/sam.toml"]),
        ("ava", "add", []),
        ("kit", "invalid",
         ["creators/kit.toml: aliases: 'ava-c' is already an alias of creators/ava.toml"]),
    ]


def test_duplicate_and_empty_rows(folder, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("handle,name\nleo,Leo\n,\nLEO,Leo Again\n,Nobody\nkit,\n")
    plan = plan_import(export, folder)
    assert [(row.row, row.action, row.problems) for row in plan.rows] == [
        (2, "add", []),
        (4, "invalid", ["handle 'leo' is also on row 2"]),
        (5, "invalid", ["handle is empty"]),
        (6, "invalid", ["name is empty"]),
    ]


def test_a_csv_without_a_required_column(folder, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("handle,display_name\nleo,Leo\n")
    result = run(folder, str(export))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{export}: there is no 'name' column (it has: handle, display_name)\n"
    )


def test_excel_csv_with_a_byte_order_mark(folder, tmp_path):
    export = tmp_path / "export.csv"
    export.write_bytes("\ufeffhandle,name\r\nleo,Léo\r\n".encode())
    result = run(folder, str(export), "--apply")
    assert result.exit_code == 0, result.output
    assert 'name = "Léo"' in (folder / "leo.toml").read_text(encoding="utf-8")


def test_user_names_become_profile_links(folder, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "handle,name,instagram,tiktok,youtube,website\n"
        "leo,Leo,@leo.park,leopark,https://www.youtube.com/@leo,leo.example\n"
    )
    plan = plan_import(export, folder)
    row = plan.rows[0]
    assert row.action == "invalid"  # a website must be a URL
    assert row.problems == [
        "creators/leo.toml: social.website: 'leo.example' must be an https:// URL"
    ]
    assert {change.key: change.new for change in row.changes} == {
        "name": "Leo",
        "social.instagram": "https://www.instagram.com/leo.park",
        "social.tiktok": "https://www.tiktok.com/@leopark",
        "social.youtube": "https://www.youtube.com/@leo",
        "social.website": "leo.example",
    }
