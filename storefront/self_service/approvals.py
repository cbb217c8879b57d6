"""/admin/creators/changes: the brand approves or rejects what creators submitted.

Behind the admin's sign-in (storefront.admin.auth, the same throttled HTTP Basic
as every /admin page; 404 while the admin is off) and Flask-WTF's CSRF check on
every form. Each pending change is shown beside what the page holds now, with
its images and a preview (the theme's landing page, as the creator saw it). Only
an approval writes: into the creator's file (publish.py), checked whole first;
a file that would not be valid is left as it was and the change stays pending.
A creator kept in Shopify (a metaobject) is written through the Admin API
(metaobject_write.py) when SHOPIFY_ADMIN_TOKEN is set; without it, or when
Shopify refuses or can't be reached, the page says why and the change stays pending.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, request, url_for

from storefront.admin import auth
from storefront.admin.views import Refused
from storefront.self_service import draft as drafts
from storefront.self_service import images, metaobject_write, pages, preview, publish

log = logging.getLogger(__name__)

bp = Blueprint("self_service_admin", __name__, url_prefix="/admin/creators/changes")

REASON_MAX = 500
DONE = {"approved": "Approved: the change is live.", "rejected": "Rejected."}
FIELDS = (("hero_title", "Headline"), ("hero_subtitle", "Subtitle"), ("hero_image", "Image"),
          ("bio", "About"), ("social", "Links"), ("picks", "Picks and notes"))


auth.staff_only(bp)


@bp.errorhandler(Refused)
def _refused(refused: Refused):
    return pages.render("message.html", title=refused.title, message=refused.message,
                        back=url_for(".index")), refused.status


def _ledger():
    from storefront.orders import ledger_for

    try:
        return ledger_for(current_app)
    except Exception:
        log.exception("creator changes: the orders database cannot be opened")
        raise Refused(503, "Unavailable", "The orders database cannot be read just now.") \
            from None


def _actor() -> str:
    return f"admin:{request.authorization.username}"


@bp.get("")
def index():
    from storefront.self_service import store  # (with the database layer, on use)

    ledger, registry = _ledger(), current_app.extensions["creators"]
    try:
        waiting = store.pending(ledger.engine)
        events = store.recent_events(ledger.engine)
    except Exception:
        log.exception("creator changes: cannot be read")
        raise Refused(503, "Unavailable", "The changes cannot be read just now.") from None
    shown = []
    blocked = metaobject_write.why_not(current_app)  # None: metaobjects can be written
    for change in waiting:
        creator = registry.get(change.handle)
        now = publish.current_draft(registry, creator) if creator else drafts.empty()
        in_shopify = creator is not None and registry.source_of(creator.handle) == "shopify"
        shown.append({
            "change": change, "creator": creator, "now": now, "proposed": change.data,
            "changed": {key for key, _label in FIELDS if now.get(key) != change.data.get(key)},
            "writable": creator is not None and not (in_shopify and blocked),
            "why_not": f"{change.handle} is kept in Shopify (a metaobject): {blocked}"
            if in_shopify and blocked else None,
            "now_image": drafts.image_url(now["hero_image"]),
            "proposed_image": drafts.image_url(change.data["hero_image"]),
        })
    return pages.render("changes.html", shown=shown, events=events, fields=FIELDS,
                        done=DONE.get(request.args.get("done", "")),
                        source=registry.source,
                        metaobject_note=blocked if registry.source != "files" else None)


def _pending(ledger, change_id: int):
    from storefront.self_service import store

    change = store.get(ledger.engine, change_id)
    if change is None:
        raise Refused(404, "No such change", "There is no such change.")
    if change.status != store.PENDING:
        raise Refused(409, "Already decided", f"This change is {change.status} already.")
    return change


@bp.get("/<int:change_id>/preview")
def show_preview(change_id: int):
    from storefront.self_service import store

    ledger, registry = _ledger(), current_app.extensions["creators"]
    change = store.get(ledger.engine, change_id)
    creator = registry.get(change.handle) if change else None
    if change is None or creator is None:
        raise Refused(404, "No such change", "There is no such change, or its creator is gone.")
    found, problems = drafts.check(creator.handle, publish.current_data(registry, creator),
                                   change.data, publish.context(registry))
    if found is None:
        raise Refused(409, "Cannot be previewed", "; ".join(problems))
    return preview.render(found)


@bp.post("/<int:change_id>/approve")
def approve(change_id: int):
    from storefront.self_service import store

    ledger, registry = _ledger(), current_app.extensions["creators"]
    change = _pending(ledger, change_id)
    creator = registry.get(change.handle)
    if creator is None:
        raise Refused(409, "Creator gone", f"There is no creator {change.handle!r} any more.")
    try:
        if registry.source_of(creator.handle) == "shopify":
            metaobject_write.write(current_app, registry, creator.handle, change.data)
        else:
            publish.write(registry, creator.handle, change.data,
                          images.uploads_dir(current_app.instance_path))
    except publish.NotWritten as error:
        # Not approved: the change stays pending, to approve again later.
        raise Refused(getattr(error, "status", 409), "Not approved",
                      f"The change was not written, and stays pending: {error}") from None
    if not store.decide(ledger.engine, change_id, store.APPROVED, _actor(), ledger.clock()):
        raise Refused(409, "Already decided", "Someone decided on this change meanwhile.")
    log.info("creator changes: change %d of %s approved by %s", change_id, creator.handle,
             _actor())
    return redirect(url_for(".index", done="approved"), 303)


@bp.post("/<int:change_id>/reject")
def reject(change_id: int):
    from storefront.self_service import store

    ledger = _ledger()
    _pending(ledger, change_id)
    reason = (request.form.get("reason") or "").strip()[:REASON_MAX] or None
    if not store.decide(ledger.engine, change_id, store.REJECTED, _actor(), ledger.clock(),
                        reason=reason):
        raise Refused(409, "Already decided", "Someone decided on this change meanwhile.")
    return redirect(url_for(".index", done="rejected"), 303)
