"""A ledger command runs with the cyclic garbage collector off, and leaves it as it was."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from storefront.bulk import collector_off

ROOT = Path(__file__).resolve().parents[1]


def test_the_collector_is_off_during_the_command_and_back_after():
    seen = []

    @collector_off
    def command(value):
        seen.append(gc.isenabled())
        return value * 2

    assert gc.isenabled()
    assert command(21) == 42
    assert seen == [False] and gc.isenabled()


def test_it_comes_back_after_a_failure_and_stays_off_if_it_was():
    @collector_off
    def failing():
        raise RuntimeError("no ledger")

    with pytest.raises(RuntimeError):
        failing()
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError):
            failing()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_the_command_leaves_is_frozen_as_the_process_exits():
    # Python collects once more as it shuts down; what the command read is frozen
    # first so that last walk skips it. Seen from a handler that runs after ours.
    script = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "from storefront.bulk import collector_off\n"
        "kept = [[n] for n in range(1000)]\n"
        "collector_off(lambda: print('ran', gc.get_freeze_count()))()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60)
    assert done.stdout.split() == ["ran", "0", "frozen", "True"]
