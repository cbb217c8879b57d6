"""`python -m bench.orders` (`make bench-orders`): the orders ledger at scale (issue 16).

On SQLite (the default) and on PostgreSQL (a throwaway server, started the way
the tests start theirs, tests/support/postgres.py, but durable: every commit
flushed to disk, as a shop runs it):

1. Ingest: the store under the shipped gunicorn.conf.py, SHOPIFY_WEBHOOK_SECRET
   set, a fresh INSTANCE_DIR and database, 10,000 creator files. wrk sends
   distinct signed orders/create, orders/paid and refunds/create deliveries
   (bench/deliveries.py) over 16 connections for --duration seconds, after an
   untimed warm-up. Reported: deliveries/s, p50/p99, the store's CPU per
   delivery (master and workers, from /proc), and the ratio to the bare Flask
   reference (bench/reference_app.py under the same gunicorn.conf.py, measured
   by wrk right before). Then the ledger is read back: every delivery stored
   once and applied, or the run fails.
2. Report and payouts over 1,000,000 orders of 10,000 creators (bench/ledger_data.py,
   bulk-written, the same rows into both databases): the wall time of
   `flask orders report --period P --format json`, `flask creators payouts
   --period P --format csv` (read only; with --mark-paid, also recording the
   batch, on a copy of the database), `flask creators report --since 30d`
   (whose revenue columns read the ledger), and of the store's start-up alone
   (`flask orders --help`), beside the functions timed inside one process
   (bench/ledger_timing.py), so the start-up is told apart from the work.

Targets (the issue): at least 500 deliveries/s; 3 s or less for the report.
Results: bench-results/orders-<time>.json and bench-results/orders-latest.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import resource
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench import creators, deliveries, ledger_data, servers, wrk
from bench.measurement import Target
from tests.support import postgres
from tests.support.processes import BIN, ROOT, Server

BACKENDS = ("sqlite", "postgresql")
TARGET_DELIVERIES_PER_S = 500
TARGET_REPORT_S = 3.0
WARM_DELIVERIES = 200  # untimed, over 16 connections: every worker makes its ledger
IDLE_CPU_SHARE = 0.5  # a store using less than half a core has finished booting


@dataclass
class Options:
    duration_s: float = 10
    orders: int = 1_000_000
    creators: int = 10_000
    backends: tuple[str, ...] = BACKENDS
    max_rate: int = 2_000  # deliveries/s the prepared list lasts for
    out: Path = ROOT / "bench-results"
    parts: tuple[str, ...] = ("ingest", "ledger")
    mark_paid: bool = False


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.orders",
        description="The orders ledger at scale: signed webhook deliveries per second, and "
        "the report and payouts over a million orders, on SQLite and PostgreSQL.")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each wrk run")
    parser.add_argument("--quick", action="store_true",
                        help="3 s runs and 100,000 orders (a smoke run, not the figures)")
    parser.add_argument("--orders", type=int, help="orders in the ledger (default 1,000,000)")
    parser.add_argument("--creators", type=int, default=10_000, help="creator files")
    parser.add_argument("--only", choices=BACKENDS, help="one database only")
    parser.add_argument("--part", choices=("ingest", "ledger"), help="one measurement only")
    parser.add_argument("--max-rate", type=int, default=2_000,
                        help="deliveries/s the prepared deliveries must last for")
    parser.add_argument("--mark-paid", action="store_true",
                        help="also time `creators payouts --mark-paid` on a copy of each "
                        "ledger (about a minute more)")
    parser.add_argument("--out", type=Path, default=Options.out)
    args = parser.parse_args(argv)
    return Options(
        duration_s=3 if args.quick else args.duration,
        orders=args.orders or (100_000 if args.quick else 1_000_000),
        creators=args.creators,
        backends=(args.only,) if args.only else BACKENDS,
        max_rate=args.max_rate, out=args.out,
        parts=(args.part,) if args.part else ("ingest", "ledger"),
        mark_paid=args.mark_paid,
    )


class Databases:
    """A fresh database per use: a SQLite file in the run's folder, or one on the
    run's PostgreSQL server (started on first use)."""

    def __init__(self, folder: Path, stack: contextlib.ExitStack) -> None:
        self.folder = folder
        self._stack = stack
        self.server: postgres.Server | None = None

    def fresh(self, backend: str, name: str) -> str:
        """A DATABASE_URL, as users write it."""
        if backend == "sqlite":
            return f"sqlite:///{self.folder / f'{name}.sqlite3'}"
        if self.server is None:
            self.server = postgres.start(durable=True)  # (as a shop runs it; tests don't)
            self._stack.callback(self.server.stop)
        self.server.execute(f'CREATE DATABASE "{name}"')
        return self.server.url(name)

    def copy(self, backend: str, url: str, name: str) -> str:
        if backend == "sqlite":
            target = self.folder / f"{name}.sqlite3"
            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as source, \
                    contextlib.closing(sqlite3.connect(target)) as copy:
                source.backup(copy)
            return f"sqlite:///{target}"
        assert self.server is not None
        self.server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return self.server.url(name)

    def version(self) -> str | None:
        return None if self.server is None else self.server.bin.parts[-2]

    def cpu_seconds(self, backend: str) -> float | None:
        """CPU used so far by the PostgreSQL server (postmaster and backends); None for
        SQLite, whose work is done inside the store's workers."""
        if backend == "sqlite" or self.server is None:
            return None
        pid = int((self.server.data / "postmaster.pid").read_text().split()[0])
        return servers.cpu_seconds(SimpleNamespace(process=SimpleNamespace(pid=pid)))


# -- 1. ingest ---------------------------------------------------------------------------


def wait_until_idle(server: Server, timeout_s: float = 120) -> None:
    """Until the store stops using most of a core: its workers have booted (each loads the
    creator files after the master answers). A quiet spell of half a second, polled."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = servers.cpu_seconds(server)
        time.sleep(0.5)
        if servers.cpu_seconds(server) - before < 0.5 * IDLE_CPU_SHARE:
            return
    raise TimeoutError("the store kept busy: its workers did not finish booting")


def body_bytes(sent: list[deliveries.Sent]) -> float:
    return sum(len(d.line.split(b"\t", 4)[4]) for d in sent) / len(sent)


def ingest(backend: str, url: str, run: Run) -> dict[str, Any]:
    instance = run.folder / f"instance-ingest-{backend}"
    env = {
        "SHOPIFY_WEBHOOK_SECRET": deliveries.SECRET,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "INSTANCE_DIR": str(instance),
        "DATABASE_URL": url,
        "CREATORS_DIR": str(run.creators_dir),
        "CACHE_DIR": str(run.folder / f"cache-ingest-{backend}"),
    }
    needed = int(run.options.max_rate * run.options.duration_s) + WARM_DELIVERIES
    orders = -(-needed * 4 // 9)  # 2.25 deliveries an order
    sent, expected = deliveries.make(orders, run.handles, 9_000_000_000 + len(run.ingested) * 10**7)
    warm, measured = sent[:WARM_DELIVERIES], sent[WARM_DELIVERIES:]
    print(f"ingest, {backend}: {len(sent):,} deliveries prepared "
          f"(bodies of {body_bytes(sent) / 1024:.1f} KB on average)",
          flush=True)
    # The cache file made before the workers start: four workers booting at once on
    # a fresh CACHE_DIR can fail on "database is locked" setting it up (a worker
    # that fails to boot stops gunicorn). Order webhooks do not use the cache.
    from storefront.caching.sqlite import SQLiteCache

    SQLiteCache(env["CACHE_DIR"])
    server = servers.gunicorn("wsgi:app", env)
    try:
        wait_until_idle(server)
        statuses = deliveries.post_all(server.url, warm)
        if any(not 200 <= status < 300 for status in statuses):
            raise RuntimeError(f"warm-up deliveries answered {sorted(set(statuses))}:\n"
                               f"{server.log()[-3000:]}")
        reference = run.reference_measurement()
        cpu, database_cpu = servers.cpu_seconds(server), run.databases.cpu_seconds(backend)
        measured_run = deliveries.run(server.url, measured, run.options.duration_s)
        cpu = servers.cpu_seconds(server) - cpu
        if database_cpu is not None:
            database_cpu = run.databases.cpu_seconds(backend) - database_cpu
        memory = servers.memory(server)
    finally:
        server.stop()  # gracefully: what was in flight when wrk stopped is stored too
    from storefront.orders import db

    engine = db.make_engine(db.database_url(url, str(instance)))
    try:
        answered = len(warm) + measured_run.requests - measured_run.non2xx
        checked = deliveries.check(engine, sent, expected, answered)
    finally:
        engine.dispose()
    done = measured_run.requests or None
    row = {
        "backend": backend,
        **measured_run.as_dict(),
        "deliveries_per_s": round(measured_run.rps, 1),
        "cpu_ms_per_delivery": round(cpu * 1000 / done, 2) if done else None,
        "database_cpu_ms_per_delivery": round(database_cpu * 1000 / done, 2)
        if done and database_cpu is not None else None,
        "mean_body_bytes": round(body_bytes(sent)),
        "reference": reference,
        "ratio_to_reference": round(measured_run.rps / reference["rps"], 3)
        if reference["rps"] else None,
        "memory": memory,
        "check": checked,
    }
    print(f"  reference: {reference['rps']:,.0f} req/s, p50 {reference['p50_ms']:.1f} ms, "
          f"CPU ms/request {reference['cpu_ms_per_request']}\n"
          f"  {backend}: {row['deliveries_per_s']:,.0f} deliveries/s, p50 "
          f"{row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, non-2xx {row['non2xx']}, "
          f"CPU ms/delivery {row['cpu_ms_per_delivery']} (database "
          f"{row['database_cpu_ms_per_delivery'] or 'in the workers'}); stored "
          f"{checked['stored']:,} "
          f"(2xx {checked['answered_2xx']:,}), {checked['orders']:,} orders, "
          f"{checked['refunds']:,} refunds; problems: {checked['problems'] or 'none'}",
          flush=True)
    return row


# -- 2. report and payouts over a large ledger -------------------------------------------


def _command(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `flask --app wsgi ARGS`: its wall time, CPU time and output (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"command": "flask " + " ".join(args), "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3), "stdout": done.stdout, "stderr": done.stderr}


def _csv_rows(text: str) -> tuple[list[str], int]:
    rows = list(csv.reader(io.StringIO(text)))
    return (rows[0], len(rows) - 1) if rows else ([], 0)


def build_ledgers(run: Run) -> tuple[ledger_data.Shape, dict[str, str], ledger_data.Built]:
    """The large ledger, made once and written to a fresh database of each backend."""
    shape = ledger_data.Shape(now=datetime.now(UTC).replace(tzinfo=None),
                              orders=run.options.orders, creators=run.options.creators)
    urls = {backend: run.databases.fresh(backend, f"ledger_{backend}")
            for backend in run.options.backends}
    print(f"ledger: {shape.orders:,} orders of {shape.creators:,} creators over "
          f"{shape.months} months and this one, into {', '.join(urls)}; period "
          f"{shape.period}", flush=True)
    built = ledger_data.build(list(urls.values()), shape)
    print(f"  written in {built.seconds:.0f} s: {built.credited:,} credited, "
          f"{built.cancelled:,} cancelled, {built.refunds:,} refunds, {built.batches} months "
          f"paid ({built.items:,} items, {built.clawbacks:,} clawbacks)", flush=True)
    return shape, urls, built


def ledger(backend: str, url: str, shape: ledger_data.Shape, run: Run) -> dict[str, Any]:
    print(f"ledger, {backend}:", flush=True)
    env = {**os.environ, "DATABASE_URL": url, "CREATORS_DIR": str(run.creators_dir),
           "INSTANCE_DIR": str(run.folder / f"instance-ledger-{backend}"),
           "SECRET_KEY": secrets.token_urlsafe(32), "LOG_LEVEL": "WARNING"}
    period = shape.period
    timing = subprocess.run([sys.executable, "-m", "bench.ledger_timing", period], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    if timing.returncode != 0:
        raise RuntimeError(f"bench.ledger_timing failed:\n{timing.stderr[-3000:]}")
    in_process = json.loads(timing.stdout.strip().splitlines()[-1])
    commands: dict[str, dict[str, Any]] = {}
    commands["start-up"] = _command(["orders", "--help"], env)
    commands["orders report"] = _command(
        ["orders", "report", "--period", period, "--format", "json"], env)
    commands["orders report"]["rows"] = len(
        json.loads(commands["orders report"]["stdout"])["creators"])
    commands["creators payouts"] = _command(
        ["creators", "payouts", "--period", period, "--format", "csv"], env)
    commands["creators payouts"]["rows"] = _csv_rows(commands["creators payouts"]["stdout"])[1]
    report = _command(["creators", "report", "--since", "30d", "--format", "csv"], env)
    header, count = _csv_rows(report["stdout"])
    report["rows"] = count
    report["revenue_columns"] = "net_sales" in header
    commands["creators report --since 30d"] = report
    if run.options.mark_paid:
        copy = run.databases.copy(backend, url, f"ledger_{backend}_paid")
        paid = _command(["creators", "payouts", "--period", period, "--mark-paid", "--format",
                         "csv"], {**env, "DATABASE_URL": copy})
        paid["rows"] = _csv_rows(paid["stdout"])[1]
        commands["creators payouts --mark-paid (a copy)"] = paid
    for command in commands.values():
        command.pop("stdout")
        command.pop("stderr")
    row = {"backend": backend, "period": period, "in_process": in_process,
           "commands": commands}
    for name, command in commands.items():
        print(f"  {name}: {command['wall_s']:.2f} s wall, {command['cpu_s']:.2f} s CPU"
              + (f", {command['rows']:,} rows" if "rows" in command else ""), flush=True)
    print(f"  in one process: app made in {in_process['create_app_s']:.2f} s, ledger opened "
          f"in {in_process['ledger_first_use_s']:.2f} s; report {in_process['orders_report']}"
          f"; payouts {in_process['payouts']}", flush=True)
    return row


# -- the run -----------------------------------------------------------------------------


class Run:
    """What the measurements share: a folder, the creator files, the reference, databases."""

    def __init__(self, options: Options, stack: contextlib.ExitStack) -> None:
        self.options = options
        self.folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-orders-")))
        self.databases = Databases(self.folder, stack)
        self.creators_dir = self.folder / "creators"
        started = time.perf_counter()
        self.handles = creators.creators_dir(self.creators_dir, options.creators,
                                             creators.Catalog.load())
        print(f"{options.creators:,} creator files written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        self.ingested: list[dict[str, Any]] = []
        self._reference: Server | None = None
        self._stack = stack

    def reference_measurement(self) -> dict[str, Any]:
        """The bare Flask app under the same gunicorn.conf.py, by wrk, as the scenario runs."""
        if self._reference is None:
            self._reference = servers.gunicorn("bench.reference_app:app", {}, ready_path="/")
            self._stack.callback(self._reference.stop)
            wait_until_idle(self._reference)
        server = self._reference
        cpu = servers.cpu_seconds(server)
        measured, _ = wrk.run(server.url, [Target("/")], self.options.duration_s)
        cpu = servers.cpu_seconds(server) - cpu
        servers.trim_output(server)
        return {**measured.as_dict(), "cpu_ms_per_request":
                round(cpu * 1000 / measured.requests, 3) if measured.requests else None}


def machine(databases: Databases) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu_count": os.cpu_count(), "platform": platform.platform(),
        "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
        "postgresql": databases.version(), "wrk": wrk.version(),
        "wrk_settings": {"threads": wrk.THREADS, "connections": wrk.CONNECTIONS},
        "gunicorn": servers.gunicorn_settings({}), "git_commit": commit,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def run(options: Options) -> dict[str, Any]:
    if "ingest" in options.parts:
        wrk.executable()  # fail before anything starts when wrk is missing
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        bench = Run(options, stack)
        results: dict[str, Any] = {"options": {
            "duration_s": options.duration_s, "orders": options.orders,
            "creators": options.creators, "backends": list(options.backends)},
            "ingest": bench.ingested, "ledger": []}
        for backend in options.backends:
            if "ingest" in options.parts:
                url = bench.databases.fresh(backend, f"ingest_{backend}")
                bench.ingested.append(ingest(backend, url, bench))
        if "ledger" in options.parts:
            shape, urls, built = build_ledgers(bench)
            results["ledger_data"] = {
                "orders": shape.orders, "creators": shape.creators, "months": shape.months,
                "now": shape.now.isoformat(), "period": shape.period, **built.as_dict()}
            for backend, url in urls.items():
                results["ledger"].append(ledger(backend, url, shape, bench))
        results["machine"] = machine(bench.databases)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["machine"]["wall_time_s"] = round(time.monotonic() - started, 1)
    return results


# -- the report --------------------------------------------------------------------------


def _markdown(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]


def _verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def ingest_table(rows: list[dict[str, Any]]) -> list[str]:
    header = ("database", "deliveries/s", "p50 ms", "p99 ms", "ratio to reference",
              "store CPU ms/delivery", "PostgreSQL CPU ms/delivery",
              "reference CPU ms/request", "non-2xx + errors",
              "stored (2xx)", "check", f"target {TARGET_DELIVERIES_PER_S}/s")
    lines = []
    for row in rows:
        checked, reference = row["check"], row["reference"]
        lines.append((
            row["backend"], f"{row['deliveries_per_s']:,.0f}", f"{row['p50_ms']:.1f}",
            f"{row['p99_ms']:.1f}",
            f"{row['ratio_to_reference']:.3f} (of {reference['rps']:,.0f} req/s)",
            str(row["cpu_ms_per_delivery"]),
            str(row["database_cpu_ms_per_delivery"] or "- (in the store)"),
            str(reference["cpu_ms_per_request"]),
            f"{row['non2xx']} + {sum(row['errors'].values())}",
            f"{checked['stored']:,} ({checked['answered_2xx']:,})",
            "ok" if not checked["problems"] else "; ".join(checked["problems"]),
            _verdict(row["deliveries_per_s"] >= TARGET_DELIVERIES_PER_S),
        ))
    return _markdown(header, lines)


def ledger_table(rows: list[dict[str, Any]]) -> list[str]:
    header = ("database", "command", "wall s", "CPU s", "in one process s (best, median)",
              "rows", f"target {TARGET_REPORT_S:g} s")
    lines = []
    for row in rows:
        inside = {"orders report": row["in_process"]["orders_report"],
                  "creators payouts": row["in_process"]["payouts"],
                  "creators report --since 30d":
                  row["in_process"].get("creators_report_revenue")}
        for name, command in row["commands"].items():
            timed = inside.get(name)
            verdict = "-"
            if name != "start-up":
                verdict = f"{_verdict(command['wall_s'] <= TARGET_REPORT_S)} (wall)"
            if timed:
                verdict += f", {_verdict(timed['median_s'] <= TARGET_REPORT_S)} (in process)"
            if command.get("revenue_columns") is False:
                verdict += "; no revenue columns yet"
            inside_s = f"{timed['best_s']:.2f}, {timed['median_s']:.2f}" if timed else "-"
            if name == "start-up":  # what each command spends before its work
                inside_s = (f"app {row['in_process']['create_app_s']:.2f}, then ledger "
                            f"{row['in_process']['ledger_first_use_s']:.2f}")
            lines.append((
                row["backend"], command["command"].removeprefix("flask "),
                f"{command['wall_s']:.2f}", f"{command['cpu_s']:.2f}", inside_s,
                f"{command['rows']:,}" if "rows" in command else "-", verdict,
            ))
    return _markdown(header, lines)


def write(results: dict[str, Any], out: Path) -> tuple[Path, list[str]]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"orders-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    m = results["machine"]
    lines = [f"Orders ledger at scale: {m['date']}, {m['cpu_count']} CPUs, Python {m['python']}, "
             f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql'] or '-'}, {m['wrk']}; "
             f"gunicorn {m['gunicorn']['worker_class']} workers={m['gunicorn']['workers']} "
             f"threads={m['gunicorn']['threads']}; load average "
             f"{m['load_average_start'][0]} -> {m['load_average_end'][0]}; "
             f"{m['wall_time_s']:.0f} s in all"]
    if results["ingest"]:
        lines += ["", f"Ingest: signed deliveries (orders/create, orders/paid, 1 in 4 orders a "
                  f"refunds/create; about {results['ingest'][0]['mean_body_bytes'] / 1024:.1f} KB "
                  f"each), wrk -t{wrk.THREADS} -c{wrk.CONNECTIONS} "
                  f"-d{results['options']['duration_s']:g}s after {WARM_DELIVERIES} untimed; "
                  f"{results['options']['creators']:,} creator files. The reference is the bare "
                  "Flask app (GET /) under the same gunicorn.conf.py, by wrk right before.", "",
                  *ingest_table(results["ingest"])]
    if results["ledger"]:
        data = results["ledger_data"]
        lines += ["", f"Report and payouts: {data['orders']:,} orders of {data['creators']:,} "
                  f"creators over {data['months']} months and this one ({data['credited']:,} "
                  f"credited, {data['refunds']:,} refunds, {data['cancelled']:,} cancelled; "
                  f"{data['batches']} months paid in batches: {data['items']:,} items, "
                  f"{data['clawbacks']:,} clawbacks), written to "
                  f"{' and '.join(r['backend'] for r in results['ledger'])} in "
                  f"{data['seconds']:.0f} s; P = {data['period']}. Wall and CPU: the whole "
                  "`flask` command, whose start-up (`orders --help`) loads the app and its "
                  "creator files. In one process: the function alone, 3 times.", "",
                  *ledger_table(results["ledger"])]
    (out / "orders-latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    try:
        results = run(options)
    except (wrk.WrkMissing, postgres.Missing) as error:
        print(error, file=sys.stderr)
        return 2
    path, lines = write(results, options.out)
    print()
    print("\n".join(lines))
    print(f"\nsaved {path}")
    failed = [row["backend"] for row in results["ingest"] if row["check"]["problems"]
              or row["non2xx"] or row["errors"]]
    if failed:
        print(f"deliveries lost or refused on {', '.join(failed)}: the figures are wrong",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
