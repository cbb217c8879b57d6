"""A benchmark run: the demo shop, the reference, then each phase's storefront and scenarios."""

from __future__ import annotations

import contextlib
import itertools
import os
import platform
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import client, creators, recording, scenarios, servers, wrk
from bench.measurement import Target
from bench.scenarios import Context, Scenario
from tests.support.processes import ROOT, Server

TOKEN = "bench-storefront-token"
WARM_MINIMUM = 32  # requests: enough for every worker and thread to see a short list


@dataclass
class Options:
    duration_s: float = 10
    cache: str = "sqlite"  # the default shared tier; or "simple" (per worker), "redis"
    only: list[str] | None = None
    out: Path = ROOT / "bench-results"
    latency_ms: int = 100


CACHE_TYPES = {"sqlite": "SQLiteCache", "simple": "SimpleCache", "redis": "RedisCache"}


def warm_list(targets: list[Target]) -> list[Target]:
    """One untimed pass over the targets, repeated up to WARM_MINIMUM requests.

    With SimpleCache each worker process has its own cache, so a single request
    would warm one worker only; a long list is passed over once.
    """
    repeats = max(1, -(-WARM_MINIMUM // len(targets)))
    return targets * repeats


class Bench:
    """The parts every scenario shares: the demo shop, Redis, creator folders, a secret key."""

    def __init__(self, options: Options, stack: contextlib.ExitStack) -> None:
        self.options = options
        self._caches = itertools.count(1)
        self.folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        self.catalog = creators.Catalog.load()
        self.secret_key = secrets.token_urlsafe(32)[:40]
        self.redis = None
        if options.cache == "redis":
            self.redis = servers.Redis()
            stack.callback(self.redis.stop)
        self.shop = servers.demo_shop(self.folder, TOKEN, options.latency_ms)
        stack.callback(self.shop.stop)
        self._creators: dict[str, tuple[Path, list[str]]] = {}

    def storefront_env(self, creators_dir: Path, extra: dict[str, str]) -> dict[str, str]:
        env = {
            "SHOPIFY_STORE_DOMAIN": self.shop.url,
            "SHOPIFY_STOREFRONT_TOKEN": TOKEN,
            "SECRET_KEY": self.secret_key,
            "CREATORS_DIR": str(creators_dir),
            # The shipped default (SQLiteCache, a file the workers share), a fresh
            # file for each storefront started; or as --cache says.
            "CACHE_TYPE": CACHE_TYPES[self.options.cache],
            "CACHE_DIR": str(self.folder / f"cache-{next(self._caches)}"),
            # Counted as for real shoppers (wrk sends a browser's User-Agent), into
            # this run's own file rather than the project's instance/ folder.
            "FUNNELS_URL": f"sqlite:///{self.folder / 'funnels.sqlite3'}",
            # (and its lock files too: a benchmark leaves the project as it was)
            "INSTANCE_DIR": str(self.folder / "instance"),
        }
        if self.redis is not None:
            env.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=self.redis.url,
                       FUNNELS_URL=self.redis.url)
        return {**env, **extra}

    def creators_for(self, phase: str) -> tuple[Path, list[str]]:
        if phase not in self._creators:
            folder = self.folder / f"creators-{phase}"
            count = scenarios.PHASE_CREATORS[phase]
            self._creators[phase] = (folder, creators.creators_dir(folder, count, self.catalog))
        return self._creators[phase]

    def funnel_events(self) -> int | None:
        """Funnel views and visits the last storefront wrote (SQLite only), then cleared."""
        path = self.folder / "funnels.sqlite3"
        if self.redis is not None or not path.exists():
            return None
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            total = db.execute("SELECT COALESCE(SUM(n), 0) FROM daily "
                               "WHERE event IN ('view', 'visit')").fetchone()[0]
            db.execute("DELETE FROM daily")
        return total

    @contextlib.contextmanager
    def reference_server(self, env: dict[str, str]) -> Iterator[Server]:
        """The bare Flask app under the same gunicorn settings, kept up for the whole run."""
        server = servers.gunicorn("bench.reference_app:app", env, ready_path="/")
        try:
            client.once(server.url, warm_list([Target("/")]))
            yield server
        finally:
            server.stop()

    def reference(self, server: Server, once: bool, once_requests: int = 0,
                  connections: int = wrk.CONNECTIONS) -> dict[str, Any]:
        """The reference measured the way a scenario is about to be (wrk, or one pass)."""
        page = [Target("/")]
        cpu = servers.cpu_seconds(server)
        if once:
            # At least 1,000 requests: a bare app answers a few hundred in a blink.
            measured = client.once(server.url, page * max(once_requests, 1000))
        else:
            measured, _ = wrk.run(server.url, page, self.options.duration_s, connections)
        cpu = servers.cpu_seconds(server) - cpu
        servers.trim_output(server)
        return {
            **measured.as_dict(),
            "cpu_ms_per_request": round(cpu * 1000 / measured.requests, 2)
            if measured.requests else None,
        }

    @contextlib.contextmanager
    def storefront(self, phase: str, env: dict[str, str]) -> Iterator[tuple[Server, Context]]:
        creators_dir, generated = self.creators_for(phase)
        if self.redis is not None:
            self.redis.flush()  # each storefront starts cold, as with SimpleCache
        server = servers.gunicorn("wsgi:app", self.storefront_env(creators_dir, env))
        try:
            yield server, Context(server.url, self.secret_key, self.catalog, generated, [])
        finally:
            server.stop()

    def measure(
        self, scenario: Scenario, server: Server, ctx: Context, reference_server: Server
    ) -> dict[str, Any]:
        """Measure the reference, warm the scenario's pages, measure the scenario,
        then the reference again.

        The machine is shared and noisy: measuring the reference next to each
        scenario keeps a slow minute from skewing one ratio, and on both sides
        of it (the ratio is to their mean) a machine growing busier or quieter
        over the half minute skews it less.
        """
        targets = scenario.targets(ctx)
        before = self.reference(reference_server, scenario.once, len(targets),
                                scenario.connections)
        if not scenario.once:
            client.once(server.url, warm_list(targets))
        measured = self._load(server, targets, scenario.once, scenario.connections)
        after = self.reference(reference_server, scenario.once, len(targets),
                               scenario.connections)
        reference = bracketed(before, after)
        row = {
            "name": scenario.name,
            "title": scenario.title,
            "phase": scenario.phase,
            "creators": len(list(self.creators_for(scenario.phase)[0].glob("*.toml"))),
            "targets": len(targets),
            "example_path": targets[0].path,
            "connections": scenario.connections,
            **measured,
            "memory": servers.memory(server),  # after the warm-up, the run and the reference
            "reference": reference,
            "reference_rps": reference["rps"],
            "baseline": scenario.baseline,
            "recording_of": scenario.recording_of,
        }
        row["ratio_to_reference"] = row["rps"] / reference["rps"] if reference["rps"] else None
        servers.trim_output(server)
        print(_progress(row), flush=True)
        return row

    def _load(self, server: Server, targets: list[Target], once: bool,
              connections: int = wrk.CONNECTIONS) -> dict[str, Any]:
        """One measured run, with what it cost upstream and where the CPU went."""
        servers.reset_graphql_stats(self.shop.url)
        mark, load = len(server.output), os.getloadavg()[0]
        cpu_before = servers.cpu_seconds(server), servers.cpu_seconds(self.shop)
        if once:
            measured = client.once(server.url, targets)
        else:
            measured, _ = wrk.run(server.url, targets, self.options.duration_s, connections)
        cpu_after = servers.cpu_seconds(server), servers.cpu_seconds(self.shop)
        stats = servers.graphql_stats(self.shop.url)
        views = measured.requests or None  # None: no page view, no per-view figures
        storefront_cpu, shop_cpu = (
            round((after - before) * 1000 / views, 3) if views else None
            for before, after in zip(cpu_before, cpu_after, strict=True)
        )
        return {
            **measured.as_dict(),
            # Requests still in flight when wrk stops reach the shop but are not
            # counted by wrk: a few over 1.00 on an uncached page is that edge.
            "sf_requests": stats["graphql_requests"],
            "sf_per_view": stats["graphql_requests"] / views if views else None,
            "sf_by_operation": stats["by_operation"],
            "cpu_ms_per_view": {"storefront": storefront_cpu, "demo_shop": shop_cpu},
            "worker_restarts": servers.restarted_workers(server, mark),
            "load_1m_before": round(load, 2),
        }


def _progress(row: dict[str, Any]) -> str:
    reference, cpu = row["reference"], row["cpu_ms_per_view"]
    return (
        f"  reference: {reference['rps']:.0f} req/s, p50 {reference['p50_ms']:.1f} ms, "
        f"CPU ms/request {reference['cpu_ms_per_request']}\n"
        f"  {row['name']}: {row['rps']:.0f} req/s, p50 {row['p50_ms']:.1f} ms, "
        f"p99 {row['p99_ms']:.1f} ms, {row['sf_per_view'] or 0:.2f} SF req/view, "
        f"non-2xx {row['non2xx']}; CPU ms/view: storefront {cpu['storefront']}, "
        f"demo shop {cpu['demo_shop']}; worker restarts {row['worker_restarts']}"
    )


def bracketed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The reference as measured before and after a scenario: the mean of the two
    runs' throughput, latencies and CPU (each run kept under "runs")."""
    both = (before, after)
    mean = {key: sum(run[key] for run in both) / 2
            for key in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")
            if all(isinstance(run.get(key), int | float) for run in both)}
    return {**before, **mean, "non2xx": before["non2xx"] + after["non2xx"],
            "runs": [before["rps"], after["rps"]]}


def machine(options: Options, env: dict[str, str]) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                             capture_output=True, text=True, check=False).stdout.splitlines()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "wrk": wrk.version(),
        "wrk_settings": {"threads": wrk.THREADS, "connections": wrk.CONNECTIONS,
                         "duration_s": options.duration_s, "timeout": wrk.TIMEOUT},
        "gunicorn": servers.gunicorn_settings(env),
        "cache": options.cache,
        "demo_shop_latency_ms": options.latency_ms,
        "git": {"commit": commit, "uncommitted_files": len(changed)},
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def _attach_baselines(rows: list[dict[str, Any]]) -> None:
    by_name = {row["name"]: row for row in rows}
    for row in rows:
        base = by_name.get(row["baseline"] or "")
        row["ratio_to_baseline"] = row["rps"] / base["rps"] if base and base["rps"] else None


def run(options: Options) -> dict[str, Any]:
    """Every selected scenario; returns what report.write() saves."""
    wrk.executable()  # fail before starting anything when wrk is missing
    selected = scenarios.select(options.only)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        bench = Bench(options, stack)
        info = machine(options, {})
        reference = stack.enter_context(bench.reference_server({}))
        rows, notes = [], []
        for phase in scenarios.PHASES:
            chosen = [s for s in selected if s.phase == phase]
            if not chosen:
                continue
            print(f"storefront: {phase}", flush=True)
            with bench.storefront(phase, scenarios.PHASE_ENV.get(phase, {})) as (server, ctx):
                measured = [bench.measure(scenario, server, ctx, reference) for scenario in chosen]
                notes += ctx.notes
            rows += measured
            if (events := bench.funnel_events()) is not None:  # written as the workers stopped
                views = sum(row["requests"] for row in measured)
                notes.append(f"{phase}: {events:,} product views and visits counted in the "
                             f"creator funnels for {views:,} measured page views (plus warm-up)")
    _attach_baselines(rows)
    results = {"machine": info, "scenarios": rows, "notes": notes}
    if any(s.recording_of for s in selected):
        print("funnel recording, in process", flush=True)
        results["recording"] = recording.measure()
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    info["wall_time_s"] = round(time.monotonic() - started, 1)
    return results


SWEEP_WORKERS = (2, 3, 4)
SWEEP_THREADS = (4, 8, 16)


def sweep(options: Options) -> dict[str, Any]:
    """Creator home under several WEB_CONCURRENCY x GUNICORN_THREADS, each with its reference."""
    wrk.executable()
    scenario = scenarios.BY_NAME["creator-home"]
    rows = []
    with contextlib.ExitStack() as stack:
        bench = Bench(options, stack)
        info = machine(options, {})
        info["gunicorn"] = "per row"  # each row runs under its own WEB_CONCURRENCY x THREADS
        for workers in SWEEP_WORKERS:
            for threads in SWEEP_THREADS:
                env = {"WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
                print(f"workers={workers} threads={threads}", flush=True)
                with (
                    bench.reference_server(env) as reference,
                    bench.storefront(scenario.phase, env) as (server, ctx),
                ):
                    row = bench.measure(scenario, server, ctx, reference)
                settings = servers.gunicorn_settings(env)
                rows.append({"workers": workers, "threads": threads, "gunicorn": settings, **row})
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return {"machine": info, "scenario": scenario.name, "sweep": rows}
