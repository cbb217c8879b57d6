"""The online store's URL redirects (`urlRedirects`), as Shopify serves them.

Shopify's query syntax filters them: `path:/old` and `target:/new` compare the
whole value without regard to case (a storefront lowercases the path of a 404
before it asks, and the admin keeps paths without a trailing slash); bare words
match inside either; `-` negates; `OR` joins alternatives.
"""

from __future__ import annotations

from storefront.demo_shop import ids, search
from storefront.demo_shop.catalog import Redirect
from storefront.demo_shop.pagination import paginate
from storefront.demo_shop.resolvers import registry
from storefront.demo_shop.resolvers.catalog import by_id, ctx

field = registry.field


def _matches(redirect: Redirect, term: search.Term) -> bool:
    path, target = redirect.path.casefold(), redirect.target.casefold()
    if term.field == "path":
        found = path == term.value
    elif term.field == "target":
        found = target == term.value
    elif term.field is None:
        found = term.value in path or term.value in target
    else:
        found = False  # a filter Shopify does not support here matches nothing
    return found != term.negated


def matching(redirects: tuple[Redirect, ...], text: str | None) -> list[Redirect]:
    query = search.parse(text)
    if query.is_empty:
        return list(redirects)
    return [r for r in redirects
            if any(all(_matches(r, term) for term in group) for group in query.groups)]


@field("QueryRoot", "urlRedirects")
def resolve_url_redirects(_, info, query=None, reverse=False, **window):
    found = matching(ctx(info).catalog.redirects, query)
    return paginate(found, by_id, reverse=bool(reverse), **window)


@field("UrlRedirect", "id")
def resolve_url_redirect_id(redirect: Redirect, info):
    return ids.gid("UrlRedirect", redirect.id)
