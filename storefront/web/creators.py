"""Vanity links: `/@<handle>` (the creator's landing page) and `/@<handle>/<path>`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for

from storefront.current import visit
from storefront.services import catalog
from storefront.web import layout, referral
from storefront.web.catalog import home_collections, shared
from storefront.web.context import storefront
from storefront.web.redirects import same_origin_path

bp = Blueprint("creators", __name__)


def _query() -> str:
    query = request.query_string.decode("latin-1")
    return f"?{query}" if query else ""


def _known(handle: str):
    """The creator a handle or alias names (any status), or the branded 404."""
    creator = current_app.extensions["creators"].get(handle)
    if creator is None:
        abort(404)
    return creator


@bp.get("/@<handle>")
def landing(handle: str):
    creator = _known(handle)
    if handle != creator.handle:
        # An alias or another spelling: one address per creator.
        return redirect(url_for("creators.landing", handle=creator.handle) + _query(), 301)
    if not creator.is_active:
        # A paused or archived creator's link shows the brand's store, crediting no one.
        return redirect("/" + _query(), 302)
    referral.follow(creator)

    def build():
        featured, teasers = home_collections()
        page = catalog.home(storefront(), featured, teasers)
        return layout.page("creator.html", home=page, landing=creator)

    return shared(build)


# merge_slashes=False: `/@x//evil.example` must reach the view (and be refused),
# not be tidied into another path by a redirect.
@bp.get("/@<handle>/<path:rest>", merge_slashes=False)
def deep_link(handle: str, rest: str):
    creator = _known(handle)
    if creator.is_active:
        referral.follow(creator)
    target = same_origin_path("/" + rest, default="/")
    return redirect(target + _query(), 302)


def creator_context() -> dict:
    """What every template knows of the credited creator (nothing for brand visitors)."""
    creator = visit().creator
    if creator is None:
        return {"creator": None, "picks": (), "picks_label": None}
    return {
        "creator": creator,
        "picks": frozenset(creator.picks),
        "picks_label": f"{creator.name.split()[0]}'s pick",
    }
