"""A bounded pass: every target requested once, by 16 keep-alive connections.

wrk runs for a duration, not for a number of requests, so passes that must
visit each page exactly once (warm-ups, the cold pass) use this small client.
Its figures are only compared with the reference measured by this same client.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from bench.measurement import Measurement, Target, percentile

CONNECTIONS = 16
TIMEOUT_S = 30


def once(base_url: str, targets: Sequence[Target], connections: int = CONNECTIONS) -> Measurement:
    """Request every target once, `connections` at a time; time each and the whole pass."""
    address = urlsplit(base_url)
    pending = iter(range(len(targets)))
    lock = threading.Lock()
    latencies: list[float | None] = [None] * len(targets)
    statuses: list[int] = [0] * len(targets)

    def next_index() -> int | None:
        with lock:
            return next(pending, None)

    def fetch(connection: http.client.HTTPConnection, target: Target) -> tuple[int, float]:
        headers = {"Cookie": target.cookie} if target.cookie else {}
        started = time.perf_counter()
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.will_close:
            connection.close()  # http.client reconnects on the next request
        return response.status, elapsed

    def work() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT_S)
        try:
            while (index := next_index()) is not None:
                # A kept-alive connection the server closed meanwhile (idle
                # timeout, worker recycled) fails before any answer: retry once.
                for attempt in (1, 2):
                    try:
                        statuses[index], latencies[index] = fetch(connection, targets[index])
                        break
                    except (OSError, http.client.HTTPException):
                        connection.close()
                        if attempt == 2:
                            statuses[index] = 0
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(min(connections, len(targets)))]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    duration = time.perf_counter() - started

    answered = sorted(s for s in latencies if s is not None)
    failed = sum(1 for status in statuses if status == 0)
    return Measurement(
        method="python-once",
        requests=len(answered),
        duration_s=duration,
        p50_ms=percentile(answered, 50) * 1000,
        p99_ms=percentile(answered, 99) * 1000,
        non2xx=sum(1 for status in statuses if status and not 200 <= status < 300),
        errors={"failed": failed} if failed else {},
    )
