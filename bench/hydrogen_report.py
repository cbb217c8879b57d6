"""The pure parts of `make hydrogen`: what an error names, what the app logged, each
route's verdict, the table and the JSON report.

No npm, no servers, no browser here (tests/bench/test_hydrogen_report.py runs it
offline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.report import _markdown

# What the demo shop lacks, as graphql-core's validation messages name it.
_LACKS = (
    (re.compile(r"Cannot query field '(\w+)' on type '(\w+)'"), "{1}.{0}"),
    (re.compile(r"Unknown argument '(\w+)' on field '(\w+\.\w+)'"), "{1}({0}:)"),
    (re.compile(r"Unknown argument '(\w+)' on directive '@(\w+)'"), "@{1}({0}:)"),
    (re.compile(r"Unknown directive '@(\w+)'"), "@{0}"),
    (re.compile(r"Unknown type '(\w+)'"), "type {0}"),
    (re.compile(r"Value '(\w+)' does not exist in '(\w+)' enum"), "{1}.{0}"),
    (re.compile(r"Field '(\w+)' is not defined by type '(\w+)'"), "{1}.{0}"),
    (re.compile(r"Expected value of type '(\w+)' not to include unknown field '(\w+)'"),
     "{0}.{1}"),
    (re.compile(r"Argument '(\w+\.\w+\(\w+:\))' of type '[^']+' is required"), "{0} required"),
)
_REQUEST_ID = re.compile(r"\s*-?\s*Request ID: [\w-]+\.?")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PLAIN_ERROR = re.compile(r"^(\w*Error\b|\[h2:error:[\w.]+\])")
_LONGEST_LINE = 500  # longer log lines are minified source quoted under a stack trace


def lacks(message: str) -> str:
    """The short name of what an error says the shop lacks ("QueryRoot.localization",
    "@defer", "type Article"), or the message's first line when it names nothing."""
    for pattern, shape in _LACKS:
        if match := pattern.search(message):
            return shape.format(*match.groups())
    return _REQUEST_ID.sub("", message.strip().splitlines()[0] if message.strip() else "")


def reply_errors(reply: Any) -> list[str]:
    """The messages of a Storefront API reply's top-level `errors` (a list of objects,
    or a string or object for errors outside GraphQL, such as a refused token)."""
    errors = reply.get("errors") if isinstance(reply, dict) else None
    if not errors:
        return []
    if isinstance(errors, list):
        return [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
    return [errors if isinstance(errors, str) else str(errors)]


def user_errors(value: Any) -> list[str]:
    """Every `userErrors` / `warnings` message anywhere in a reply's data."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("userErrors", "warnings") and isinstance(item, list):
                found += [f"{e.get('code', '')}: {e.get('message', '')}".strip(": ")
                          for e in item if isinstance(e, dict)]
            else:
                found += user_errors(item)
    elif isinstance(value, list):
        for item in value:
            found += user_errors(item)
    return found


def app_errors(lines: Iterable[str]) -> list[str]:
    """The errors in a stretch of the app's output, one message each, in order, once,
    except the Storefront API's own errors (they name the shop's Request ID, and the
    walk takes them from the shop's replies instead).

    `shopify hydrogen dev` draws each error in a box ("╭─ error ─", "│ ... │", "╰─");
    plain lines ("Error: ...", "TypeError: ...", "[h2:error:...] ...") are taken
    as they are; stack frames and quoted source are left out.
    """
    found: list[str] = []
    box: list[str] | None = None
    for raw in lines:
        text = _ANSI.sub("", raw).strip()
        if text.startswith("╭─") and "error" in text:
            box = []
        elif box is not None and text.startswith("╰"):
            found.append(_box_message(box))
            box = None
        elif box is not None:
            box.append(text.strip("│").strip())
        elif len(text) < _LONGEST_LINE and _PLAIN_ERROR.match(text):
            found.append(text)
    return list(dict.fromkeys(m for m in found if m and not _REQUEST_ID.search(m)))


def _box_message(lines: list[str]) -> str:
    """A box's message: its text up to the debugging hints, on one line."""
    kept: list[str] = []
    for line in lines:
        if line.startswith(("To debug", "To investigate")):
            break
        kept.append(line)
    return " ".join(" ".join(kept).split())


def tracking(exchange: dict[str, Any]) -> bool:
    """Whether an exchange is the browser's consent and tracking check, which Hydrogen
    sends through its own Storefront API proxy in the `unstable` API version (its
    `consentManagement` field is not in 2026-04) and carries on without."""
    return "/api/unstable/" in exchange.get("path", "")


def cart_id(value: Any) -> str | None:
    """The first cart ID in a reply's data (gid://shopify/Cart/...), if any."""
    if isinstance(value, str):
        return value if value.startswith("gid://shopify/Cart/") else None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return next((found for item in items if (found := cart_id(item))), None)


@dataclass
class Route:
    """One route of the walk and what was seen there."""

    name: str
    path: str
    wants: str  # the demo data the page should show, for the table
    expected_status: int = 200
    http_status: int | None = None
    browser_status: int | None = None
    shows: list[str] = field(default_factory=list)  # demo data found on the page
    graphql_errors: list[str] = field(default_factory=list)  # full messages
    tracking_errors: list[str] = field(default_factory=list)  # see tracking(); not counted
    user_errors: list[str] = field(default_factory=list)
    app_errors: list[str] = field(default_factory=list)
    images: dict[str, int] = field(default_factory=dict)  # shown / blocked by CSP
    failed: list[str] = field(default_factory=list)  # what a shopper could not do there
    notes: list[str] = field(default_factory=list)

    @property
    def lacks(self) -> list[str]:
        return sorted({lacks(m) for m in self.graphql_errors})

    @property
    def works(self) -> bool:
        statuses = {s for s in (self.http_status, self.browser_status) if s is not None}
        return (statuses == {self.expected_status} and bool(self.shows)
                and not self.graphql_errors and not self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "lacks": self.lacks, "works": self.works}


def distinct_lacks(routes: list[Route]) -> dict[str, list[str]]:
    """Each thing the shop lacks -> the routes it broke, most routes first."""
    by_name: dict[str, list[str]] = {}
    for route in routes:
        for name in route.lacks:
            by_name.setdefault(name, []).append(route.name)
    return dict(sorted(by_name.items(), key=lambda item: (-len(item[1]), item[0])))


def _status(route: Route) -> str:
    seen = [str(s) if s is not None else "-" for s in (route.http_status, route.browser_status)]
    return seen[0] if seen[0] == seen[1] else " / ".join(seen)


def table(routes: list[Route]) -> list[str]:
    """The routes as a Markdown table."""
    header = ("route", "path", "status", "demo data", "images", "shop lacks", "works")
    rows = []
    for route in routes:
        images = (f"{route.images.get('shown', 0)} shown, {route.images.get('blocked', 0)} "
                  "blocked" if route.images else "")
        rows.append((
            route.name, f"`{route.path}`", _status(route),
            ", ".join(route.shows[:2]) if route.shows else f"none ({route.wants})",
            images, str(len(route.lacks)) if route.lacks else "none",
            "yes" if route.works else "NO",
        ))
    return _markdown(header, rows)


def summary(routes: list[Route]) -> list[str]:
    working = sum(route.works for route in routes)
    lines = [f"{working} of {len(routes)} routes work (expected status, the demo data shown, "
             "no GraphQL error, nothing the shopper could not do)."]
    lines += [f"- {route.name}: {failure}" for route in routes for failure in route.failed]
    if distinct := distinct_lacks(routes):
        lines += ["", f"{len(distinct)} distinct things the demo shop lacks "
                  "(from its GraphQL errors), by the routes they break:"]
        lines += [f"- `{name}`: {', '.join(names)}" for name, names in distinct.items()]
    if tracked := [route.name for route in routes if route.tracking_errors]:
        errors = sorted({e.rstrip(".") for route in routes for e in route.tracking_errors})
        lines += ["", f"Not counted: the browser's consent check (Storefront API `unstable`, "
                  f"through the app) failed on {', '.join(tracked)}: {'; '.join(errors)}. "
                  "Hydrogen carries on without it."]
    return lines


def report(routes: list[Route], about: dict[str, Any]) -> dict[str, Any]:
    """The JSON report: the run's facts, each route, and the distinct errors."""
    return {
        **about,
        "routes_working": sum(route.works for route in routes),
        "routes": [route.as_dict() for route in routes],
        "lacks": distinct_lacks(routes),
    }
