"""An app reads its creators at the first lookup, or as a serving process starts.

A command that never asks for a creator (`flask orders report`) reads none of
them, and one that does (`flask creators payouts`) reads them while the
database works; a serving process has them before its first request.
"""

from __future__ import annotations

import threading

import pytest

from storefront import lifecycle
from tests.creators import make_app, write

MAYA = 'name = "Maya Rivers"\n'


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "creators"
    path.mkdir()
    write(path, "maya.toml", MAYA)
    write(path, "leo.toml", 'name = "Leo Park"\n')
    return path


def test_an_app_reads_no_creator_until_one_is_asked_for(folder, checks):
    app = make_app(folder)
    assert checks == []
    assert app.extensions["creators"].get("maya").name == "Maya Rivers"
    assert sorted(checks) == ["leo.toml", "maya.toml"]
    app.extensions["creators"].get("leo")
    assert len(checks) == 2  # read once


def test_threads_asking_at_once_read_the_files_once(folder, checks):
    registry = make_app(folder).extensions["creators"]
    gate = threading.Barrier(4)
    found = []

    def ask():
        gate.wait()
        found.append(registry.get("maya"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [creator.handle for creator in found] == ["maya"] * 4
    assert sorted(checks) == ["leo.toml", "maya.toml"]


def test_a_serving_process_reads_them_as_it_starts(folder, checks):
    app = make_app(folder)
    lifecycle.start(app)  # (gunicorn's post_worker_init, or the first request elsewhere)
    assert sorted(checks) == ["leo.toml", "maya.toml"]
    assert len(app.extensions["creators"]) == 2
    assert len(checks) == 2


def test_a_reload_before_the_first_lookup_is_the_first_load(folder, checks):
    registry = make_app(folder).extensions["creators"]
    write(folder, "kit.toml", 'name = "Kit"\n')
    assert registry.refresh() is True
    assert [creator.handle for creator in registry] == ["kit", "leo", "maya"]
    assert len(checks) == 3


def test_load_later_after_a_load_keeps_the_creators(folder, checks):
    registry = make_app(folder).extensions["creators"]
    registry.ready()
    registry.load_later()  # (already loaded: nothing is put off, nothing is dropped)
    assert len(registry) == 2
    assert len(checks) == 2


def test_work_beside_the_first_load_runs_in_another_thread_and_gives_its_answer(folder,
                                                                                 checks):
    registry = make_app(folder).extensions["creators"]
    started = threading.Event()

    def work():
        started.set()
        return threading.current_thread() is not threading.main_thread()

    assert registry.ready_beside(work) is True
    assert started.is_set() and sorted(checks) == ["leo.toml", "maya.toml"]

    def failing():
        raise LookupError("the database said no")

    with pytest.raises(LookupError, match="the database said no"):
        registry.ready_beside(failing)
