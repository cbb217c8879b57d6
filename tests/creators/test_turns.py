"""The processes of a machine take turns: one scans the creators folder, the others follow."""

from __future__ import annotations

import os

import pytest
from flask import Flask

from storefront import creators, lifecycle
from storefront.creators.registry import Registry
from storefront.creators.turns import FOLLOWER_READS, Turns
from tests.creators import write
from tests.creators.test_registry import loaded, wait_for


class Scans:
    """A stand-in for Registry.refresh: counts calls, answers "changed" when told."""

    def __init__(self) -> None:
        self.calls = 0
        self.changed = False

    def __call__(self) -> bool:
        self.calls += 1
        changed, self.changed = self.changed, False
        return changed


def test_one_scans_and_the_other_refreshes_only_when_told(folder, tmp_path):
    shared = tmp_path / "instance"
    scanner, follower = Turns(shared, folder), Turns(shared, folder)
    scans, follows = Scans(), Scans()
    try:
        scanner.tick(scans)
        assert scanner.scanning() and not follower.scanning()
        follower.tick(follows)  # its first tick catches up with whatever it missed
        assert follows.calls == 1
        for _ in range(5):
            scanner.tick(scans)
            follower.tick(follows)
        assert scans.calls == 6 and follows.calls == 1  # nothing changed, nothing read
        scans.changed = True
        scanner.tick(scans)  # the scanner finds a change and says so
        follower.tick(follows)
        follower.tick(follows)
        assert follows.calls == 2
        assert scanner.wait_seconds(2.0) == 2.0
        assert follower.wait_seconds(2.0) == 2.0 / FOLLOWER_READS
    finally:
        scanner.close()
        follower.close()


def test_when_the_scanner_goes_another_takes_its_turn(folder, tmp_path):
    shared = tmp_path / "instance"
    first, second = Turns(shared, folder), Turns(shared, folder)
    first.tick(Scans())
    follows = Scans()
    second.tick(follows)
    second.tick(follows)
    assert follows.calls == 1
    first.close()
    second.tick(follows)
    second.tick(follows)
    assert second.scanning() and follows.calls == 3  # now it scans on every tick
    second.close()


def test_folders_have_turns_of_their_own(tmp_path):
    shared = tmp_path / "instance"
    a = Turns(shared, tmp_path / "a")
    b = Turns(shared, tmp_path / "b")
    assert a.scanning() and b.scanning()
    a.close()
    b.close()


def test_without_a_writable_folder_every_process_scans(folder, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    turns = Turns(blocker / "instance", folder)
    scans = Scans()
    scans.changed = True
    turns.tick(scans)
    turns.tick(scans)
    assert scans.calls == 2 and turns.scanning()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_does_not_inherit_the_turn(folder, tmp_path):
    shared = tmp_path / "instance"
    parent = Turns(shared, folder)
    assert parent.scanning()
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write_end, b"0" if parent.scanning() else b"1")
        os._exit(0)
    os.close(write_end)
    try:
        assert os.read(read, 1) == b"1"  # the parent still holds the lock
    finally:
        os.waitpid(pid, 0)
        parent.close()


def test_watching_registries_share_one_scan_and_all_see_changes(folder, tmp_path):
    shared = tmp_path / "instance"
    write(folder, "maya", 'name = "Maya"\n')
    registries = [loaded(folder) for _ in range(3)]
    scanned = {id(r): 0 for r in registries}
    for registry in registries:
        scan = registry._scan

        def counting(registry=registry, scan=scan):
            scanned[id(registry)] += 1
            return scan()

        registry._scan = counting
    try:
        for registry in registries:
            registry.ensure_watching(0.02, shared)
        write(folder, "leo", 'name = "Leo"\n')
        assert wait_for(lambda: all(r.get("leo") is not None for r in registries))
        (folder / "leo.toml").write_text('name = "Leo Park"\n')  # in place: no new name
        assert wait_for(lambda: all(r.get("leo").name == "Leo Park" for r in registries))
        assert wait_for(lambda: max(scanned.values()) > 20)
        # One registry scans on every tick; the others only when it found a change.
        assert sorted(scanned.values())[1] < 10
    finally:
        for registry in registries:
            registry.stop_watching()


def test_the_app_watches_with_turns_in_its_instance_folder(folder, tmp_path):
    app = Flask("creators_test", instance_path=str(tmp_path / "instance"))
    app.config.update({"CREATORS_DIR": str(folder), "CREATORS_RELOAD_SECONDS": 0.02})
    creators.init_app(app)
    registry: Registry = app.extensions["creators"]
    try:
        lifecycle.start(app)  # as a serving process does
        assert registry.watching
        assert wait_for(lambda: any((tmp_path / "instance").glob("creators-*.lock")))
        write(folder, "leo", 'name = "Leo"\n')
        assert wait_for(lambda: registry.get("leo") is not None)
    finally:
        registry.stop_watching()
