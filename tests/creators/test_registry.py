"""The registry: lookups, clashes between files, skipped files, refresh and watching."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from pathlib import Path

import pytest

from storefront.creators.registry import Registry
from tests.creators import write


def loaded(folder, **kwargs) -> Registry:
    registry = Registry(folder, **kwargs)
    registry.load()
    return registry


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_lookup_by_handle_any_case(folder):
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    assert registry.get("maya").name == "Maya"
    assert registry.get("MAYA") is registry.get("maya")
    assert registry.get("Maya").handle == "maya"
    assert registry.get("leo") is None
    assert registry.get("") is None
    assert registry.get("mAyA\u0130") is None  # not ASCII: never a handle


def test_lookup_by_alias(folder):
    write(folder, "sam", 'name = "Sam"\naliases = ["samito", "sam-writes"]\n')
    registry = loaded(folder)
    creator = registry.get("SamIto")
    assert creator.handle == "sam"  # differs from the name asked for: it was an alias
    assert registry.get("sam-writes") is creator
    assert "samito" in registry and "nobody" not in registry
    assert len(registry) == 1  # aliases are not creators of their own


def test_iterates_sorted_by_handle(folder):
    for handle in ("b", "a-b", "a", "c_1"):
        write(folder, handle, f'name = "{handle}"\n')
    assert [creator.handle for creator in loaded(folder)] == ["a", "a-b", "b", "c_1"]


def test_invalid_file_is_skipped_and_logged_once(folder, caplog):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "leo", 'name = "Leo"\ncolour = "red"\nstatus = "live"\n')
    caplog.set_level(logging.WARNING, logger="storefront.creators")
    registry = loaded(folder)
    assert [creator.handle for creator in registry] == ["maya"]
    assert registry.get("leo") is None
    assert registry.problems == [
        "creators/leo.toml: unknown key 'colour'",
        "creators/leo.toml: status: must be active, paused or archived, not 'live'",
    ]
    records = [r for r in caplog.records if r.name == "storefront.creators"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert "creators/leo.toml: unknown key 'colour'" in records[0].getMessage()
    assert "creators/leo.toml: status: must be" in records[0].getMessage()

    # Refreshing, even after another file changed, doesn't log leo again...
    write(folder, "june", 'name = "June"\n')
    assert registry.refresh()
    registry.refresh()
    assert len([r for r in caplog.records if r.name == "storefront.creators"]) == 1
    # ...until its problems change.
    write(folder, "leo", 'name = "Leo"\ncolour = "blue"\n')
    registry.refresh()
    assert len([r for r in caplog.records if r.name == "storefront.creators"]) == 2


def test_alias_that_is_another_creators_handle(folder):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "sam", 'name = "Sam"\naliases = ["maya"]\n')
    registry = loaded(folder, log_problems=False)
    assert registry.problems == ["creators/sam.toml: aliases: 'maya' is another creator's handle"]
    assert registry.get("maya").handle == "maya"
    assert registry.get("sam") is None


def test_a_handle_wins_over_an_alias_from_an_earlier_file(folder):
    # aaron.toml comes first, but /@maya must stay Maya's: aaron's file is the one skipped.
    write(folder, "aaron", 'name = "Aaron"\naliases = ["maya"]\n')
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder, log_problems=False)
    assert registry.get("maya").name == "Maya"
    assert registry.problems == [
        "creators/aaron.toml: aliases: 'maya' is another creator's handle"
    ]


def test_alias_claimed_twice_stays_with_the_first_file(folder):
    write(folder, "a", 'name = "A"\naliases = ["x"]\n')
    write(folder, "b", 'name = "B"\naliases = ["x", "y"]\n')
    registry = loaded(folder, log_problems=False)
    assert registry.problems == [
        "creators/b.toml: aliases: 'x' is already an alias of creators/a.toml"
    ]
    assert registry.get("x").handle == "a"
    assert registry.get("b") is None and registry.get("y") is None


def test_a_fix_in_one_file_clears_the_clash(folder):
    write(folder, "a", 'name = "A"\naliases = ["x"]\n')
    write(folder, "b", 'name = "B"\naliases = ["x"]\n')
    registry = loaded(folder, log_problems=False)
    write(folder, "a", 'name = "A"\n')
    registry.refresh()
    assert registry.problems == []
    assert registry.get("x").handle == "b"


def test_non_toml_and_hidden_files_are_ignored(folder):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "notes.txt", "not a creator")
    write(folder, ".#maya.toml", "editor lock")
    (folder / "sub.toml").mkdir()
    registry = loaded(folder)
    assert [c.handle for c in registry] == ["maya"] and registry.problems == []


def test_refresh_picks_up_edits_additions_and_removals(folder):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "leo", 'name = "Leo"\n')
    registry = loaded(folder)
    leo = registry.get("leo")
    assert registry.refresh() is False  # nothing changed

    write(folder, "maya", 'name = "Maya Rivers"\n')
    write(folder, "june", 'name = "June"\n')
    assert registry.refresh() is True
    assert registry.get("maya").name == "Maya Rivers"
    assert registry.get("june").name == "June"
    assert registry.get("leo") is leo  # not parsed again

    (folder / "june.toml").unlink()
    registry.refresh()
    assert registry.get("june") is None
    assert [c.handle for c in registry] == ["leo", "maya"]


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(folder):
    # Timestamps are coarse: a quick second write can leave (mtime, size, inode) as they were.
    path = write(folder, "maya", 'name = "Maya1"\n')
    registry = loaded(folder)
    stat = path.stat()
    path.write_text('name = "Maya2"\n')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    assert registry.refresh() is True
    assert registry.get("maya").name == "Maya2"


def test_a_touched_file_is_not_parsed_again(folder):
    path = write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    maya = registry.get("maya")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert registry.refresh() is False
    assert registry.get("maya") is maya


def test_refresh_checks_again_when_media_appear(folder):
    write(folder, "leo", 'name = "Leo"\navatar = "leo.png"\n')
    registry = loaded(folder, log_problems=False)
    assert registry.get("leo") is None
    (folder / "media" / "leo.png").write_bytes(b"\x89PNG")
    registry.refresh()
    assert registry.get("leo").avatar == "/creator-media/leo.png"
    assert registry.problems == []


def test_reload_reads_every_file_again(folder):
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    maya = registry.get("maya")
    registry.reload()
    assert registry.get("maya") == maya and registry.get("maya") is not maya


def test_readers_keep_the_snapshot_they_started_with(folder):
    for handle in ("a", "b", "c"):
        write(folder, handle, f'name = "{handle}"\n')
    registry = loaded(folder)
    walking = iter(registry)
    assert next(walking).handle == "a"
    (folder / "b.toml").unlink()
    (folder / "c.toml").unlink()
    registry.refresh()
    assert [c.handle for c in walking] == ["b", "c"]  # the old snapshot, whole
    assert [c.handle for c in registry] == ["a"]


def test_concurrent_readers_see_whole_snapshots(folder):
    # Two creators that always change together: a reader must never see one without the other.
    write(folder, "a", 'name = "A0"\n')
    write(folder, "b", 'name = "B0"\n')
    registry = loaded(folder)
    torn: list[tuple[str, str]] = []
    stop = threading.Event()

    def read():
        while not stop.is_set():
            names = [c.name for c in registry]
            if len(names) != 2 or names[0][1:] != names[1][1:]:
                torn.append(tuple(names))
            time.sleep(0)  # let the writer run

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for generation in range(1, 30):
            write(folder, "a", f'name = "A{generation}"\n')
            write(folder, "b", f'name = "B{generation}"\n')
            registry.refresh()
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert torn == []
    assert [c.name for c in registry] == ["A29", "B29"]


def test_ten_thousand_files(tmp_path):
    folder = tmp_path / "creators"
    folder.mkdir()
    for number in range(10_000):
        (folder / f"c{number:05d}.toml").write_text(
            f'name = "Creator {number}"\naliases = ["alias{number}"]\n'
            f'[discount]\ncode = "CODE{number}"\n'
            f'[[collections]]\nhandle = "apparel"\n'
            f'[notes]\nlinen-shirt = "Note {number}."\n'
        )
    registry = loaded(folder)
    assert len(registry) == 10_000 and registry.problems == []
    assert registry.get("c00042").name == "Creator 42"
    assert registry.get("ALIAS9999").handle == "c09999"
    assert registry.get("c00042").discount.code == "CODE42"
    before = {handle: registry.get(handle) for handle in ("c00000", "c05000", "c09999")}

    (folder / "c00001.toml").write_text('name = "Edited"\naliases = ["renamed1"]\n')
    (folder / "c10000.toml").write_text('name = "New"\naliases = ["alias10000"]\n')
    (folder / "c00002.toml").unlink()
    assert registry.refresh() is True

    assert len(registry) == 10_000
    assert registry.get("c00001").name == "Edited"
    assert registry.get("alias1") is None and registry.get("renamed1").handle == "c00001"
    assert registry.get("c10000").name == "New" and registry.get("alias10000").handle == "c10000"
    assert registry.get("c00002") is None and registry.get("alias2") is None
    for handle, creator in before.items():
        assert registry.get(handle) is creator  # untouched files are not parsed again
    assert registry.problems == []


def test_watching_refreshes_in_the_background(folder):
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    registry.ensure_watching(0.02)
    try:
        assert registry.watching
        write(folder, "leo", 'name = "Leo"\n')
        assert wait_for(lambda: registry.get("leo") is not None)
    finally:
        registry.stop_watching()


def test_ensure_watching_starts_one_thread_per_process(folder, monkeypatch):
    registry = loaded(folder)

    def watchers():
        name = f"creators-watcher {folder}"
        return [t for t in threading.enumerate() if t.name == name and t.is_alive()]

    before = 0
    try:
        registry.ensure_watching(0.02)
        registry.ensure_watching(0.02)
        assert len(watchers()) == before + 1
        # In a forked worker the process id differs and the parent's thread is gone.
        pid = os.getpid()
        monkeypatch.setattr(os, "getpid", lambda: pid + 1)
        assert not registry.watching
        registry.ensure_watching(0.02)
        assert registry.watching
        assert wait_for(lambda: len(watchers()) == before + 1)  # the old one was told to stop
    finally:
        registry.stop_watching()
    assert wait_for(lambda: len(watchers()) == before)


def test_no_watching_at_interval_zero(folder):
    registry = loaded(folder)
    registry.ensure_watching(0)
    assert not registry.watching


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_starts_its_own_watcher(folder):
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    registry.ensure_watching(0.02)
    try:
        read, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the parent's watcher thread did not come along
            ok = not registry.watching
            registry.ensure_watching(0.02)
            (folder / "kid.toml").write_text('name = "Kid"\n')
            ok = ok and wait_for(lambda: registry.get("kid") is not None, 5)
            os.write(write_end, b"1" if ok else b"0")
            os._exit(0)
        os.close(write_end)
        assert os.read(read, 1) == b"1"
        os.waitpid(pid, 0)
    finally:
        registry.stop_watching()


def test_an_unreadable_file_is_skipped(folder, monkeypatch):
    write(folder, "maya", 'name = "Maya"\n')
    write(folder, "leo", 'name = "Leo"\n')
    read_bytes = Path.read_bytes

    def refuse_leo(path):
        if path.name == "leo.toml":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_leo)
    registry = loaded(folder, log_problems=False)
    assert registry.problems == ["creators/leo.toml: can't be read: Permission denied"]
    assert registry.get("maya") is not None
    assert registry.refresh() is False  # tried again, still the same
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert registry.refresh() is True
    assert registry.get("leo") is not None and registry.problems == []


def test_a_dropped_registry_takes_its_watcher_with_it(folder):
    registry = loaded(folder)
    registry.ensure_watching(0.02)
    name = f"creators-watcher {folder}"
    assert any(t.name == name for t in threading.enumerate())
    del registry
    gc.collect()
    assert wait_for(lambda: not any(t.name == name for t in threading.enumerate()))


def test_a_failing_refresh_keeps_the_creators(folder, tmp_path, caplog):
    write(folder, "maya", 'name = "Maya"\n')
    registry = loaded(folder)
    registry.ensure_watching(0.02)
    try:
        folder.rename(tmp_path / "elsewhere")
        assert wait_for(lambda: "refreshing" in caplog.text)
        assert registry.get("maya").name == "Maya"
    finally:
        registry.stop_watching()
