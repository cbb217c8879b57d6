"""The checked creator files kept between processes (storefront/creators/checked.py).

A new process is a new Registry given the same cache file: it must reuse what
the earlier one checked, check again exactly what changed, and never trust a
cache made for other files, other media or themes, or another version.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import subprocess
import sys
import tempfile

import pytest

from storefront.config import PROJECT_ROOT
from storefront.creators import Creator, checked
from storefront.creators.registry import Registry
from storefront.creators.validate import scan_context
from tests.creators import make_app, write
from tests.creators.metaobject_data import field

LONG_AGO_NS = 1_600_000_000 * 10**9  # well past the racy window of any scan


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "instance" / checked.NAME


def started(folder, cache, **kwargs) -> Registry:
    """What a new process does: a new registry, loaded, with the cache file."""
    registry = Registry(folder, cache_file=cache, **kwargs)
    registry.load()
    return registry


def age(*paths) -> None:
    """Make files old, so that a scan trusts their stamps (they are not racy)."""
    for path in paths:
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))


def three_files(folder):
    paths = [
        write(folder, "maya", 'name = "Maya"\navatar = "maya.svg"\n'
                              '[notes]\nlinen-shirt = "Soft"\n'),
        write(folder, "leo", 'name = "Leo"\n'),
        write(folder, "kit", 'name = "Kit"\nstatus = "live"\n'),
    ]
    age(*paths)
    return paths


def test_a_second_process_reuses_what_the_first_checked(folder, cache, checks):
    three_files(folder)
    first = started(folder, cache)
    assert sorted(checks) == ["kit.toml", "leo.toml", "maya.toml"]
    assert cache.is_file()

    checks.clear()
    second = started(folder, cache)
    assert checks == []
    assert list(second) == list(first)  # equal creators, revisions included
    assert second.get("maya").notes["linen-shirt"] == "Soft"
    with pytest.raises(TypeError):  # still read-only: one creator is shared by every request
        second.get("maya").notes["linen-shirt"] = "Scratchy"
    assert second.get("maya").revision == first.get("maya").revision != ""
    assert second.problems == first.problems == [
        "creators/kit.toml: status: must be active, paused or archived, not 'live'"
    ]
    assert gc.isenabled()


def test_the_cache_is_not_rewritten_when_nothing_changed(folder, cache):
    three_files(folder)
    started(folder, cache)
    before = cache.stat()
    started(folder, cache)
    after = cache.stat()
    # A rewrite replaces the file (a new inode).
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_changed_file_is_checked_again(folder, cache, checks):
    three_files(folder)
    started(folder, cache)
    age(write(folder, "leo", 'name = "Leo the Second"\n'))
    checks.clear()
    second = started(folder, cache)
    assert checks == ["leo.toml"]
    assert second.get("leo").name == "Leo the Second"

    checks.clear()  # and the next process takes the new entry from the cache
    assert started(folder, cache).get("leo").name == "Leo the Second" and checks == []


def test_a_touched_file_is_read_but_not_checked_again(folder, cache, checks):
    maya, *_ = three_files(folder)
    first = started(folder, cache)
    os.utime(maya, ns=(LONG_AGO_NS + 10**9, LONG_AGO_NS + 10**9))
    checks.clear()
    assert started(folder, cache).get("maya") == first.get("maya")
    assert checks == []


def test_a_quick_edit_that_keeps_size_and_mtime_is_noticed(folder, cache, checks):
    # Written just before the first process scanned it: its stamp can't be trusted yet.
    path = write(folder, "maya", 'name = "Maya1"\n')
    started(folder, cache)
    stat = path.stat()
    path.write_text('name = "Maya2"\n')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_ino == stat.st_ino
    checks.clear()
    assert started(folder, cache).get("maya").name == "Maya2"
    assert checks == ["maya.toml"]


def test_a_file_replaced_with_the_same_size_and_mtime_is_noticed(folder, cache, checks):
    maya, *_ = three_files(folder)
    started(folder, cache)
    # As an editor saves: a new file renamed over the old one (another inode).
    text = maya.read_text().replace("Maya", "Mira")
    replacement = folder / ".maya.toml.swp"
    replacement.write_text(text)
    age(replacement)
    os.replace(replacement, maya)
    checks.clear()
    assert started(folder, cache).get("maya").name == "Mira"
    assert checks == ["maya.toml"]


def test_removed_and_added_files(folder, cache, checks):
    maya, leo, kit = three_files(folder)
    started(folder, cache)
    leo.unlink()
    kit.unlink()
    age(write(folder, "june", 'name = "June"\n'))
    checks.clear()
    second = started(folder, cache)
    assert checks == ["june.toml"]
    assert [creator.handle for creator in second] == ["june", "maya"]
    assert second.problems == [] and second.file_count == 2
    checks.clear()
    assert [creator.handle for creator in started(folder, cache)] == ["june", "maya"]
    assert checks == []


def test_new_media_check_every_file_again(folder, cache, checks):
    three_files(folder)
    age(write(folder, "sam", 'name = "Sam"\navatar = "sam.png"\n'))
    first = started(folder, cache, log_problems=False)
    assert first.get("sam") is None
    (folder / "media" / "sam.png").write_bytes(b"\x89PNG")
    checks.clear()
    second = started(folder, cache)
    assert sorted(checks) == ["kit.toml", "leo.toml", "maya.toml", "sam.toml"]
    assert second.get("sam").avatar == "/creator-media/sam.png"


def test_a_new_theme_checks_every_file_again(folder, cache, checks, tmp_path):
    themes = tmp_path / "themes"
    (themes / "base").mkdir(parents=True)
    (themes / "base" / "theme.toml").write_text('name = "Base"\n')
    three_files(folder)
    age(write(folder, "sam", 'name = "Sam"\ntheme = "night"\n'))
    assert started(folder, cache, themes_dir=themes, log_problems=False).get("sam") is None
    (themes / "night").mkdir()
    (themes / "night" / "theme.toml").write_text('name = "Night"\nparent = "base"\n')
    checks.clear()
    assert started(folder, cache, themes_dir=themes).get("sam").theme == "night"
    assert len(checks) == 4


def test_another_folder_or_other_code_checks_every_file_again(folder, cache, checks, tmp_path,
                                                             monkeypatch):
    three_files(folder)
    started(folder, cache)
    checks.clear()
    # Another version of the checks (a deploy): nothing of the cache is used.
    monkeypatch.setattr(checked, "_code_digest", lambda: "another version")
    started(folder, cache)
    assert len(checks) == 3
    checks.clear()
    # The same file names and stamps in another folder are not these files either.
    other = tmp_path / "elsewhere" / "creators"
    other.parent.mkdir()
    os.rename(folder, other)
    started(other, cache)
    assert len(checks) == 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong shape",
                                    "a folder"])
def test_a_damaged_cache_is_ignored_and_replaced(folder, cache, checks, damage, caplog):
    three_files(folder)
    started(folder, cache)
    whole = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(b"\x80\x05not a pickle at all" * 10)
    elif damage == "truncated":
        cache.write_bytes(whole[: len(whole) * 2 // 3])
    elif damage == "empty":
        cache.write_bytes(b"")
    elif damage == "wrong shape":  # the right key, entries of another shape
        with open(cache, "wb") as file:
            pickle.dump(checked.key(folder, scan_context(folder)), file)
            pickle.dump({"maya.toml": ("not", "an", "entry")}, file)
    else:  # the file's name taken by a folder: nothing can be read nor written there
        cache.unlink()
        cache.mkdir()
    checks.clear()
    caplog.set_level(logging.DEBUG, logger="storefront.creators")
    second = started(folder, cache)
    assert sorted(checks) == ["kit.toml", "leo.toml", "maya.toml"]
    assert [creator.handle for creator in second] == ["leo", "maya"]
    assert not any(record.exc_info for record in caplog.records)
    assert gc.isenabled()
    if damage != "a folder":  # replaced: the next process checks nothing
        checks.clear()
        started(folder, cache)
        assert checks == []


@pytest.mark.parametrize("how", ["no such folder", "not writable"])
def test_a_cache_that_cannot_be_written_is_skipped(folder, tmp_path, checks, caplog, monkeypatch,
                                                   how):
    three_files(folder)
    if how == "no such folder":  # the instance "folder" is a file: nothing can go in it
        instance = tmp_path / "instance"
        instance.write_text("")
    else:  # as a read-only folder answers (chmod won't stop the root the tests may run as)
        instance = tmp_path / "read-only"
        instance.mkdir()

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    caplog.set_level(logging.DEBUG, logger="storefront.creators")
    first = started(folder, instance / checked.NAME)
    second = started(folder, instance / checked.NAME)
    assert [creator.handle for creator in first] == [creator.handle for creator in second] \
        == ["leo", "maya"]
    assert len(checks) == 6  # each process checked everything
    notes = [record for record in caplog.records if checked.NAME in record.getMessage()]
    assert len(notes) == 2  # one line per process, no more
    assert all(record.levelno <= logging.INFO and not record.exc_info for record in notes)
    assert not (instance / checked.NAME).exists()
    if instance.is_dir():
        assert list(instance.iterdir()) == []  # no temporary file left behind


def test_a_creator_that_does_not_pickle_costs_the_cache_not_the_load(folder, cache, caplog,
                                                                    monkeypatch):
    three_files(folder)

    def refuse(record):
        raise pickle.PicklingError("a field of a new kind")

    monkeypatch.setitem(checked._REDUCERS, Creator, refuse)
    registry = started(folder, cache)
    assert [creator.handle for creator in registry] == ["leo", "maya"]
    [note] = [record for record in caplog.records if checked.NAME in record.getMessage()]
    assert "a field of a new kind" in note.getMessage() and not note.exc_info
    assert not cache.exists() and list(cache.parent.iterdir()) == []


def test_invalid_files_are_logged_on_a_cached_load_as_on_a_first_one(folder, cache, caplog):
    three_files(folder)
    age(write(folder, "sam", 'name = "Sam"\naliases = ["leo"]\n'))
    caplog.set_level(logging.WARNING, logger="storefront.creators")
    first = started(folder, cache)
    logged_first = [record.getMessage() for record in caplog.records]
    caplog.clear()
    second = started(folder, cache)
    logged_second = [record.getMessage() for record in caplog.records]
    assert logged_second == logged_first
    assert logged_first == [
        "creator file skipped: creators/kit.toml\n"
        "  creators/kit.toml: status: must be active, paused or archived, not 'live'",
        "creator file skipped: creators/sam.toml\n"
        "  creators/sam.toml: aliases: 'leo' is another creator's handle",
    ]
    assert second.problems == first.problems


def test_an_app_without_instance_dir_keeps_no_cache(folder, checks):
    """An app not made by create_app (no INSTANCE_DIR) has no folder of ours: it checks
    every file each time and writes nothing (its instance_path may be in the clone)."""
    three_files(folder)
    app = make_app(folder)
    app.extensions["creators"].ready()  # (an app reads its creators at the first lookup)
    assert not os.path.exists(os.path.join(app.instance_path, checked.NAME))
    checks.clear()
    make_app(folder).extensions["creators"].ready()
    assert sorted(checks) == ["kit.toml", "leo.toml", "maya.toml"]


def test_the_app_keeps_its_cache_in_the_instance_folder(folder, checks):
    three_files(folder)
    instance = str(folder.parent / "instance")
    make_app(folder, INSTANCE_DIR=instance).extensions["creators"].ready()
    cache = os.path.join(instance, checked.NAME)
    assert os.path.isfile(cache)
    checks.clear()
    again = make_app(folder, INSTANCE_DIR=instance)
    assert checks == []
    assert [creator.handle for creator in again.extensions["creators"]] == ["leo", "maya"]
    # `check` reads every file itself (a deploy gate trusts no cache) and reports every problem.
    result = again.test_cli_runner().invoke(args=["creators", "check"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "creators/kit.toml: status: must be active, paused or archived, not 'live'",
        "1 problem in 1 file",
    ]
    assert sorted(checks) == ["kit.toml", "leo.toml", "maya.toml"]


def test_only_files_are_kept_not_metaobjects(folder, cache, tmp_path, checks):
    from storefront.creators.sources import ShopifyCreators

    three_files(folder)

    def shopify(*names):
        records = [{"id": f"gid://shopify/Metaobject/{name}", "handle": name,
                    "fields": [field("name", name.title())]} for name in names]
        return ShopifyCreators(lambda after: (records, None), tmp_path / f"copy-{len(names)}.json",
                               "creator")

    first = Registry(folder, source="both", shopify=shopify("ann"), cache_file=cache)
    first.fetch()
    assert first.get("ann").name == "Ann" and first.get("maya") is not None
    kept = checked.read(cache, checked.key(folder, scan_context(folder)))
    assert sorted(kept) == ["kit.toml", "leo.toml", "maya.toml"]

    checks.clear()
    second = Registry(folder, source="both", shopify=shopify("ann", "bo"), cache_file=cache)
    second.fetch()
    assert checks == []
    assert second.get("bo").name == "Bo" and second.get("maya") is not None


# What each process of the next test runs: load, then say how many creators it has
# and how many files it checked itself.
STARTER = """
import importlib, sys
from pathlib import Path
registry_module = importlib.import_module("storefront.creators.registry")
check_source, checks = registry_module.check_source, []
registry_module.check_source = lambda *args: (checks.append(1), check_source(*args))[1]
registry = registry_module.Registry(Path(sys.argv[1]), cache_file=Path(sys.argv[2]))
registry.load()
print(len(registry), len(checks))
"""


def test_processes_starting_together_share_one_cache(folder, cache):
    for number in range(300):
        write(folder, f"c{number:03d}", f'name = "Creator {number}"\nbio = "{"x" * number}"\n')
    age(*folder.glob("*.toml"))

    def start(count):
        processes = [subprocess.Popen([sys.executable, "-c", STARTER, str(folder), str(cache)],
                                      cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
                     for _ in range(count)]
        return [process.communicate(timeout=60)[0].split() for process in processes]

    # Four workers booting together with no cache: each has every creator, and
    # checked either everything (it found no cache yet) or nothing (another had
    # written it whole), never a part (half of another's file).
    creators, checks = zip(*start(4), strict=True)
    assert creators == ("300",) * 4
    assert set(checks) <= {"300", "0"} and "300" in checks  # the first found no cache
    assert start(1) == [["300", "0"]]  # the next one checks nothing
    assert [path.name for path in cache.parent.iterdir()] == [checked.NAME]
