"""`python -m bench.shared_tier`: the candidates for the shared cache tier, side by side.

The shared tier must let the workers of one machine share pages and data with
nothing to install. Each candidate is measured the way the store uses it:
4 processes (gunicorn's default workers) reading 40 KB pages that are mostly
there, writing now and then, and racing to `add` the same lock key (exactly
one must win, or a refresh lock and a webhook seen once don't hold).

Prints a Markdown table: microseconds per get and per set (medians over the
processes), and how many processes won each `add` race (1 is right).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

PROCESSES = 4
KEYS = 200
VALUE = b"x" * 40_000  # about one rendered page


def _backend(kind: str, folder: Path, redis_url: str | None):
    if kind == "sqlite":
        from storefront.caching.sqlite import SQLiteCache

        return SQLiteCache(folder / "sqlite", default_timeout=300)
    if kind == "filesystem":
        from cachelib import FileSystemCache

        return FileSystemCache(str(folder / "files"), threshold=10_000, default_timeout=300)
    import redis
    from cachelib import RedisCache

    return RedisCache(redis.from_url(redis_url), default_timeout=300)


def _work(kind: str, folder: str, redis_url: str | None, start, results, races: int) -> None:
    cache = _backend(kind, Path(folder), redis_url)
    start.wait()
    gets, sets, wins = [], [], 0
    for round_ in range(races):
        for i in range(KEYS):
            began = time.perf_counter()
            if cache.get(f"page:{i}") is None or i % 20 == 0:  # a miss, or a refresh
                mid = time.perf_counter()
                cache.set(f"page:{i}", VALUE, timeout=300)
                sets.append(time.perf_counter() - mid)
            else:
                gets.append(time.perf_counter() - began)
        start.wait()  # everyone races for the same key at once
        wins += bool(cache.add(f"lock:{round_}", os.getpid(), timeout=60))
    results.put((kind, statistics.median(gets) * 1e6, statistics.median(sets) * 1e6, wins))


def measure(kind: str, redis_url: str | None, races: int = 20) -> dict:
    with tempfile.TemporaryDirectory(prefix="shared-tier-") as folder:
        _backend(kind, Path(folder), redis_url)  # the schema, before the race
        context = multiprocessing.get_context("fork")
        start, results = context.Barrier(PROCESSES), context.Queue()
        workers = [context.Process(target=_work, args=(kind, folder, redis_url, start, results,
                                                       races)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        rows = [results.get(timeout=300) for _ in workers]
        for worker in workers:
            worker.join()
    return {
        "get_us": statistics.median(row[1] for row in rows),
        "set_us": statistics.median(row[2] for row in rows),
        "winners_per_race": sum(row[3] for row in rows) / races,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", help="also measure RedisCache at this redis:// URL")
    args = parser.parse_args()
    kinds = ["sqlite", "filesystem"] + (["redis"] if args.redis else [])
    print("| shared tier | get µs (40 KB, hit) | set µs | processes winning one add race |")
    print("|---|---|---|---|")
    for kind in kinds:
        row = measure(kind, args.redis)
        print(f"| {kind} | {row['get_us']:.0f} | {row['set_us']:.0f} | "
              f"{row['winners_per_race']:.2f} |")


if __name__ == "__main__":
    main()
