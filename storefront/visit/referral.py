"""Who a visit credits: the referral cookie and `?ref=` links, decided once.

The decision depends on the request's path, method, query and referral cookie,
the creator registry, the signer and the attribution model: nothing else, so
the app and the page fast path reach the same one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from storefront import attribution

# Not the shop: no referral is read or followed at these paths or below them (an
# `/admin?ref=` link must not credit anyone). Whole segments, so a shop page
# such as /administrator-picks is not caught by /admin.
OPERATIONS = ("/admin", "/webhooks", "/healthz", "/readyz", "/demo-shop", "/assets",
              "/creator-media", "/favicon.ico")
# One match instead of a loop: asked on every request, on both paths.
_OPERATIONS = re.compile("(?:{})(?:/.*)?".format("|".join(map(re.escape, OPERATIONS))), re.S)


def is_operations(path: str) -> bool:
    """Whether `path` is one of OPERATIONS or below one: no creator is credited there."""
    return _OPERATIONS.fullmatch(path) is not None


@dataclass(frozen=True)
class Decision:
    referral: attribution.Referral | None = None
    creator: Any = None  # the credited active creator, or None
    followed: Any = None  # the creator whose `?ref=` link this request followed
    cookie: str = "keep"  # what to do with the referral cookie: "set", "clear" or "keep"
    redirect_to: str | None = None  # a `?ref=` link: the same URL without `ref`

    @property
    def theme(self) -> str | None:
        """The theme the credited creator picked (None: the configured one)."""
        return self.creator.theme if self.creator is not None else None


NOBODY = Decision()


def active(registry, name: str | None):
    """The active creator a handle or alias names, or None."""
    creator = registry.get(name) if name else None
    return creator if creator is not None and creator.is_active else None


def decide(*, path: str, method: str, query: Iterable[tuple[str, str]], cookie: str | None,
           registry, signer: attribution.Signer, model: str) -> Decision:
    """The referral decision for one request.

    An unknown, paused or archived creator earns nothing: their cookie is
    cleared, as is one that is tampered with or expired. A GET with `?ref=`
    naming an active creator records the touch (with the landing's campaign
    parameters) and redirects to the same URL without `ref`, whoever it names.
    """
    query = list(query)
    following = method == "GET" and any(key == "ref" for key, _ in query)
    if (not cookie and not following) or is_operations(path):
        return NOBODY  # most page views: a brand visitor
    referral = signer.loads(cookie)
    creator = _credited(registry, referral, model)
    if creator is None:
        referral = None  # an unknown, paused or archived creator earns nothing
    state = "clear" if cookie and referral is None else "keep"
    decision = Decision(referral, creator, None, state)
    if following:
        followed = active(registry, _first(query)["ref"])
        if followed is not None:
            decision = follow(decision, followed, query, registry, model)
        rest = [(key, value) for key, value in query if key != "ref"]
        decision = replace(decision, redirect_to=path + (f"?{urlencode(rest)}" if rest else ""))
    return decision


def follow(decision: Decision, creator, query: Iterable[tuple[str, str]], registry,
           model: str) -> Decision:
    """`decision` after the shopper followed active `creator`'s link (`?ref=` or
    `/@handle`) with `query`: the touch recorded, with the landing's campaign."""
    campaign = attribution.campaign_from(_first(query))
    referral = attribution.touch(decision.referral, creator.handle, campaign)
    return replace(decision, referral=referral, creator=_credited(registry, referral, model),
                   followed=creator, cookie="set")


def _credited(registry, referral: attribution.Referral | None, model: str):
    return active(registry, referral.credited(model).handle) if referral is not None else None


def _first(query: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The first value of each parameter (what views read of a repeated one)."""
    first: dict[str, str] = {}
    for key, value in query:
        first.setdefault(key, value)
    return first
