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

A picture a creator uploaded (the re-encoded copy in INSTANCE_DIR/creator-uploads/)
becomes a Shopify file first: a staged upload (stagedUploadsCreate, then a multipart
POST of the bytes to the target Shopify returned), then fileCreate. Files are
processed asynchronously, so the file is read again (`node`) until it is READY,
a bounded number of times; only then is the metaobject written, in the same
metaobjectUpdate as the other fields: a `file_reference` field `hero_image` gets
the file's id, a text `hero_image` (or a JSON `hero`) its URL. Anything that
fails keeps the change pending with the reason (a file already made stays in
Shopify's Files, unused, and approving again uploads the picture again).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from storefront.creators import metaobjects
from storefront.creators.fields import SOCIAL_PLATFORMS
from storefront.creators.registry import Registry
from storefront.self_service import draft as drafts
from storefront.self_service import images, publish
from storefront.shopify import admin

log = logging.getLogger(__name__)

EXTENSION = "shopify_admin"
# Reads of a new file before giving up, and the waits between them (the first is at once).
FILE_WAITS = (0.0, 0.5, 1.0, 2.0, 2.0, 2.0)
STAND_IN_URL = "https://cdn.shopify.com/s/files/picture.jpg"  # checks before the upload
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
            url = admin.admin_url(config["SHOPIFY_STORE_DOMAIN"], config["SHOPIFY_API_VERSION"])
            send = admin.HTTPSend(url, token, connect_timeout=config["SHOPIFY_CONNECT_TIMEOUT"],
                                  read_timeout=config["SHOPIFY_READ_TIMEOUT"])
            # Files go to https targets only; http only when the shop itself is a demo
            # shop on this machine (http://127.0.0.1:port).
            parts = urlsplit(url)
            upload = admin.HTTPUpload(
                allow_loopback_http=parts.scheme == "http"
                and parts.hostname in admin.LOOPBACK_HOSTS,
                connect_timeout=config["SHOPIFY_CONNECT_TIMEOUT"])
            found = admin.AdminClient(send, upload)
        else:
            # The embedded demo shop: its Admin API answers in-process, over the same catalog.
            from storefront.demo_shop.admin import DemoAdmin

            demo = DemoAdmin(app.extensions["storefront_client"].transport.shop)
            found = admin.AdminClient(demo.send, demo.upload)
        app.extensions[EXTENSION] = found
    return found


def why_not(app: Flask) -> str | None:
    """Why approving cannot write a metaobject in this store, or None when it can."""
    return NO_TOKEN if client(app) is None else None


def write(app: Flask, registry: Registry, handle: str, draft: Mapping[str, Any],
          wait: Callable[[float], None] = time.sleep) -> None:
    """Put `draft` into `handle`'s metaobject and have the creators read again;
    NotWritten (NotSent) when it cannot be, with the metaobject unchanged in Shopify.
    `wait` waits between reads of a new picture's file (tests pass their own)."""
    writer = client(app)
    if writer is None:
        raise NotSent(f"{handle} is kept in Shopify (a metaobject): {NO_TOKEN}")
    source = registry.shopify
    raw = _record(registry, handle)
    creator = registry.get(handle)
    if source is None or raw is None or creator is None:
        raise NotSent(f"there is no metaobject for {handle} in the last list read from Shopify")
    now = publish.current_draft(registry, creator)
    fields = {f["key"]: f for f in raw.get("fields") or () if isinstance(f.get("key"), str)}
    upload = None
    if draft["hero_image"] != now["hero_image"]:
        upload = _upload_path(app, draft["hero_image"])  # None: the picture is taken off
    picture = (STAND_IN_URL, STAND_IN_URL) if upload else ("", "") if \
        draft["hero_image"] != now["hero_image"] else None
    writes = field_writes(fields, draft, picture)
    if not writes:
        log.info("creator changes: %s's metaobject already holds the change", handle)
        return
    _check(registry, raw, writes, picture)  # before anything is sent
    try:
        id_ = raw.get("id") or writer.metaobject_id(source.type, handle)
        if not id_:
            raise NotSent(f"Shopify has no metaobject {source.type}/{handle} any more")
        if upload is not None:
            made = _make_file(writer, upload, creator.name, wait)
            picture = (made.id, made.url or "")
            writes = field_writes(fields, draft, picture)
            _check(registry, raw, writes, picture)  # with the file's real URL
            log.info("creator changes: %s's picture is Shopify file %s", handle, made.id)
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


def _upload_path(app: Flask, image: str):
    """The re-encoded upload a draft's new picture names; None when it takes it off."""
    if not image:
        return None
    name = drafts.upload_name(image)
    if name is None:
        raise NotSent("the new picture is not one uploaded here: ask the creator to upload "
                      "it again")
    path = images.uploads_dir(app.instance_path) / name
    if not path.is_file():
        raise NotSent(f"the uploaded image {name} is no longer on this server "
                      "(INSTANCE_DIR/creator-uploads/): ask the creator to upload it again")
    return path


def _make_file(writer: admin.AdminClient, path, alt: str,
               wait: Callable[[float], None]) -> admin.CreatedFile:
    """The picture at `path` as a READY Shopify file: staged upload, fileCreate, reads."""
    data = path.read_bytes()
    mime_type = images.MIMETYPES[path.suffix]
    target = writer.stage_upload(path.name, mime_type, len(data))
    writer.upload(target, path.name, mime_type, data)
    made = writer.create_image(target.resource_url, alt)
    for delay in FILE_WAITS:
        if made.status == "READY" and made.url:
            return made
        if made.status == "FAILED":
            raise admin.AdminRejected("Shopify could not process the picture (FAILED): ask "
                                      "the creator for another one")
        wait(delay)
        found = writer.file(made.id)
        if found is None:
            raise admin.AdminUnavailable(f"Shopify lost the new file {made.id}: try again")
        made = found
    if made.status == "READY" and made.url:
        return made
    raise admin.AdminUnavailable(f"Shopify is still processing the picture ({made.status}): "
                                 "approve again in a moment")


def _record(registry: Registry, handle: str) -> dict[str, Any] | None:
    source = registry.shopify
    if source is None:
        return None
    return next((raw for raw in source.records if raw.get("handle") == handle), None)


def field_writes(fields: Mapping[str, Mapping[str, Any]], draft: Mapping[str, Any],
                 picture: tuple[str, str] | None = None) -> dict[str, str]:
    """The fields to set (key -> value, "" to empty one) so that a metaobject with
    `fields` holds `draft`; only those whose value changes. `picture` is the new
    picture's (file id, URL), ("", "") to take it off, None to leave it as it is."""
    writes: dict[str, str] = {}
    hero = {"title": draft["hero_title"], "subtitle": draft["hero_subtitle"]}
    if picture is not None:
        kind = fields.get("hero_image", {}).get("type")
        if kind == "file_reference" or ("hero_image" not in fields and "hero" not in fields):
            # A file field (one of its own must be file_reference in the definition).
            if _value(fields.get("hero_image")) != picture[0]:
                writes["hero_image"] = picture[0]
        else:
            hero["image"] = picture[1]  # a text field or the JSON hero: the URL
    writes.update(_table(fields, "hero", hero))
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


def _check(registry: Registry, raw: Mapping[str, Any], writes: Mapping[str, str],
           picture: tuple[str, str] | None = None) -> None:
    """NotSent unless the metaobject, once written, reads back as a valid creator."""
    fields = [dict(f, value=writes[f["key"]]) if f.get("key") in writes else dict(f)
              for f in raw.get("fields") or ()]
    known = {f.get("key") for f in fields}
    for key, value in writes.items():
        if key not in known:
            kind = "json" if value[:1] in ("{", "[") else "single_line_text_field"
            fields.append({"key": key, "type": kind, "value": value, "image": None})
    for f in fields:
        if picture is not None and f["key"] == "hero_image" and f.get("value") == picture[0] \
                and (f.get("type") == "file_reference" or "hero_image" not in known):
            f["type"], f["image"] = "file_reference", picture[1] or None
    type_ = registry.shopify.type if registry.shopify else metaobjects.DEFAULT_TYPE
    creator, problems = metaobjects.check_metaobject({**raw, "fields": fields},
                                                     publish.context(registry), type_)
    if creator is None:
        raise NotSent("the metaobject would not be valid: " + "; ".join(problems))
