"""A benchmark run: the demo shop, the reference, then each phase's storefront and scenarios."""

from __future__ import annotations

import contextlib
import itertools
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
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
                  connections: int = wrk.CONNECTIONS,
                  duration_s: float | None = None) -> dict[str, Any]:
        """The reference measured the way a scenario is about to be (wrk, or one pass)."""
        page = [Target("/")]
        cpu = servers.cpu_seconds(server)
        if once:
            # At least 1,000 requests: a bare app answers a few hundred in a blink.
            measured = client.once(server.url, page * max(once_requests, 1000))
        else:
            measured, _ = wrk.run(server.url, page, duration_s or self.options.duration_s,
                                  connections)
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
        """The scenario's pages next to the reference: a one-pass scenario between two
        reference passes; a wrk scenario in ROUNDS short runs, each between two runs of
        the reference (see interleaved)."""
        targets = scenario.targets(ctx)
        if scenario.once:
            before = self.reference(reference_server, True, len(targets), scenario.connections)
            measured = combined([self._load(server, targets, True, scenario.connections)])
            after = self.reference(reference_server, True, len(targets), scenario.connections)
            measured["ratios"] = [ratio(measured, before, after)]
            reference = combined([before, after])
        else:
            warm = client.once(server.url, warm_list(targets))
            if warm.non2xx or warm.errors:  # a redirect or an error is not a page view
                ctx.notes.append(f"{scenario.name}: {warm.non2xx} of the warm-up's "
                                 f"{len(warm_list(targets))} requests were not 2xx")
            measured, reference = self.interleaved(server, targets, scenario.connections,
                                                   reference_server)
            measured["non2xx"] += warm.non2xx
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
        row["ratio_to_reference"] = statistics.median(measured["ratios"])
        servers.trim_output(server)
        print(_progress(row), flush=True)
        return row

    def interleaved(self, server: Server, targets: list[Target], connections: int,
                    reference_server: Server) -> tuple[dict[str, Any], dict[str, Any]]:
        """ROUNDS short wrk runs of the scenario, the reference before each and after
        the last: reference, scenario, reference, ..., reference.

        On this shared machine throughput swings by half from one minute to the
        next. Each short run is compared with the reference runs right around it,
        and the median of those ratios is the scenario's: a busy moment moves one
        round, not the figure.
        """
        duration = round_seconds(self.options)
        references = [self.reference(reference_server, False, connections=connections,
                                     duration_s=duration)]
        runs = []
        for _ in range(ROUNDS):
            runs.append(self._load(server, targets, False, connections, duration))
            references.append(self.reference(reference_server, False, connections=connections,
                                             duration_s=duration))
        measured = combined(runs)
        measured["ratios"] = [ratio(run, before, after)
                              for run, before, after in zip(runs, references, references[1:],
                                                            strict=False)]
        return measured, combined(references)

    def _load(self, server: Server, targets: list[Target], once: bool,
              connections: int = wrk.CONNECTIONS,
              duration_s: float | None = None) -> dict[str, Any]:
        """One measured run, with what it cost upstream and where the CPU went."""
        servers.reset_graphql_stats(self.shop.url)
        mark, load = len(server.output), os.getloadavg()[0]
        cpu_before = servers.cpu_seconds(server), servers.cpu_seconds(self.shop)
        if once:
            measured = client.once(server.url, targets)
        else:
            measured, _ = wrk.run(server.url, targets, duration_s or self.options.duration_s,
                                  connections)
        cpu_after = servers.cpu_seconds(server), servers.cpu_seconds(self.shop)
        stats = servers.graphql_stats(self.shop.url)
        return {
            **measured.as_dict(),
            "sf_requests": stats["graphql_requests"],
            "sf_by_operation": stats["by_operation"],
            "cpu_s": {"storefront": cpu_after[0] - cpu_before[0],
                      "demo_shop": cpu_after[1] - cpu_before[1]},
            "worker_restarts": servers.restarted_workers(server, mark),
            "load_1m_before": round(load, 2),
        }


ROUNDS = 3
ROUND_SHARE = 0.4  # of --duration per run: 3 rounds and 4 reference runs ~ 2.8 x --duration


def ratio(run: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> float:
    """A run's throughput over the mean of the reference runs before and after it."""
    return run["rps"] / ((before["rps"] + after["rps"]) / 2)


def round_seconds(options: Options) -> int:
    return max(1, round(options.duration_s * ROUND_SHARE))


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs of the same pages as one: throughput over their whole time, the
    median run's latencies, CPU and Storefront requests per view over all of them
    (each run's throughput kept under "runs")."""
    requests = sum(run["requests"] for run in runs)
    duration = sum(run["duration_s"] for run in runs)
    views = requests or None  # None: no page view, no per-view figures
    row = {
        **runs[0],
        "requests": requests,
        "duration_s": round(duration, 3),
        "rps": round(requests / duration, 1) if duration else 0.0,
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "non2xx": sum(run["non2xx"] for run in runs),
        "errors": dict(sum((Counter(run["errors"]) for run in runs), Counter())),
        "runs": [run["rps"] for run in runs],
    }
    if "cpu_ms_per_request" in runs[0]:  # the reference's own runs
        cpu = [run["cpu_ms_per_request"] * run["requests"] for run in runs
               if run["cpu_ms_per_request"] is not None]
        row["cpu_ms_per_request"] = round(sum(cpu) / requests, 3) if requests else None
    if "cpu_s" in runs[0]:  # the storefront's
        # Requests still in flight when wrk stops reach the shop but are not
        # counted by wrk: a few over 1.00 on an uncached page is that edge.
        sf_requests = sum(run["sf_requests"] for run in runs)
        row.update(
            sf_requests=sf_requests,
            sf_per_view=sf_requests / views if views else None,
            sf_by_operation=dict(sum((Counter(run["sf_by_operation"]) for run in runs),
                                     Counter())),
            cpu_ms_per_view={
                part: round(sum(run["cpu_s"][part] for run in runs) * 1000 / views, 3)
                if views else None
                for part in ("storefront", "demo_shop")
            },
            worker_restarts=sum(run["worker_restarts"] for run in runs),
        )
        del row["cpu_s"]
    return row


def _progress(row: dict[str, Any]) -> str:
    reference, cpu = row["reference"], row["cpu_ms_per_view"]
    return (
        f"  reference: {reference['rps']:.0f} req/s, p50 {reference['p50_ms']:.1f} ms, "
        f"CPU ms/request {reference['cpu_ms_per_request']}\n"
        f"  {row['name']}: {row['rps']:.0f} req/s, ratio {row['ratio_to_reference']:.2f} "
        f"(rounds {', '.join(f'{r:.2f}' for r in row['ratios'])}), p50 {row['p50_ms']:.1f} ms, "
        f"p99 {row['p99_ms']:.1f} ms, {row['sf_per_view'] or 0:.2f} SF req/view, "
        f"non-2xx {row['non2xx']}; CPU ms/view: storefront {cpu['storefront']}, "
        f"demo shop {cpu['demo_shop']}; worker restarts {row['worker_restarts']}"
    )


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
                         "duration_s": options.duration_s, "timeout": wrk.TIMEOUT,
                         "rounds": ROUNDS, "round_s": round_seconds(options)},
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
                # (once each: the four shared-page scenarios all find page 2 the same way)
                notes += [note for note in dict.fromkeys(ctx.notes) if note not in notes]
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
