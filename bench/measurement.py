"""What one measured run gives, however it was measured."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """One page to request: a path on the server and the Cookie header to send (or "")."""

    path: str
    cookie: str = ""


@dataclass
class Measurement:
    method: str  # "wrk" or "python-once" (see bench/client.py)
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "non2xx": self.non2xx,
            "errors": self.errors,
        }


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when it is empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
