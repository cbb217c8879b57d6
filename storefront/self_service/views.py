"""/creator-edit/<token>: a creator edits their own page; the brand approves it elsewhere.

One form, posted to the same address, does everything without JavaScript: each of
its buttons saves the draft and then searches the catalog, adds, moves or removes
a pick, opens the preview (the theme's landing page, /creator-edit/<token>/preview)
or sends the draft to the brand. Every answer is no-store, noindex, no-referrer.
The form may carry an image (up to images.MAX_BYTES): this blueprint takes larger
bodies than the store's other forms, so it checks the CSRF token itself, after
raising the limit (Flask-WTF's own check would read the body first).
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from storefront.creator_stats import opening
from storefront.creator_stats.opening import Opened
from storefront.creators import rules
from storefront.self_service import EDIT, images, pages, preview, publish
from storefront.self_service import draft as drafts
from storefront.services import catalog
from storefront.shopify.errors import StorefrontError
from storefront.web import csrf
from storefront.web.context import storefront

log = logging.getLogger(__name__)

bp = Blueprint("self_service", __name__)

# Room for the form's text beside the image (notes, bio...), well within the store's.
FORM_ROOM = 256 * 1024
SEARCH_MAX = 200
NOTICES = {
    "saved": "Saved. Nothing changes on your page until you send it and the brand approves.",
    "sent": "Sent to the brand. Your page changes when they approve it.",
}


@bp.before_request
def _limits():
    request.max_content_length = images.MAX_BYTES + FORM_ROOM
    csrf.protect()


# Private answers; a link that does not work, the database down...: opening.py's pages.
opening.link_pages(bp, EDIT, pages.render)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    return pages.render("message.html", title="Too large", message=(
        f"That was more than we take at once: an image of at most "
        f"{images.MAX_BYTES // 1048576} MB, please. Go back and choose a smaller one.")), 413


def _open(token: str) -> Opened:
    return opening.open_link(EDIT, token)


def _registry():
    return current_app.extensions["creators"]


def _draft(opened: Opened) -> dict:
    from storefront.self_service import store

    try:
        # Their draft; else what they sent and is still waiting (editing goes on from
        # there, not from the live page); else the live page.
        found = store.draft_of(opened.ledger.engine, opened.handle) or store.latest_of(
            opened.ledger.engine, opened.handle)
    except Exception:
        log.exception("creator edit: drafts cannot be read")
        raise opening.unavailable(EDIT) from None
    if found is not None and found.status in (store.DRAFT, store.PENDING):
        return found.data
    return publish.current_draft(_registry(), opened.creator)


def _check(opened: Opened, draft: dict):
    registry = _registry()
    return drafts.check(opened.handle, publish.current_data(registry, opened.creator), draft,
                        publish.context(registry))


@bp.get("/<token>")
def edit(token: str):
    opened = _open(token)
    query = request.args.get("q", "")[:SEARCH_MAX]
    return _page(token, opened, _draft(opened), query=query,
                 notice=NOTICES.get(request.args.get("done", "")))


def _page(token: str, opened: Opened, draft: dict, *, status: int = 200, query: str = "",
          problems: list[str] | None = None, notice: str | None = None):
    results, search_problem = None, None
    if catalog.search_terms(query):
        try:
            results = catalog.search(storefront(), query, catalog.Window()).items
        except StorefrontError as error:
            log.info("creator edit: search unavailable: %s", error)
            search_problem = "The catalog cannot be searched just now. Try again in a minute."
    if problems is None:
        problems = _check(opened, draft)[1]
    from storefront.self_service import store

    try:
        latest = store.latest_of(opened.ledger.engine, opened.handle)
    except Exception:
        log.exception("creator edit: changes cannot be read")
        raise opening.unavailable(EDIT) from None
    body = pages.render(
        "edit.html", token=token, creator=opened.creator, draft=draft, problems=problems,
        notice=notice, query=query, results=results, search_problem=search_problem,
        latest=latest, image_url=drafts.image_url(draft["hero_image"]),
        platforms=drafts.SOCIAL_PLATFORMS, picks_max=drafts.PICKS_MAX,
        max_mb=images.MAX_BYTES // 1048576,
        from_shopify=_registry().source_of(opened.handle) != "file")
    return body, status


@bp.post("/<token>")
def save(token: str):
    from storefront.self_service import store

    opened = _open(token)
    previous = _draft(opened)
    draft, problems = drafts.from_form(request.form, previous)
    upload = request.files.get("hero_image_file")
    if upload is not None and upload.filename:
        try:
            stored = images.store(upload.stream.read(images.MAX_BYTES + 1),
                                  images.uploads_dir(current_app.instance_path))
        except images.BadImage as refused:
            problems.append(f"Your image was not taken: {refused}")
        else:
            draft["hero_image"] = drafts.UPLOAD + stored.name
    action = _act(draft, problems)
    engine, now = opened.ledger.engine, opened.ledger.clock()
    try:
        store.save_draft(engine, opened.handle, opened.link_id, draft, now)
    except Exception:
        log.exception("creator edit: a draft cannot be written")
        raise opening.unavailable(EDIT) from None
    query = request.form.get("q", "")[:SEARCH_MAX]
    if problems:  # what the form itself got wrong: shown now, the rest kept
        return _page(token, opened, draft, status=400, query=query,
                     problems=problems + _check(opened, draft)[1])
    if action == "preview":
        return redirect(url_for(".show_preview", token=token), 303)
    if action == "submit":
        creator, found = _check(opened, draft)
        if creator is None:
            return _page(token, opened, draft, status=422, problems=found)
        try:
            store.submit(engine, opened.handle, opened.link_id, now)
        except Exception:
            log.exception("creator edit: a change cannot be submitted")
            raise opening.unavailable(EDIT) from None
        return redirect(url_for(".edit", token=token, done="sent"), 303)
    if action == "search":
        return redirect(url_for(".edit", token=token, q=query) + "#search", 303)
    anchor = "#picks" if action in ("add", "remove", "up") else ""
    return redirect(url_for(".edit", token=token, done="saved") + anchor, 303)


def _act(draft: dict, problems: list[str]) -> str:
    """Apply the button that was pressed to `draft`; its name."""
    form, picks = request.form, draft["picks"]
    handles = [pick[0] for pick in picks]
    if "remove" in form:
        draft["picks"] = [pick for pick in picks if pick[0] != form["remove"]]
        return "remove"
    if "up" in form:
        if form["up"] in handles and (at := handles.index(form["up"])) > 0:
            picks[at - 1], picks[at] = picks[at], picks[at - 1]
        return "up"
    if "add" in form:
        handle = form["add"]
        if handle in handles:
            return "add"
        if len(picks) >= drafts.PICKS_MAX:
            problems.append(f"You have {drafts.PICKS_MAX} picks already: remove one first.")
            return "add"
        try:
            found = catalog.product(storefront(), handle, None) \
                if rules.is_shopify_handle(handle) else None
        except StorefrontError as error:
            log.info("creator edit: product lookup failed: %s", error)
            problems.append("The catalog cannot be reached just now. Try again in a minute.")
            return "add"
        if found is None:
            problems.append("That product is not in the store.")
            return "add"
        picks.append([handle, "", found.product.title])
        return "add"
    action = form.get("action", "save")
    return action if action in ("save", "preview", "submit", "search") else "save"


@bp.get("/<token>/preview")
def show_preview(token: str):
    opened = _open(token)
    creator, problems = _check(opened, _draft(opened))
    if creator is None:
        return pages.render("message.html", title="Not ready to preview", message=(
            "Fix these first, then preview again: " + "; ".join(problems)),
            back=url_for(".edit", token=token)), 200
    return preview.render(creator)

