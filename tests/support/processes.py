"""Start real server processes for tests and wait until they listen.

Readiness comes from the server's own "Listening at" line, not from sleeping.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LISTENING = re.compile(r"Listening at: (http://[\d.]+:\d+)")


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    output: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 30) -> None:
        """Block until `pattern` has appeared `count` times in the output."""
        wanted = re.compile(pattern)

        def seen() -> bool:
            return sum(1 for line in self.output if wanted.search(line)) >= count

        with self.changed:
            if not self.changed.wait_for(seen, timeout):
                raise TimeoutError(f"{pattern!r} x{count} not seen:\n{self.log()}")

    def stop(self) -> None:
        """Stop the process and everything it started (it leads its own session)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self) -> str:
        return "".join(self.output)


def start(
    args: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    ready: re.Pattern | None = None,
) -> Server:
    """Run `args` from the repository root; return once it prints its listening URL.

    A server that prints no URL (redis-server) names its own `ready` line;
    its `url` is then empty.
    """
    process = subprocess.Popen(
        list(args),
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # so stop() reaches children, e.g. gunicorn under make
    )
    output: list[str] = []
    changed = threading.Condition()
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        for line in process.stdout:
            with changed:
                output.append(line)
                changed.notify_all()
            if found.is_set():
                continue  # (a benchmark's access lines: thousands a second, no search)
            match = (ready or LISTENING).search(line)
            if match:
                url.append(match.group(1) if ready is None else "")
                found.set()
        found.set()  # the process ended: stop waiting

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout) or not url:
        process.kill()
        process.wait()
        raise RuntimeError(f"{args[0]} did not start:\n{''.join(output)}")
    return Server(process=process, url=url[0], output=output, changed=changed)


def gunicorn(app: str, *, env: dict[str, str] | None = None, extra: Sequence[str] = ()) -> Server:
    """The storefront (or any WSGI app) under the shipped gunicorn configuration."""
    args = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0", *extra, app]
    return start(args, env=env)


REDIS_READY = re.compile(r"Ready to accept connections")


def redis_server(port: int) -> Server:
    """A private redis-server on `port`, keeping nothing on disk."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    return start(args, ready=REDIS_READY)
