"""A ledger command runs with the cyclic garbage collector off, and leaves it as it was."""

from __future__ import annotations

import gc

import pytest

from storefront.bulk import collector_off


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
