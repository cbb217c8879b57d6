"""`flask creators import --from PLATFORM`: an affiliate platform's export, mapped column by
column (the mapping shown, `--map` to change it), each platform's sample imported as expected,
inactive affiliates paused, emails never stored, and broken files told precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from storefront.creators.importer import plan_import
from storefront.creators.registry import Registry
from tests.creators import make_app, write
from tests.web.legacy import SAMPLES

# What each sample becomes: handle -> (name, status, discount code, legacy ids)
EXPECTED = {
    "uppromote": {
        "nora-quinn": ("Nora Quinn", "active", "NORA10", ("2837745.kQ7tR2xWmB",)),
        "omar-haddad": ("Omar Haddad", "paused", "OMAR15", ("2837746.Zp4LxV9cYe",)),
        "pilar-santos": ("Pilar Santos", "paused", None, ("2837751.Hh2MnB6sTq",)),
    },
    "goaffpro": {
        "ruby-tran": ("Ruby Tran", "active", "RUBY10", ("rubyt",)),
        "sol-beck": ("Sol Beck", "paused", "SOL10", ("solbeck",)),
        "tess-ward": ("Tess Ward", "paused", None, ("tessw", "tess-reads")),
    },
    "refersion": {
        "uma-patel": ("Uma Patel", "active", "UMA20", ("1184551.8f3a2c",)),
        "vik-rao": ("Vik Rao", "paused", None, ("1184560.c01d9e",)),
        "wren-ellis": ("Wren Ellis", "paused", "WREN5", ("1184562.77b0f4",)),
    },
    "snowball": {
        "xena-lowe": ("Xena Lowe", "active", "XENA15", ("XENA",)),
        "yara-moss": ("Yara Moss", "paused", "YARA15", ("YARA",)),
        "zeke-ford": ("Zeke Ford", "active", None, ("ZEKEF",)),
    },
    "collabs": {
        "alba-reyes": ("Alba Reyes", "active", "ALBA10", ("4471902",)),
        "bo-lindqvist": ("Bo Lindqvist", "archived", "BO10", ("4471915",)),
        "chloe-durand": ("Chloé Durand", "active", "CHLOE10", ()),  # a short link: no id
    },
}
MAPPINGS = {
    "uppromote": [
        "  'ID' -> not used",
        "  'First name' -> first_name: name (first part)",
        "  'Last name' -> last_name: name (last part)",
        "  'Email' -> email: read to spot an affiliate listed twice, never stored",
        "  'Affiliate link' -> link: the referral link; its id is kept in legacy_ids",
        "  'Coupon' -> code: discount.code",
        "  'Status' -> status: status (inactive affiliates arrive paused)",
        "  'Program' -> not used",
        "  'Paypal email' -> not used",
        "  'Total sales' -> not used",
        "  'Signup date' -> not used",
    ],
    "goaffpro": [
        "  'Name' -> name: name",
        "  'Email' -> email: read to spot an affiliate listed twice, never stored",
        "  'Ref Code' -> ref: the platform's referral id, kept in legacy_ids",
        "  'Referral Link' -> link: the referral link; its id is kept in legacy_ids",
        "  'Coupon' -> code: discount.code",
        "  'Status' -> status: status (inactive affiliates arrive paused)",
        "  'Commission Rate' -> not used",
        "  'Total Revenue' -> not used",
        "  'Instagram' -> instagram: social.instagram",
    ],
}


def run(folder: Path, *args: str):
    return make_app(folder).test_cli_runner().invoke(args=["creators", "import", *args])


def creators_in(folder: Path) -> Registry:
    registry = Registry(folder)
    registry.load()
    assert registry.problems == []
    return registry


def export(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("platform", EXPECTED)
def test_each_platforms_sample_imports_as_expected(folder, platform):
    sample = str(SAMPLES / f"{platform}.csv")
    dry = run(folder, "--from", platform, sample)
    assert dry.exit_code == 0, dry.output
    assert list(folder.glob("*.toml")) == []  # a dry run writes nothing
    assert dry.stdout.splitlines()[-1] == (
        "Dry run: 3 to add, 0 to change, 0 unchanged, 0 invalid, 0 conflicts. "
        "Nothing written; run again with --apply to write.")

    applied = run(folder, "--from", platform, sample, "--apply")
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.splitlines()[-1].endswith("Wrote 3 files.")
    registry = creators_in(folder)
    found = {
        creator.handle: (creator.name, creator.status,
                         creator.discount.code if creator.discount else None,
                         tuple(value for key, value in creator.legacy_ids if key == platform))
        for creator in registry
    }
    assert found == EXPECTED[platform]
    for path in folder.glob("*.toml"):  # the email, and what else the export held, stays out
        text = path.read_text()
        assert "example.com" not in text and "example.org" not in text, path.name
        assert "555" not in text and "aypal" not in text, path.name


@pytest.mark.parametrize("platform", MAPPINGS)
def test_the_mapping_chosen_is_shown(folder, platform):
    result = run(folder, "--from", platform, str(SAMPLES / f"{platform}.csv"))
    lines = result.stdout.splitlines()
    parameter = {"uppromote": "sca_ref", "goaffpro": "ref"}[platform]
    start = lines.index(next(line for line in lines if line.startswith("Columns of the ")))
    assert lines[start].endswith(f"(links: ?{parameter}=, kept in legacy_ids.{platform}):")
    assert lines[start + 1:start + 1 + len(MAPPINGS[platform])] == MAPPINGS[platform]
    assert lines[start + 1 + len(MAPPINGS[platform])].startswith(
        "Change one with --map COLUMN=FIELD; fields: handle, name, first_name")


def test_a_second_import_changes_nothing_and_finds_renamed_creators_by_their_id(folder):
    sample = str(SAMPLES / "uppromote.csv")
    run(folder, "--from", "uppromote", sample, "--apply")
    # The brand renames one: the file keeps her UpPromote id.
    (folder / "nora-quinn.toml").rename(folder / "nora.toml")
    again = plan_import(SAMPLES / "uppromote.csv", folder, platform="uppromote")
    assert [(row.handle, row.action) for row in again.rows] == [
        ("nora", "unchanged"), ("omar-haddad", "unchanged"), ("pilar-santos", "unchanged")]


def test_an_override_of_the_mapping(folder, tmp_path):
    path = export(tmp_path, (
        "Partner Handle,Full Name,Promo,Tracking URL,Coupon,Account State\n"
        "noor,Noor Aziz,NOOR5,https://fernwood.example/?rfsn=99.ab12,OLDCODE,approved\n"
    ))
    plain = run(folder, "--from", "refersion", str(path))
    assert "  'Promo' -> not used" in plain.stdout.splitlines()
    assert "  'Tracking URL' -> not used" in plain.stdout.splitlines()
    assert "Note: no column holds the Refersion referral link or id, so the links creators " \
           "shared there won't credit them here (--map COLUMN=link)" in plain.stdout.splitlines()
    assert "add creators/noor-aziz.toml (row 2): name, discount.code" in plain.stdout.splitlines()

    result = run(folder, "--from", "refersion", str(path), "--map", "partner handle=handle",
                 "--map", "PROMO=code", "--map", "Tracking URL=link", "--map", "Coupon=ignore",
                 "--map", "Account State=status", "--apply")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for line in ("  'Partner Handle' -> handle: the file name (default: made from the name) "
                 "(--map)",
                 "  'Promo' -> code: discount.code (--map)",
                 "  'Tracking URL' -> link: the referral link; its id is kept in legacy_ids "
                 "(--map)",
                 "  'Coupon' -> not used (--map)",
                 "  'Account State' -> status: status (inactive affiliates arrive paused) (--map)",
                 "add creators/noor.toml (row 2): name, status, discount.code, "
                 "legacy_ids.refersion"):
        assert line in lines
    noor = creators_in(folder).get("noor")
    assert noor.discount.code == "NOOR5"
    assert noor.legacy_ids == (("refersion", "99.ab12"),)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--map", "Cupon=code"], 1,
     "{path}: --map: there is no column 'cupon' (the columns: First name, Last name, Email, "
     "Coupon, Status)"),
    (["--map", "Coupon=coupon_code"], 2, "'coupon_code' is not a field; use one of handle, "),
    (["--map", "Coupon"], 2, "write COLUMN=FIELD, e.g. 'Coupon Code=code'"),
])
def test_a_wrong_override_is_refused_clearly(folder, tmp_path, args, code, message):
    path = export(tmp_path, "First name,Last name,Email,Coupon,Status\nAna,Lim,a@example.com,A5,"
                            "Active\n")
    result = run(folder, "--from", "uppromote", str(path), *args)
    assert result.exit_code == code
    assert message.format(path=path) in result.output
    assert list(folder.glob("*.toml")) == []


def test_map_goes_with_from(folder, tmp_path):
    path = export(tmp_path, "handle,name\nana,Ana\n")
    result = run(folder, str(path), "--map", "name=name")
    assert result.exit_code == 2 and "--map goes with --from" in result.output


@pytest.mark.parametrize(("content", "message"), [
    (b"Name,Email\nAna Lim,ana@example.com\nJos\xe9 Ruiz,jose@example.com\n",
     "line 3: is not UTF-8 text (byte 0xe9); export it again as CSV UTF-8"),
    (b'Name,Email\nAna Lim,ana@example.com\n"Jo Ruiz,jo@example.com\nKai,kai@example.com\n',
     "line 3: not valid CSV: unexpected end of data (a quote that is never closed?)"),
    (b"", "is empty (a header row is needed)"),
    (b"Email,Coupon\nana@example.com,A5\n",
     "no column holds the name (the columns: Email, Coupon); say which with --map COLUMN=name"),
    (b"Name,Email,E-MAIL,e_mail\nAna,a@example.com,a@example.com,\n",
     "column 'e mail' appears twice"),
])
def test_a_broken_file_is_told_precisely(folder, tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run(folder, "--from", "goaffpro", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"{path}: {message}\n"


def test_broken_rows_are_told_by_row_and_column(folder, tmp_path):
    path = export(tmp_path, (
        "First name,Last name,Email,Ref code,Coupon,Status\n"
        "Ana,Lim,ana@example.com,analim,ANA5,Active\n"
        "Ben,Ode,ben@example.com,benode,BEN5,Active,extra\n"
        ",,cy@example.com,cy,,Active\n"
        "Dee,Park,dee@example.com,deepark,,frozen\n"
        "Ann,Lim,ANA@example.com,annl,,Active\n"
        "Eve,Stone,eve@example.com,analim,,Active\n"
        "Fay,Moon,fay@example.com,fay/moon,,Active\n"
        "東京,,tokyo@example.com,tokyo,,Active\n"
        "Gus,Hale,gus@example.com,gushale,GUS 5,Active\n"
    ))
    result = run(folder, "--from", "goaffpro", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.startswith(("add ", "invalid "))]
    assert rows == [
        "add creators/ana-lim.toml (row 2): name, status, discount.code, legacy_ids.goaffpro",
        "invalid row 3: 7 cells, but the header names 6 columns (a comma in a cell that is "
        "not quoted?)",
        "invalid row 4: the name is empty ('First name' and 'Last name')",
        "invalid row 5: 'Status': 'frozen' is not a status the import knows (active, approved, "
        "enabled, paused, inactive, pending, deactivated, disabled, denied, rejected, "
        "disapproved, blocked, suspended, invited, on hold, archived, deleted, removed)",
        "invalid row 6: the same email as row 2 (one affiliate listed twice?)",
        "invalid row 7: ref 'analim' is also on row 2",
        "invalid row 8: creators/fay-moon.toml: legacy_ids.goaffpro: 'fay/moon' is not a "
        "referral id: letters, digits, '-', '.', '_' and '~', at most 128",
        "invalid row 9: no handle can be made of the name '東京': give the file a handle "
        "column (--map COLUMN=handle)",
        "invalid row 10: creators/gus-hale.toml: discount.code: 'GUS 5' must not contain "
        "spaces or control characters",
    ]
    assert "example.com" not in result.output  # not even in messages


def test_a_link_without_the_platforms_id_is_noted(folder, tmp_path):
    path = export(tmp_path, "Name,Affiliate link\nAna Lim,https://collabs.shop/abc\n"
                            "Ben Ode,fernwood.example/?dt_id=77\n")
    result = run(folder, "--from", "collabs", str(path), "--apply")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-4:-1] == [
        "add creators/ana-lim.toml (row 2): name",
        "  note: 'Affiliate link': 'https://collabs.shop/abc' has no dt_id= id, so links to it "
        "can't credit them here",
        "add creators/ben-ode.toml (row 3): name, legacy_ids.collabs",
    ]
    assert creators_in(folder).get("ben-ode").legacy_ids == (("collabs", "77"),)


def test_namesakes_get_numbered_handles(folder, tmp_path):
    write(folder, "alex-kim", 'name = "Alex Kim"\n[legacy_ids]\nuppromote = "1.aaa"\n')
    path = export(tmp_path, (
        "First name,Last name,Affiliate link\n"
        "Alex,Kim,https://fernwood.example/?sca_ref=1.aaa\n"  # the one already here
        "Alex,Kim,https://fernwood.example/?sca_ref=2.bbb\n"
        "Alex,Kim,https://fernwood.example/?sca_ref=3.ccc\n"
    ))
    plan = plan_import(path, folder, platform="uppromote")
    assert [(row.handle, row.action, row.notes) for row in plan.rows] == [
        ("alex-kim", "unchanged", []),
        ("alex-kim-2", "add", ["handle 'alex-kim-2': 'alex-kim' is another creator's"]),
        ("alex-kim-3", "add", ["handle 'alex-kim-3': 'alex-kim' is another creator's"]),
    ]


def test_an_existing_file_keeps_its_edits_and_gains_ids(folder, tmp_path):
    write(folder, "tess-ward", """\
        # Tess: hand edited.
        name = "Tess Ward"
        status = "active"  # back from her break

        [legacy_ids]
        goaffpro = "tessw"
        """)
    result = run(folder, "--from", "goaffpro", str(SAMPLES / "goaffpro.csv"), "--apply")
    lines = result.stdout.splitlines()
    assert lines[lines.index("change creators/tess-ward.toml (row 4):") + 1:][:2] == [
        "  legacy_ids.goaffpro: 'tessw' -> ['tessw', 'tess-reads']",
        "  conflict status: the file has 'active', the CSV 'paused'; kept the file's "
        "(--overwrite replaces it)",
    ]
    tess = creators_in(folder).get("tess-ward")
    assert tess.status == "active"
    assert tess.legacy_ids == (("goaffpro", "tessw"), ("goaffpro", "tess-reads"))
    assert "# back from her break" in (folder / "tess-ward.toml").read_text()


def test_an_id_another_creator_has_is_refused(folder, tmp_path):
    write(folder, "maya", 'name = "Maya"\n[legacy_ids]\ngoaffpro = "RubyT"\n')
    path = export(tmp_path, "Name,Ref code,Handle\nRuby Tran,rubyt,ruby\n")
    plan = plan_import(path, folder, platform="goaffpro")
    assert [(row.action, row.problems) for row in plan.rows] == [
        ("invalid", ["creators/ruby.toml: legacy_ids.goaffpro: 'rubyt' is already "
                     "creators/maya.toml's"]),
    ]


def test_a_goaffpro_code_that_is_another_creators_handle_is_noted(folder, tmp_path):
    write(folder, "ruby", 'name = "Ruby Stone"\n')
    path = export(tmp_path, "Name,Ref code\nRuby Tran,ruby\n")
    (row,) = plan_import(path, folder, platform="goaffpro").rows
    assert (row.handle, row.action) == ("ruby-tran", "add")
    assert row.notes == ["?ref=ruby leads to ruby, whose handle or alias it is, not to this "
                         "creator"]
