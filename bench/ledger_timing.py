"""`python -m bench.ledger_timing PERIOD`: time the ledger's reports inside one process.

Run by bench/orders.py with the environment a command would get (DATABASE_URL,
CREATORS_DIR, INSTANCE_DIR), it times what a `flask ...` command spends
before its work (the app made: settings, creator files; the ledger's first
use: engine, migration check) apart from the work itself, repeated, so the
commands' wall times can be read: start-up, then the query. Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

REPEATS = 3


def _timed(function, repeats: int = REPEATS) -> tuple[dict[str, Any], Any]:
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return {"runs_s": [round(s, 3) for s in seconds], "best_s": round(min(seconds), 3),
            "median_s": round(statistics.median(seconds), 3)}, result


def main(argv: list[str]) -> int:
    period = argv[0]
    started = time.perf_counter()
    from storefront import create_app

    app = create_app()
    made = time.perf_counter()
    from storefront.orders import ledger_for, payouts, report

    book = ledger_for(app)
    engine = book.engine  # made, and the schema checked, on first use
    opened = time.perf_counter()
    start, end = report.month(period)
    hold = app.config["COMMISSION_HOLD_DAYS"]
    results: dict[str, Any] = {
        "create_app_s": round(made - started, 3),
        "ledger_first_use_s": round(opened - made, 3),
        "creators": len(book.registry),
    }
    results["orders_report"], rows = _timed(
        lambda: report.rows(engine, book.registry, start, end))
    results["orders_report"]["rows"] = len(rows)
    results["payouts"], statement = _timed(
        lambda: payouts.statement(engine, book.registry, period,
                                  datetime.now(UTC), hold))
    results["payouts"]["rows"] = len(statement.rows)
    results["payouts"]["to_pay"] = {k: str(v) for k, v in statement.totals().items()}
    try:  # the revenue columns of `flask creators report --since 30d`, where they exist
        from storefront.funnels.report import period as funnel_period
        from storefront.orders import revenue
    except ImportError:
        pass
    else:
        span = funnel_period("30d", datetime.now(UTC).date())
        results["creators_report_revenue"], sales = _timed(
            lambda: revenue.figures(engine, span.first, span.last, datetime.now(UTC), hold))
        results["creators_report_revenue"]["rows"] = len(sales)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
