"""`python -m bench.slowloris`: slow clients against gunicorn alone, then behind nginx.

The storefront runs under the shipped gunicorn.conf.py on the embedded demo
shop. 16 connections each send a request line, then one header line every
5 s, never finishing their headers (a client on a bad phone line, or a
slowloris attack). Meanwhile `/healthz` and a cached page (the brand's home)
are probed 15 times each, one probe of each per second, each on a new
connection. Reported: how many probes took over 3 s, the median and the
slowest.

Then the same again with nginx in front, run from deploy/nginx.conf itself
(the upstream address and the listen lines replaced, HTTP only, no
certificates): nginx reads whole requests before gunicorn sees them, so the
slow connections never reach a gunicorn thread. Without nginx installed
(`apt-get install nginx`), only the first case is measured.

Everything is on loopback; a run takes about a minute.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import servers
from tests.support.ports import free_port
from tests.support.processes import ROOT, Server, start

TEMPLATE = ROOT / "deploy" / "nginx.conf"
CONNECTIONS = 16
DRIP_S = 5.0
PROBES = 15
PROBE_EVERY_S = 1.0
PROBE_TIMEOUT_S = 10.0
SLOW_S = 3.0  # slower than this, a load balancer's health check counts as failed
CACHED_PAGE = "/"


# nginx, run from the shipped configuration ---------------------------------


def nginx_binary() -> str | None:
    """nginx's path: Debian puts it in /usr/sbin, which a user's PATH often lacks."""
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


def _replace(text: str, pattern: str, new: str | None) -> str:
    """Replace the one line matching `pattern` (None: remove it); there must be exactly one."""
    def line(match: re.Match) -> str:
        return "" if new is None else f"{match[1]}{new}\n"

    text, count = re.subn(rf"(?m)^([ \t]*){pattern}[ \t]*\n", line, text)
    if count != 1:
        raise ValueError(f"{TEMPLATE.name}: expected one line matching {pattern!r}, found {count}")
    return text


def site_config(
    template: str,
    *,
    upstream: str,
    http_port: int,
    https_port: int,
    certificate: tuple[Path, Path] | None = None,
) -> str:
    """deploy/nginx.conf with loopback addresses, for a test or a measurement.

    The upstream becomes `upstream` (host:port), the redirect server listens on
    127.0.0.1:`http_port` and the store's server on 127.0.0.1:`https_port`,
    IPv4 only. With `certificate` (certificate file, key file) that server
    keeps TLS; without, it speaks plain HTTP and every `ssl_` line goes.
    """
    text = _replace(template, r"server 127\.0\.0\.1:8000;", f"server {upstream};")
    text = _replace(text, r"listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _replace(text, r"listen \[::\]:80;", None)
    text = _replace(text, r"listen \[::\]:443 ssl http2;", None)
    if certificate is None:
        text = _replace(text, r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port};")
        text, count = re.subn(r"(?m)^[ \t]*ssl_\w+ [^\n]*;[ \t]*\n", "", text)
        if count == 0:
            raise ValueError(f"{TEMPLATE.name}: no ssl_ lines in the HTTPS server")
    else:
        cert, key = certificate
        text = _replace(text, r"listen 443 ssl http2;",
                        f"listen 127.0.0.1:{https_port} ssl http2;")
        text = _replace(text, r"ssl_certificate +/\S+;", f"ssl_certificate {cert};")
        text = _replace(text, r"ssl_certificate_key +/\S+;", f"ssl_certificate_key {key};")
    return text


def main_config(folder: Path, site: Path) -> str:
    """An nginx.conf for `nginx -p folder -c ...`: everything it writes stays in `folder`.

    It stands in for Debian's /etc/nginx/nginx.conf, which includes the site
    file inside its http {} block the same way.
    """
    # Started by root, nginx's workers would run as nobody, who can't enter a
    # private temporary folder (mkdtemp's, pytest's) to buffer bodies in.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}"
        "daemon off;\n"
        "worker_processes auto;\n"
        f"pid {folder}/nginx.pid;\n"
        "error_log stderr notice;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log off;\n"
        "    default_type application/octet-stream;\n"
        f"    client_body_temp_path {folder}/body;\n"
        f"    proxy_temp_path {folder}/proxy;\n"
        f"    fastcgi_temp_path {folder}/fastcgi;\n"
        f"    uwsgi_temp_path {folder}/uwsgi;\n"
        f"    scgi_temp_path {folder}/scgi;\n"
        f"    include {site};\n"
        "}\n"
    )


def write_config(folder: Path, site: str) -> Path:
    """Write the site and the main configuration into `folder`; the main one's path."""
    (folder / "storefront.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(main_config(folder, folder / "storefront.conf"))
    return main


# The master logs this at "notice" once its listening sockets are open.
NGINX_READY = re.compile(r"start worker process")


def start_nginx(binary: str, folder: Path, config: Path) -> Server:
    """nginx in the foreground (a child process), once it listens."""
    return start([binary, "-p", f"{folder}/", "-e", "stderr", "-c", str(config)],
                 ready=NGINX_READY)


def nginx_version(binary: str) -> str:
    done = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)
    return (done.stderr or done.stdout).strip().removeprefix("nginx version: ")


# Slow clients and probes ----------------------------------------------------


class SlowClients:
    """`count` connections that each send a request line, then a header line every `drip_s`.

    A connection the server closes (nginx's client_header_timeout) is opened
    again, as an attacker would; `cut` counts those.
    """

    def __init__(self, host: str, port: int, count: int, drip_s: float) -> None:
        self.address = (host, port)
        self.count, self.drip_s = count, drip_s
        self.cut = 0
        self._stop = threading.Event()
        self._sockets: list[socket.socket | None] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=5)
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {self.address[0]}\r\n".encode())
        return sock

    def _closed_by_server(self, sock: socket.socket) -> bool:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        try:
            sock.recv(4096)  # an answer (408) or the end: either way it is over
        except OSError:
            pass
        return True

    def _run(self) -> None:
        line = 0
        while not self._stop.wait(self.drip_s):
            line += 1
            for index, sock in enumerate(self._sockets):
                try:
                    if sock is None or self._closed_by_server(sock):
                        raise ConnectionResetError
                    sock.sendall(f"X-Slow-{line}: {'x' * 20}\r\n".encode())
                except OSError:
                    if sock is not None:
                        sock.close()
                        self.cut += 1
                    try:
                        self._sockets[index] = self._open()
                    except OSError:
                        self._sockets[index] = None  # tried again at the next line

    def __enter__(self) -> SlowClients:
        self._sockets = [self._open() for _ in range(self.count)]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self._sockets:
            if sock is not None:
                sock.close()


@dataclass
class Probe:
    path: str
    seconds: float
    status: int  # 0: no answer within PROBE_TIMEOUT_S, or the connection failed


def probe(base_url: str, path: str) -> Probe:
    """One GET on a new connection, as a load balancer's health check makes it."""
    address = urlsplit(base_url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(address.hostname, address.port,
                                            timeout=PROBE_TIMEOUT_S)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return Probe(path, time.perf_counter() - started, status)


@dataclass
class Result:
    front: str
    probes: dict[str, list[Probe]] = field(default_factory=dict)
    cut: int = 0

    def row(self, path: str) -> str:
        probes = self.probes[path]
        # A probe with no answer counts as slower than every answered one.
        seconds = [p.seconds if p.status else float("inf") for p in probes]
        slow = sum(1 for value in seconds if value > SLOW_S)
        failed = sum(1 for p in probes if p.status != 200)
        return (f"| {self.front} | `{path}` | {slow} of {len(probes)} | "
                f"{_seconds(statistics.median(seconds))} | {_seconds(max(seconds))} | "
                f"{failed} |")


def _seconds(value: float) -> str:
    return f"> {PROBE_TIMEOUT_S:g} (no answer)" if value == float("inf") else f"{value:.3f}"


def measure(front: str, url: str, connections: int, drip_s: float, probes: int) -> Result:
    """Probe `url` once a second while `connections` slow clients hold on to it."""
    probe(url, CACHED_PAGE)  # the page is cached before the measurement starts
    address = urlsplit(url)
    result = Result(front)
    with SlowClients(address.hostname, address.port, connections, drip_s) as slow:
        time.sleep(1.0)  # the slow connections are accepted and have sent their first line
        with ThreadPoolExecutor(max_workers=2 * probes) as pool:
            started = time.monotonic()
            futures: dict[str, list] = {"/healthz": [], CACHED_PAGE: []}
            for index in range(probes):
                time.sleep(max(0.0, started + index * PROBE_EVERY_S - time.monotonic()))
                for path, pending in futures.items():
                    pending.append(pool.submit(probe, url, path))
            result.probes = {path: [f.result() for f in pending]
                             for path, pending in futures.items()}
        result.cut = slow.cut
    return result


# The run ----------------------------------------------------------------------


def storefront(folder: Path, name: str) -> Server:
    """The storefront under the shipped gunicorn.conf.py, on the embedded demo shop."""
    return servers.gunicorn("wsgi:app", {
        "FUNNELS_URL": "off",
        "CACHE_DIR": str(folder / f"cache-{name}"),
        "INSTANCE_DIR": str(folder / f"instance-{name}"),
    })


def run(connections: int, drip_s: float, probes: int) -> tuple[list[Result], list[str]]:
    notes: list[str] = []
    results: list[Result] = []
    binary = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="bench-slowloris-") as name:
        folder = Path(name)
        settings = servers.gunicorn_settings({})
        notes.append("gunicorn " + ", ".join(
            f"{key}={settings[key]}" for key in ("worker_class", "workers", "threads",
                                                  "keepalive", "timeout")))

        gunicorn = storefront(folder, "direct")
        try:
            results.append(measure("nothing (gunicorn)", gunicorn.url, connections, drip_s,
                                   probes))
        finally:
            gunicorn.stop()

        if binary is None:
            notes.append("nginx is not installed (apt-get install nginx): "
                         "measured gunicorn alone only")
            return results, notes
        notes.append(f"{nginx_version(binary)} from deploy/nginx.conf (HTTP only)")
        gunicorn = storefront(folder, "nginx")
        try:
            nginx_folder = folder / "nginx"
            nginx_folder.mkdir()
            https_port, http_port = free_port(), free_port()
            site = site_config(TEMPLATE.read_text(), upstream=urlsplit(gunicorn.url).netloc,
                               http_port=http_port, https_port=https_port)
            nginx = start_nginx(binary, nginx_folder, write_config(nginx_folder, site))
            try:
                results.append(measure("nginx", f"http://127.0.0.1:{https_port}", connections,
                                       drip_s, probes))
            finally:
                nginx.stop()
        finally:
            gunicorn.stop()
    return results, notes


def report(results: list[Result], notes: list[str], connections: int, drip_s: float,
           probes: int) -> list[str]:
    lines = [
        f"Slow clients: {connections} connections each sending one header line every "
        f"{drip_s:g} s; meanwhile {probes} probes each of `/healthz` and of a cached page "
        f"(`{CACHED_PAGE}`), one per second, each on a new connection, "
        f"{PROBE_TIMEOUT_S:g} s timeout.",
        "; ".join(notes),
        "",
        f"| in front of gunicorn | probe | over {SLOW_S:g} s | p50 s | max s | not 200 |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        lines += [result.row(path) for path in result.probes]
    lines.append("")
    for result in results:
        lines.append(f"- {result.front}: slow connections closed by the server and opened "
                     f"again: {result.cut}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slowloris", description=__doc__
                                     .split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--drip", type=float, default=DRIP_S,
                        help="seconds between two header lines of a slow connection")
    parser.add_argument("--probes", type=int, default=PROBES)
    args = parser.parse_args(argv)
    if os.environ.get("SHOPIFY_STORE_DOMAIN"):
        sys.exit("bench.slowloris runs on the embedded demo shop: unset SHOPIFY_STORE_DOMAIN")
    results, notes = run(args.connections, args.drip, args.probes)
    print("\n".join(report(results, notes, args.connections, args.drip, args.probes)))


if __name__ == "__main__":
    main()
