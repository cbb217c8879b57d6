"""The processes of a run: the demo shop over HTTP, a private Redis, gunicorn apps.

Servers start through the test suite's helpers (tests/support), which wait for
the server's own "Listening at" line rather than sleeping.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.ports import free_port
from tests.support.processes import BIN, ROOT, Server, start

CONFIG = "gunicorn.conf.py"  # the shipped configuration, unchanged
SETTINGS_SHOWN = (
    "workers", "worker_class", "threads", "timeout", "keepalive", "max_requests",
    "max_requests_jitter", "backlog", "preload_app", "accesslog",
)


def demo_shop(folder: Path, token: str, latency_ms: int) -> Server:
    """The demo shop as its own HTTP server, every API request delayed by `latency_ms`."""
    return start([
        sys.executable, "-m", "storefront.demo_shop", "serve",
        "--port", "0",
        "--latency-ms", str(latency_ms),
        "--token", token,
        "--cart-db", str(folder / "carts.sqlite3"),
        # Shopify is not the bottleneck of a shop with 16 shoppers at once; the
        # default 16 threads would cap it at 160 requests/s with 100 ms latency.
        "--threads", "64",
    ])


def gunicorn(app: str, env: dict[str, str], ready_path: str = "/healthz") -> Server:
    """`gunicorn -c gunicorn.conf.py <app>` on a free loopback port, once it answers."""
    server = start(
        [str(BIN / "gunicorn"), "-c", CONFIG, app],
        # (No background code checks: their carts would count as the pages' requests.)
        env={"CREATORS_SHOP_CHECK_HOURS": "0", **env, "BIND": f"127.0.0.1:{free_port()}"},
    )
    try:
        wait_until_answering(server.url + ready_path)
    except TimeoutError:
        server.stop()
        raise RuntimeError(f"{app} did not answer {ready_path}:\n{server.log()[-4000:]}") from None
    return server


def wait_until_answering(url: str, timeout_s: float = 120) -> None:
    """Workers load the app after the master listens (10,000 creator files take a while)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def gunicorn_settings(env: dict[str, str]) -> dict[str, str]:
    """The settings gunicorn resolves from gunicorn.conf.py under `env` (--print-config).

    (gunicorn loads the app to print them: the reference app, which writes
    nothing, rather than the store, which would make an instance/ folder here.)"""
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", CONFIG, "--print-config", "bench.reference_app:app"],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )
    settings = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in done.stdout.splitlines())
    )
    return {name: settings.get(name, "?") for name in SETTINGS_SHOWN}


def restarted_workers(server: Server, since: int) -> int:
    """Workers gunicorn (re)booted after output line `since` (max_requests recycles them)."""
    return sum(1 for line in server.output[since:] if "Booting worker with pid" in line)


def trim_output(server: Server, keep: int = 200) -> None:
    """Access log lines pile up in memory: keep only the last few for error reports."""
    with server.changed:
        del server.output[:-keep]


# Memory -----------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # the process ended meanwhile (a recycled worker)
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def memory(server: Server) -> dict[str, int]:
    """Resident memory (kB) of gunicorn's master and each worker, and their sums.

    `total_kb` adds up RSS, which counts a page shared by several processes (the
    code and data the workers inherit from the master) once in each of them;
    `total_pss_kb` adds up PSS, which splits each shared page between the
    processes sharing it: what the server takes from the machine.
    """
    master = server.process.pid
    children = _children(master)
    workers = [_rss_kb(pid) for pid in children]
    master_kb = _rss_kb(master)
    return {"master_kb": master_kb, "workers_kb": workers, "total_kb": master_kb + sum(workers),
            "total_pss_kb": sum(_pss_kb(pid) for pid in [master, *children])}


def _pss_kb(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(server: Server) -> float:
    """CPU time used so far by a server's process tree (the master and its workers).

    A worker that exited (recycled after max_requests) has its time added to
    the master's children times (cutime, cstime) once reaped, so none is lost.
    """
    ticks = os.sysconf("SC_CLK_TCK")

    def times(pid: int, with_children: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        # After the command: utime, stime, cutime, cstime are fields 12-15 (0-based 11-14).
        used = int(fields[11]) + int(fields[12])
        if with_children:
            used += int(fields[13]) + int(fields[14])
        return used / ticks

    master = server.process.pid
    return times(master, True) + sum(times(pid, False) for pid in _children(master))


# The demo shop's request counter (storefront/demo_shop/web.py) -----------


def graphql_stats(shop_url: str) -> dict:
    with urllib.request.urlopen(f"{shop_url}/_stats", timeout=10) as response:
        return json.load(response)


def reset_graphql_stats(shop_url: str) -> None:
    request = urllib.request.Request(f"{shop_url}/_stats/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


# A private Redis ----------------------------------------------------------


class Redis:
    """`redis-server` on a free port, with nothing saved to disk; stopped by `stop()`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while self._command("PING") != "+PONG":
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.1)

    def _command(self, name: str) -> str | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                sock.sendall(f"*1\r\n${len(name)}\r\n{name}\r\n".encode())
                return sock.recv(64).decode().strip()
        except OSError:
            return None

    def flush(self) -> None:
        """Empty the cache, so each storefront start begins cold like with SimpleCache."""
        if self._command("FLUSHALL") != "+OK":
            raise RuntimeError("redis FLUSHALL failed")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
