"""`make hydrogen`: Shopify's Hydrogen skeleton app, unmodified, on the demo shop.

The skeleton is the starter template that ships inside the pinned
`@shopify/cli-hydrogen` package; this script takes it from npm into `.hydrogen/`
(ignored by git) as it ships, installs its dependencies with npm (the lockfile of
the first install is kept, so later installs get the same tree), and runs it:

- the demo shop (`python -m storefront.demo_shop serve`) on a free loopback port,
  handing out image URLs on http://localhost:<port> (`--public-url`): the
  skeleton's development Content-Security-Policy allows http://localhost:* and
  nothing else on this machine;
- a recorder in front of the demo shop's API, which keeps every GraphQL exchange
  with the route being walked (the app's PUBLIC_STORE_DOMAIN points at it);
- the app under `shopify hydrogen dev` (MiniOxygen, codegen off, no version check,
  no analytics), its environment in a .env file of ours outside the app's folder.

`dev` rather than `build` + `preview`: both run offline, but only development's
CSP allows any loopback image origin (production's allows 'self' and Shopify's CDN
only), so `preview` can never show the demo shop's images unless the app's code
changes, and the skeleton must run as it ships.

Then it walks every route a shopper would (bench/hydrogen_walk.py) and reports each
one: status, whether it shows demo data, the GraphQL errors the demo shop returned,
the errors the app logged (bench/hydrogen_report.py). Results go to
bench-results/hydrogen-<time>/ (report.json, app.log, graphql.jsonl and a
screenshot per page); `--screenshots` also writes docs/screenshots/hydrogen-*.png.
Exit status 1 when a route does not work.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

from bench import hydrogen_report as report
from bench import hydrogen_walk as walk
from tests.support.ports import free_port
from tests.support.processes import ROOT, Server, start

CLI_HYDROGEN = "@shopify/cli-hydrogen@13.0.4"  # its starter pins @shopify/hydrogen 2026.4.5
TEMPLATE = "package/dist/assets/hydrogen/starter/"  # where the package keeps the skeleton
TOOLS = ROOT / ".hydrogen"
STARTER = TOOLS / "starter"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
README_SHOTS = ("home", "product", "cart", "article")
READY = re.compile(r"View Hydrogen app: (http://\S+)")
QUIET = {  # no telemetry, no update checks, no prompts
    "SHOPIFY_CLI_NO_ANALYTICS": "1", "CI": "1", "npm_config_update_notifier": "false",
    "npm_config_fund": "false", "npm_config_audit": "false",
}


# The skeleton from npm --------------------------------------------------------


def install() -> Path:
    """The pinned skeleton under .hydrogen/starter, its dependencies installed."""
    stamp, lock = TOOLS / "installed.txt", TOOLS / "package-lock.json"
    if (stamp.exists() and stamp.read_text().strip() == CLI_HYDROGEN
            and (STARTER / "node_modules" / ".bin" / "shopify").exists()):
        return STARTER
    TOOLS.mkdir(exist_ok=True)
    if stamp.exists() and stamp.read_text().strip() != CLI_HYDROGEN:
        lock.unlink(missing_ok=True)  # another version's tree
    print(f"installing the skeleton of {CLI_HYDROGEN} into {TOOLS.relative_to(ROOT)}/ ...",
          flush=True)
    packed = subprocess.run(["npm", "pack", CLI_HYDROGEN, "--pack-destination", str(TOOLS),
                             "--silent"], check=True, capture_output=True, text=True,
                            env=_env()).stdout.split()[-1]
    shutil.rmtree(STARTER, ignore_errors=True)
    unpack(TOOLS / packed, STARTER)
    (TOOLS / packed).unlink()
    if lock.exists():
        shutil.copy(lock, STARTER / "package-lock.json")
    # --loglevel=error: the starter asks for Node 22 or 24 (see versions()), and npm
    # would warn about it once per package.
    subprocess.run(["npm", "ci" if lock.exists() else "install", "--no-audit", "--no-fund",
                    "--loglevel=error"], cwd=STARTER, check=True, env=_env())
    shutil.copy(STARTER / "package-lock.json", lock)
    stamp.write_text(CLI_HYDROGEN + "\n")
    return STARTER


def unpack(tarball: Path, into: Path) -> None:
    """The template's files from the npm package, unchanged, under `into`."""
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith(TEMPLATE)]
        for member in members:
            member.name = member.name.removeprefix(TEMPLATE)
        archive.extractall(into, members=[m for m in members if m.name], filter="data")


def _env() -> dict[str, str]:
    return {**os.environ, **QUIET}


def versions(starter: Path) -> dict[str, str]:
    package = json.loads((starter / "package.json").read_text())

    def installed(name: str) -> str:
        path = starter / "node_modules" / name / "package.json"
        return json.loads(path.read_text())["version"] if path.exists() else "?"

    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cli_hydrogen": CLI_HYDROGEN, "skeleton": package["version"],
            "hydrogen": installed("@shopify/hydrogen"), "shopify_cli": installed("@shopify/cli"),
            "mini_oxygen": installed("@shopify/mini-oxygen"), "vite": installed("vite"),
            "react_router": installed("react-router"), "node": node,
            "node_wanted": package.get("engines", {}).get("node", "")}


# The recorder in front of the demo shop -----------------------------------------


# Not passed through: the connection's own, and what the recorder sets itself.
_HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date")


class Recorder:
    """A loopback HTTP proxy in front of the demo shop that keeps each exchange with
    the route being walked (`route`), so each route gets the errors the shop returned."""

    def __init__(self, upstream: str, log: Path) -> None:
        self.upstream = upstream
        self.route = "(start)"
        self.exchanges: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._log = log.open("a", encoding="utf-8")
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as Shopify answers: the app's runtime reuses connections, and
            # one closed under it fails a request ("Network connection lost").
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                recorder._forward(self)

            do_GET = do_OPTIONS = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        route = self.route
        body = _body(handler)
        headers = {k: v for k, v in handler.headers.items()
                   if k.lower() not in (*_HOP_BY_HOP, "host", "accept-encoding")}
        request = urllib.request.Request(self.upstream + handler.path, data=body or None,
                                         headers=headers, method=handler.command)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, reply, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, reply, kind = error.code, error.read(), error.headers
        handler.send_response(status)
        for name, value in kind.items():  # the shop's own headers (X-Request-Id, ...)
            if name.lower() not in _HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)
        self._keep(route, handler.path, status, body, reply)

    def _keep(self, route: str, path: str, status: int, body: bytes, reply: bytes) -> None:
        asked = _json(body)
        answer = _json(reply)
        query = asked.get("query", "") if isinstance(asked, dict) else ""
        exchange = {
            "route": route, "path": path, "status": status,
            "operation": (asked.get("operationName") if isinstance(asked, dict) else None)
            or operation_name(query),
            "errors": report.reply_errors(answer) or ([] if status < 400 else [f"HTTP {status}"]),
            "user_errors": report.user_errors(answer.get("data") if isinstance(answer, dict)
                                              else None),
            "cart_id": report.cart_id(answer.get("data") if isinstance(answer, dict)
                                      else None),
        }
        with self._lock:
            self.exchanges.append(exchange)
            self._log.write(json.dumps({**exchange, "query": query,
                                        "variables": asked.get("variables")
                                        if isinstance(asked, dict) else None,
                                        "reply": answer}) + "\n")

    def of(self, route: str) -> list[dict[str, Any]]:
        with self._lock:
            return [x for x in self.exchanges if x["route"] == route]

    def stop(self) -> None:
        self._server.shutdown()
        self._log.close()


def _body(handler: BaseHTTPRequestHandler) -> bytes:
    """A request's body, sized or chunked (the app forwards the browser's as a stream)."""
    if "chunked" not in handler.headers.get("Transfer-Encoding", "").lower():
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    chunks = []
    while size := int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16):
        chunks.append(handler.rfile.read(size))
        handler.rfile.readline()  # the CRLF after each chunk
    while handler.rfile.readline().strip():  # trailers, up to the blank line
        pass
    return b"".join(chunks)


def operation_name(query: str) -> str:
    """The first operation's name in a document ("" when unnamed or unreadable)."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return ""
    return next((d.name.value for d in document.definitions
                 if isinstance(d, OperationDefinitionNode) and d.name), "")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


# The processes -------------------------------------------------------------------


def demo_shop(out: Path, token: str) -> tuple[Server, str]:
    """The demo shop on a free port; (server, the origin its URLs use)."""
    port = free_port()
    public = f"http://localhost:{port}"
    server = start([sys.executable, "-m", "storefront.demo_shop", "serve", "--port", str(port),
                    "--token", token, "--cart-db", str(out / "carts.sqlite3"),
                    "--public-url", public])
    return server, public


def hydrogen_dev(starter: Path, env_file: Path) -> tuple[Server, str]:
    """`shopify hydrogen dev` on a free port, once it says where the app is."""
    port = free_port()
    server = start([str(starter / "node_modules" / ".bin" / "shopify"), "hydrogen", "dev",
                    "--path", str(starter), "--port", str(port), "--env-file", str(env_file),
                    "--disable-version-check"],
                   env=QUIET, ready=READY, timeout=300)
    return server, f"http://localhost:{port}"


def app_env(shop_api: str, shop_public: str, token: str) -> str:
    """The skeleton's environment (.env): the recorder as its shop, one token for both
    the public and the private header (the demo shop takes either), a fresh secret."""
    return "\n".join([
        f"PUBLIC_STORE_DOMAIN={shop_api}",
        f"PUBLIC_STOREFRONT_API_TOKEN={token}",
        f"PRIVATE_STOREFRONT_API_TOKEN={token}",
        f"PUBLIC_CHECKOUT_DOMAIN={shop_public.removeprefix('http://')}",
        f"SESSION_SECRET={secrets.token_hex(32)}",
    ]) + "\n"


# The run ---------------------------------------------------------------------------


def run(starter: Path, out: Path, about: dict[str, Any], expect: Any,
        sync_playwright: Any) -> list[report.Route]:
    """The shop, the recorder and the app started, every route walked, all stopped."""
    token = secrets.token_hex(16)  # 32 characters, the length of a real public token
    shop, shop_public = demo_shop(out, token)
    recorder = Recorder(shop.url, out / "graphql.jsonl")
    env_file = out / "hydrogen.env"
    env_file.write_text(app_env(recorder.url, shop_public, token))
    app = None
    try:
        where = walk.Shop(shop.url, shop_public, token)
        demo = walk.discover(where)
        app, base = hydrogen_dev(starter, env_file)
        print(f"demo shop {shop.url} (images on {shop_public}), recorder {recorder.url}, "
              f"app {base}", flush=True)
        about["content_security_policy"] = walk.Shopper(base).policy()
        with sync_playwright() as playwright:
            chromium = walk.Browser.launch(playwright, CHROMIUM, base)
            try:
                routes = walk.walk(base, where, demo, chromium, recorder, app, out, expect)
            finally:
                chromium.browser.close()
        about["notes"] = demo.notes + [f"Chromium refused {len(set(chromium.blocked))} "
                                       f"off-machine URLs: {sorted(set(chromium.blocked))}"]
    finally:
        if app is not None:
            app.stop()
            (out / "app.log").write_text(app.log(), encoding="utf-8")
        recorder.stop()
        shop.stop()
    return routes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make hydrogen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="where the results go "
                        "(default bench-results/hydrogen-<time>)")
    parser.add_argument("--screenshots", action="store_true", help="also write "
                        f"docs/screenshots/hydrogen-{{{','.join(README_SHOTS)}}}.png")
    args = parser.parse_args(argv)
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install nodejs npm", file=sys.stderr)
            return 2
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        print("playwright is missing: make install", file=sys.stderr)
        return 2
    out = args.out or ROOT / "bench-results" / time.strftime("hydrogen-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    starter = install()
    about = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "mode": "shopify hydrogen dev",
             "versions": versions(starter), "git_commit": subprocess.run(
                 ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                 text=True, check=False).stdout.strip()}
    print(f"skeleton {about['versions']['skeleton']}, @shopify/hydrogen "
          f"{about['versions']['hydrogen']}, Node {about['versions']['node']} (the starter "
          f"asks for {about['versions']['node_wanted']})", flush=True)
    routes = run(starter, out, about, expect, sync_playwright)
    result = report.report(routes, about)
    (out / "report.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.screenshots:
        for name in README_SHOTS:
            if (out / f"{name}.png").exists():
                shutil.copy(out / f"{name}.png", SCREENSHOTS / f"hydrogen-{name}.png")
    print("\n".join(["", *report.table(routes), "", *report.summary(routes), *(
        f"- note: {n}" for n in about["notes"])]))
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nreport, app log, GraphQL exchanges and screenshots in {shown}")
    return 0 if all(route.works for route in routes) else 1


if __name__ == "__main__":
    sys.exit(main())
