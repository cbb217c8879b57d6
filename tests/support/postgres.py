"""A throwaway PostgreSQL server for a test session, and a fresh database per test.

The server is Debian's (`apt-get install postgresql`: the binaries are under
/usr/lib/postgresql/<version>/bin, not on PATH), run from a temporary folder
that goes when it stops: initdb, then `pg_ctl start`, listening on 127.0.0.1
(a free port) and on a socket in that folder. For tests, durability is off
(fsync, synchronous_commit, full_page_writes): a crash loses only test data,
and every commit is much faster. Benchmarks ask for a durable server
(`start(durable=True)`: PostgreSQL's defaults), as a shop runs it.

PostgreSQL refuses to run as root, and CI runs as root: then initdb and the
server run as the `postgres` system user that Debian's package creates, and
the folder is theirs. Everything connects as the superuser `postgres`, with
no password (trust, on loopback only).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port

SUPERUSER = "postgres"
SETTINGS = {
    # Every test's app keeps a small pool, and a test may start several.
    "max_connections": "200",
}
NOT_DURABLE = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class Missing(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def binaries() -> Path:
    """The folder of initdb, pg_ctl and postgres: Debian's newest, else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit()
                   else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise Missing("PostgreSQL is not installed (apt-get install postgresql)")


@dataclass
class Server:
    """A running server; `url(name)` connects to its database `name` as the superuser."""

    folder: Path
    port: int
    bin: Path
    user: str | None  # the system user it runs as, when that is not us (we are root)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    def url(self, name: str = "postgres") -> str:
        """The database `name`, written the way a user writes DATABASE_URL."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([str(self.bin / args[0]), *args[1:]], user=self.user,
                              group=self._group(), extra_groups=[] if self.user else None,
                              cwd=self.folder, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}{log}")

    def _group(self) -> int | None:
        return pwd.getpwnam(self.user).pw_gid if self.user else None

    def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                             dbname="postgres", autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)

    def create_database(self) -> str:
        """A new empty database; its name."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: an app's pool may still hold connections to it.
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w",
                         "-t", "60")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start(durable: bool = False) -> Server:
    """initdb into a new temporary folder and start a server there; stop() removes it.
    `durable`: every commit flushed to disk, as PostgreSQL does by default (benchmarks).

    Raises Missing when PostgreSQL is not installed.
    """
    settings = SETTINGS if durable else {**NOT_DURABLE, **SETTINGS}
    bin_dir = binaries()
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise Missing("running as root, and there is no `postgres` user to run the "
                          "server as (Debian's postgresql package creates it)") from None
        user = "postgres"
    # Not pytest's tmp_path: its parents are private to us, and the server's
    # user must reach this folder.
    folder = Path(tempfile.mkdtemp(prefix="storefront-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = Server(folder=folder, port=free_port(), bin=bin_dir, user=user)
    try:
        server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync")
        options = " ".join([f"-c listen_addresses=127.0.0.1 -p {server.port}",
                            f"-c unix_socket_directories={folder}",
                            *(f"-c {name}={value}" for name, value in settings.items())])
        server.run("pg_ctl", "start", "-D", str(server.data), "-l", str(server.log_file),
                   "-o", options, "-w", "-t", "60")
    except BaseException:
        server.stop()
        raise
    return server
