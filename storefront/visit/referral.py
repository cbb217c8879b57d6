"""Who a visit credits: the referral cookie and creators' links, decided once.

A link credits a creator by `?ref=` (their handle or alias), or by the
parameter of an affiliate platform the brand moved from (`?sca_ref=`,
`?rfsn=`, ...: the ids a creator file keeps in `[legacy_ids]`), so links
creators shared before keep crediting them. A creator's discount code, typed
at the cart or in a `/discount/CODE` link, credits them the same way
(`by_code`, then `follow`).

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
              "/creator-media", "/creator-stats", "/creator-edit", "/creator-uploads",
              "/favicon.ico")
# One match instead of a loop: asked on every request, on both paths.
_OPERATIONS = re.compile("(?:{})(?:/.*)?".format("|".join(map(re.escape, OPERATIONS))), re.S)


# The query parameter each affiliate platform's links carry, by platform (the keys are those
# of a creator file's `[legacy_ids]`). GoAffPro's is `ref`, as ours: a handle or alias is
# looked up first, then a GoAffPro referral code.
PLATFORM_PARAMETERS = {
    "uppromote": "sca_ref",
    "goaffpro": "ref",
    "refersion": "rfsn",
    "snowball": "snowball",
    "collabs": "dt_id",  # Shopify Collabs, formerly Dovetale
}
# Every parameter that credits a creator, in the order they are tried: ours first.
LINK_PARAMETERS = tuple(dict.fromkeys(("ref", *PLATFORM_PARAMETERS.values())))
_PLATFORMS_BY_PARAMETER = {
    parameter: tuple(name for name, its in PLATFORM_PARAMETERS.items() if its == parameter)
    for parameter in LINK_PARAMETERS
}
_LINK_KEYS = frozenset(LINK_PARAMETERS)


def is_operations(path: str) -> bool:
    """Whether `path` is one of OPERATIONS or below one: no creator is credited there."""
    return _OPERATIONS.fullmatch(path) is not None


@dataclass(frozen=True)
class Decision:
    referral: attribution.Referral | None = None
    creator: Any = None  # the credited active creator, or None
    followed: Any = None  # the creator whose link this request followed
    cookie: str = "keep"  # what to do with the referral cookie: "set", "clear" or "keep"
    redirect_to: str | None = None  # a link: the same URL without its LINK_PARAMETERS

    @property
    def theme(self) -> str | None:
        """The theme the credited creator picked (None: the configured one)."""
        return self.creator.theme if self.creator is not None else None


NOBODY = Decision()


def active(registry, name: str | None):
    """The active creator a handle or alias names, or None."""
    creator = registry.get(name) if name else None
    return creator if creator is not None and creator.is_active else None


def linked(registry, parameter: str, value: str):
    """The creator (any status) a link's `parameter` (one of LINK_PARAMETERS) names, or None."""
    if parameter == "ref" and (creator := registry.get(value)) is not None:
        return creator
    for platform in _PLATFORMS_BY_PARAMETER.get(parameter, ()):
        creator = registry.by_platform_id(platform, value)
        if creator is not None:
            return creator
    return None


def by_code(registry, code: str):
    """The active creator whose discount code is `code` (in any case), or None."""
    creator = registry.by_code(code)
    return creator if creator is not None and creator.is_active else None


def decide(*, path: str, method: str, query: Iterable[tuple[str, str]], cookie: str | None,
           registry, signer: attribution.Signer, model: str) -> Decision:
    """The referral decision for one request.

    An unknown, paused or archived creator earns nothing: their cookie is
    cleared, as is one that is tampered with or expired. A GET with a link
    parameter (`?ref=`, or a platform's, see PLATFORM_PARAMETERS) naming an
    active creator records the touch (with the landing's campaign parameters);
    any GET with one redirects to the same URL without them, whoever they name.
    """
    query = list(query)
    following = method == "GET" and any(key in _LINK_KEYS for key, _ in query)
    if (not cookie and not following) or is_operations(path):
        return NOBODY  # most page views: a brand visitor
    referral = signer.loads(cookie)
    creator = _credited(registry, referral, model)
    if creator is None:
        referral = None  # an unknown, paused or archived creator earns nothing
    state = "clear" if cookie and referral is None else "keep"
    decision = Decision(referral, creator, None, state)
    if following:
        followed = _followed(registry, _first(query))
        if followed is not None:
            decision = follow(decision, followed, query, registry, model)
        rest = [(key, value) for key, value in query if key not in _LINK_KEYS]
        decision = replace(decision, redirect_to=path + (f"?{urlencode(rest)}" if rest else ""))
    return decision


def follow(decision: Decision, creator, query: Iterable[tuple[str, str]], registry,
           model: str) -> Decision:
    """`decision` after the shopper followed active `creator`'s link (`?ref=`, a
    platform's parameter, `/@handle`, or their code) with `query`: the touch
    recorded, with the landing's campaign."""
    campaign = attribution.campaign_from(_first(query))
    referral = attribution.touch(decision.referral, creator.handle, campaign)
    return replace(decision, referral=referral, creator=_credited(registry, referral, model),
                   followed=creator, cookie="set")


def _followed(registry, first: dict[str, str]):
    """The active creator the first link parameter naming one names (ours first), or None."""
    for parameter in LINK_PARAMETERS:
        value = first.get(parameter)
        if value:
            creator = linked(registry, parameter, value)
            if creator is not None and creator.is_active:
                return creator
    return None


def _credited(registry, referral: attribution.Referral | None, model: str):
    return active(registry, referral.credited(model).handle) if referral is not None else None


def _first(query: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The first value of each parameter (what views read of a repeated one)."""
    first: dict[str, str] = {}
    for key, value in query:
        first.setdefault(key, value)
    return first
