"""An approved change written into the creator's metaobject in Shopify, through the Admin API.

Only the fields a creator edits are sent, in the form that metaobject already
uses (storefront.creators.metaobjects reads either): a `hero_title` field is
written as such, a JSON `hero` field has its `title` replaced, and a key that
has neither becomes its own field (`hero_title`, `social_youtube`; Shopify
refuses it if the metaobject definition lacks that field, and the page says so).
Notes are one JSON field, `notes`, in the creator's order.

Before anything is sent, the metaobject as it would be is read back through the
same checks as any creator metaobject; a change that would not be valid is not
sent. After Shopify took it, the creators are read again at once, the way a
`metaobjects/update` webhook has them read (every process follows within its
reload interval), rather than at the next poll.

A picture a creator uploaded would have to become a Shopify file first (staged
upload, then fileCreate): not done here, so a change of picture to a metaobject
is refused with a message, and the rest of the page stays as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from storefront.creators import metaobjects
from storefront.creators.fields import SOCIAL_PLATFORMS
from storefront.creators.registry import Registry
from storefront.self_service import publish
from storefront.shopify import admin

log = logging.getLogger(__name__)

EXTENSION = "shopify_admin"
NO_TOKEN = ("approving writes a metaobject only with SHOPIFY_ADMIN_TOKEN set: an Admin API "
            f"access token of this shop's app with the {admin.SCOPE} scope. Set it and "
            "restart the store, or make the change in Shopify admin and reject it here.")


class NotSent(publish.NotWritten):
    """Shopify did not take the change (or could not be asked); `status` for the page."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def client(app: Flask) -> admin.AdminClient | None:
    """The app's Admin API client, made on first use; None without SHOPIFY_ADMIN_TOKEN."""
    config = app.config
    token = config.get("SHOPIFY_ADMIN_TOKEN")
    if not token:
        return None
    found = app.extensions.get(EXTENSION)
    if found is None:
        if config.get("SHOPIFY_STORE_DOMAIN"):
            send = admin.HTTPSend(
                admin.admin_url(config["SHOPIFY_STORE_DOMAIN"], config["SHOPIFY_API_VERSION"]),
                token, connect_timeout=config["SHOPIFY_CONNECT_TIMEOUT"],
                read_timeout=config["SHOPIFY_READ_TIMEOUT"])
        else:
            # The embedded demo shop: its Admin API answers in-process, over the same catalog.
            from storefront.demo_shop.admin import DemoAdmin

            send = DemoAdmin(app.extensions["storefront_client"].transport.shop).send
        found = app.extensions[EXTENSION] = admin.AdminClient(send)
    return found


def why_not(app: Flask) -> str | None:
    """Why approving cannot write a metaobject in this store, or None when it can."""
    return NO_TOKEN if client(app) is None else None


def write(app: Flask, registry: Registry, handle: str, draft: Mapping[str, Any]) -> None:
    """Put `draft` into `handle`'s metaobject and have the creators read again;
    NotWritten (NotSent) when it cannot be, with nothing changed in Shopify."""
    writer = client(app)
    if writer is None:
        raise NotSent(f"{handle} is kept in Shopify (a metaobject): {NO_TOKEN}")
    source = registry.shopify
    raw = _record(registry, handle)
    creator = registry.get(handle)
    if source is None or raw is None or creator is None:
        raise NotSent(f"there is no metaobject for {handle} in the last list read from Shopify")
    now = publish.current_draft(registry, creator)
    if draft["hero_image"] != now["hero_image"]:
        raise NotSent("the picture changed, and a picture cannot be written to a metaobject "
                      "from here yet: upload it in Shopify admin (Content > Files) and set it "
                      f"on {handle}'s metaobject there, or reject this change and ask the "
                      "creator to send it again keeping the picture")
    fields = {f["key"]: f for f in raw.get("fields") or () if isinstance(f.get("key"), str)}
    writes = field_writes(fields, draft)
    if not writes:
        log.info("creator changes: %s's metaobject already holds the change", handle)
        return
    _check(registry, raw, writes)
    try:
        id_ = raw.get("id") or writer.metaobject_id(source.type, handle)
        if not id_:
            raise NotSent(f"Shopify has no metaobject {source.type}/{handle} any more")
        done = writer.update_metaobject(id_, writes)
    except admin.AdminError as error:
        busy = isinstance(error, admin.AdminUnavailable | admin.AdminThrottled)
        log.warning("creator changes: %s's metaobject not written: %s (%s)", handle, error,
                    error.kind)
        raise NotSent(str(error), 503 if busy else 409) from None
    log.info("creator changes: %s's metaobject %s written (%s), updated at %s", handle,
             done.get("id"), ", ".join(sorted(writes)), done.get("updatedAt"))
    # As a metaobjects/update webhook does: every process reads the creators again at
    # its next tick; this one at once, so the brand sees the change on the next page.
    try:
        source.changed()
        registry.refresh(fetch=True)
    except Exception:  # Shopify has the change: the poll or the webhook brings it later
        log.exception("creator changes: creators not read again after writing %s", handle)


def _record(registry: Registry, handle: str) -> dict[str, Any] | None:
    source = registry.shopify
    if source is None:
        return None
    return next((raw for raw in source.records if raw.get("handle") == handle), None)


def field_writes(fields: Mapping[str, Mapping[str, Any]],
                 draft: Mapping[str, Any]) -> dict[str, str]:
    """The fields to set (key -> value, "" to empty one) so that a metaobject with
    `fields` holds `draft`; only those whose value changes."""
    writes: dict[str, str] = {}
    writes.update(_table(fields, "hero", {"title": draft["hero_title"],
                                          "subtitle": draft["hero_subtitle"]}))
    if _value(fields.get("bio")) != draft["bio"]:
        writes["bio"] = draft["bio"]
    writes.update(_table(fields, "social", {platform: draft["social"].get(platform, "")
                                            for platform in SOCIAL_PLATFORMS}))
    writes.update(_notes(fields, {handle: note for handle, note, _title in draft["picks"]}))
    return writes


def _value(field: Mapping[str, Any] | None) -> str:
    return (field or {}).get("value") or ""


def _json_object(field: Mapping[str, Any], key: str) -> dict[str, Any]:
    text = _value(field)
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise NotSent(f"the metaobject's field '{key}' is not a JSON object; fix it in "
                      "Shopify admin first")
    return value


def _table(fields: Mapping[str, Mapping[str, Any]], table: str,
           wanted: Mapping[str, str]) -> dict[str, str]:
    """Writes for the keys of `table` that a creator edits, each in the form it has now."""
    writes: dict[str, str] = {}
    whole = _json_object(fields[table], table) if table in fields else None
    edited = dict(whole) if whole is not None else None
    for key, value in wanted.items():
        own = f"{table}_{key}"
        if own in fields:
            if _value(fields[own]) != value:
                writes[own] = value
        elif edited is not None:
            if value:
                edited[key] = value
            else:
                edited.pop(key, None)
        elif value:
            writes[own] = value  # a field of its own: the definition must have it
    if edited is not None and edited != whole:
        writes[table] = json.dumps(edited, ensure_ascii=False) if edited else ""
    return writes


def _notes(fields: Mapping[str, Mapping[str, Any]], wanted: dict[str, str]) -> dict[str, str]:
    """The `notes` JSON field, when the creator's notes (or their order) changed."""
    apart = sorted(key for key in fields if key.startswith("notes_"))
    if apart:
        raise NotSent(f"the metaobject keeps notes in fields of their own ({', '.join(apart)}): "
                      "approving writes notes as one JSON field 'notes'; move them there in "
                      "Shopify admin first")
    now = _json_object(fields["notes"], "notes") if "notes" in fields else {}
    if list(now.items()) == list(wanted.items()):
        return {}
    return {"notes": json.dumps(wanted, ensure_ascii=False) if wanted else ""}


def _check(registry: Registry, raw: Mapping[str, Any], writes: Mapping[str, str]) -> None:
    """NotSent unless the metaobject, once written, reads back as a valid creator."""
    fields = [dict(f, value=writes[f["key"]]) if f.get("key") in writes else dict(f)
              for f in raw.get("fields") or ()]
    known = {f.get("key") for f in fields}
    for key, value in writes.items():
        if key not in known:
            kind = "json" if value[:1] in ("{", "[") else "single_line_text_field"
            fields.append({"key": key, "type": kind, "value": value, "image": None})
    type_ = registry.shopify.type if registry.shopify else metaobjects.DEFAULT_TYPE
    creator, problems = metaobjects.check_metaobject({**raw, "fields": fields},
                                                     publish.context(registry), type_)
    if creator is None:
        raise NotSent("the metaobject would not be valid: " + "; ".join(problems))
