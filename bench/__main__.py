"""`python -m bench`: run the benchmark scenarios (or `--sweep` gunicorn settings)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from pathlib import Path

from bench import report, runner, scenarios, wrk


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load the storefront with wrk on the demo shop (100 ms per API request) "
        "and compare it with a bare Flask app under the same gunicorn.conf.py.",
    )
    parser.add_argument("--quick", action="store_true", help="3 s per measurement")
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 10)")
    parser.add_argument("--cache", choices=("sqlite", "simple", "redis"), default="sqlite",
                        help="the shipped default, a SQLite file the workers share (sqlite); "
                        "a SimpleCache per worker (simple); or a private redis-server (redis)")
    parser.add_argument("--only", action="append", metavar="SCENARIO",
                        help="run only these (repeat or comma-separate): "
                        + ", ".join(scenarios.BY_NAME))
    parser.add_argument("--sweep", action="store_true",
                        help="creator home under WEB_CONCURRENCY x GUNICORN_THREADS settings")
    parser.add_argument("--outage", action="store_true",
                        help="creator pages while the shop answers 503 for 30 s")
    parser.add_argument("--out", type=Path, default=runner.Options.out,
                        help="where results go (default bench-results/)")
    args = parser.parse_args(argv)
    if args.only:
        args.only = [name.strip() for value in args.only for name in value.split(",") if name]
        try:
            scenarios.select(args.only)
        except ValueError as error:
            parser.error(str(error))
    return args


def missing_for_redis() -> str | None:
    if shutil.which("redis-server") is None:
        return "--cache redis needs redis-server: apt-get install redis-server"
    if importlib.util.find_spec("redis") is None:
        return ("--cache redis needs redis-py in the virtualenv (flask-caching's RedisCache "
                "imports it): .venv/bin/pip install redis")
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.cache == "redis" and (problem := missing_for_redis()):
        print(problem, file=sys.stderr)
        return 2
    if args.outage:
        from bench import outage

        result = outage.run(args.duration or outage.OUTAGE_S)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "outage-latest.json").write_text(json.dumps(result, indent=2) + "\n")
        lines = outage.table(result)
        (args.out / "outage-latest.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return 0 if result["non2xx"] == 0 and not any(result["errors"].values()) else 1
    duration = args.duration or (3 if args.quick else 10)
    options = runner.Options(duration_s=duration, cache=args.cache, only=args.only, out=args.out)
    try:
        results = runner.sweep(options) if args.sweep else runner.run(options)
    except wrk.WrkMissing as error:
        print(error, file=sys.stderr)
        return 2
    path, lines = report.write(results, options.out, "sweep" if args.sweep else "bench")
    print()
    print("\n".join(lines))
    print(f"\nsaved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
