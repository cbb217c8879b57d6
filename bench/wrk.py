"""Running wrk with bench/pages.lua and reading the JSON its `done()` prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.measurement import Measurement, Target

SCRIPT = Path(__file__).with_name("pages.lua")
THREADS = 2
CONNECTIONS = 16
# As long as gunicorn's worker timeout: wrk leaves requests slower than its
# timeout out of the latency figures, which would flatter p99.
TIMEOUT = "30s"
MARKER = "BENCH_JSON "


class WrkMissing(RuntimeError):
    pass


def executable() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise WrkMissing(
            "wrk is not installed; the benchmark needs it: apt-get install wrk "
            "(Debian/Ubuntu), then run `make bench` again."
        )
    return found


def version() -> str:
    # `wrk -v` prints its version line, then the usage, and exits 1.
    done = subprocess.run([executable(), "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).splitlines()[0]
    return first.split(" [")[0].strip()  # "wrk debian/4.1.0-3+b2", without the copyright


def write_targets(path: Path, targets: Sequence[Target]) -> Path:
    """The file bench/pages.lua reads: one "path<TAB>cookie" line per target."""
    for target in targets:
        if any(c in target.path + target.cookie for c in "\t\r\n"):
            raise ValueError(f"a target cannot hold tabs or line breaks: {target}")
    path.write_text("".join(f"{t.path}\t{t.cookie}\n" for t in targets), encoding="utf-8")
    return path


def run(base_url: str, targets: Sequence[Target], duration_s: float,
        connections: int = CONNECTIONS) -> tuple[Measurement, str]:
    """Load `base_url` with wrk for `duration_s` over `connections`, cycling through `targets`.

    Returns the measurement and wrk's own text output.
    """
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        targets_file = write_targets(Path(folder) / "targets.tsv", targets)
        command = [
            executable(),
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{max(1, round(duration_s))}s",
            "--latency",
            "--timeout", TIMEOUT,
            "-s", str(SCRIPT),
            base_url,
            "--", str(targets_file), str(THREADS),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    report = json.loads(lines[-1][len(MARKER):])
    latency = report["latency_us"]
    measurement = Measurement(
        method="wrk",
        requests=report["requests"],
        duration_s=report["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        non2xx=report["non2xx"],
        errors={k: v for k, v in report["errors"].items() if k != "status"},
    )
    text = "\n".join(line for line in done.stdout.splitlines() if not line.startswith(MARKER))
    return measurement, text
