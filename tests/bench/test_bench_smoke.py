"""`python -m bench` end to end, briefly: the reference and one scenario, one second each."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.support.processes import ROOT


@pytest.fixture
def wrk_installed() -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is not installed: apt-get install wrk")
        pytest.skip("wrk is not installed (apt-get install wrk)")


def test_one_scenario_next_to_the_reference(wrk_installed, tmp_path):
    command = [sys.executable, "-m", "bench", "--quick", "--duration", "1",
               "--only", "brand-home", "--out", str(tmp_path)]
    # Every store the run starts keeps its files in the run's own folder: one
    # that took the instance folder it was handed (here instead of the
    # project's instance/) would make this one.
    handed = tmp_path / "instance-handed-to-the-bench"
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=90,
                          env={**os.environ, "INSTANCE_DIR": str(handed)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert not handed.exists()

    [saved] = tmp_path.glob("bench-*.json")
    results = json.loads(saved.read_text())
    [row] = results["scenarios"]
    assert row["name"] == "brand-home"
    assert row["method"] == "wrk" and row["requests"] > 0 and row["rps"] > 0
    assert row["non2xx"] == 0
    assert row["reference"]["rps"] > 0 and row["ratio_to_reference"] > 0
    # Three rounds, each between two runs of the reference: each round's ratio is to
    # the mean of the two around it, and the scenario's is the median round's.
    references, rounds = row["reference"]["runs"], row["runs"]
    assert len(references) == 4 and len(rounds) == 3
    assert row["ratios"] == [
        run / ((before + after) / 2)
        for run, before, after in zip(rounds, references, references[1:], strict=False)
    ]
    assert row["ratio_to_reference"] == sorted(row["ratios"])[1]
    assert row["requests"] > 0 and abs(row["rps"] - row["requests"] / row["duration_s"]) < 1
    assert "reference: bare Flask (wrk, 16 connections, 4 runs:" in (
        tmp_path / "latest.md").read_text()
    assert row["sf_per_view"] is not None  # the demo shop's counter answered
    assert results["machine"]["gunicorn"]["worker_class"] == "gthread"
    assert "brand-home" in (tmp_path / "latest.md").read_text()
    assert "| brand-home" in done.stdout


def test_a_missing_wrk_is_named_with_its_package(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no wrk on this PATH
    done = subprocess.run([sys.executable, "-m", "bench", "--out", str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "apt-get install wrk" in done.stderr
