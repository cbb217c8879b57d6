"""What a creator may change on their page, as a plain dict kept with each change:

    {"hero_title": str, "hero_subtitle": str, "hero_image": str, "bio": str,
     "social": {platform: url}, "picks": [[product handle, note, title], ...]}

`hero_image` is "" (none), the value their file has (a media file name or an
https:// URL), or "upload:<name>" (an image they uploaded, images.py). Picks are
the products they wrote a note on, in order: the creator file's `[notes]`.
Empty text means "not on my page". Everything else of the creator file (name,
discount, commission, collections...) is the brand's, and never read from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from storefront.creators import validate
from storefront.creators.fields import BIO_MAX, NOTE_MAX, SOCIAL_PLATFORMS
from storefront.creators.model import Creator
from storefront.creators.rules import MEDIA_URL, is_shopify_handle
from storefront.self_service import images

UPLOAD = "upload:"
UPLOADS_URL = "/creator-uploads/"
TITLE_MAX = 200
URL_MAX = 500
PICKS_MAX = 24  # each is two form fields; the store takes at most 100 per form


def empty() -> dict[str, Any]:
    return {"hero_title": "", "hero_subtitle": "", "hero_image": "", "bio": "", "social": {},
            "picks": []}


def from_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The draft of a creator file's parsed TOML, as it is now."""
    hero = data.get("hero") if isinstance(data.get("hero"), Mapping) else {}
    social = data.get("social") if isinstance(data.get("social"), Mapping) else {}
    notes = data.get("notes") if isinstance(data.get("notes"), Mapping) else {}
    return {
        "hero_title": str(hero.get("title", "")), "hero_subtitle": str(hero.get("subtitle", "")),
        "hero_image": str(hero.get("image", "")), "bio": str(data.get("bio", "")),
        "social": {k: str(v) for k, v in social.items() if k in SOCIAL_PLATFORMS},
        "picks": [[handle, str(note), ""] for handle, note in notes.items()],
    }


def from_creator(creator: Creator) -> dict[str, Any]:
    """The draft of a creator with no file (a Shopify metaobject): images as URLs."""
    hero = creator.hero
    return {
        "hero_title": hero.title if hero else "", "hero_subtitle": (hero and hero.subtitle) or "",
        "hero_image": ((hero and hero.image) or "").removeprefix(MEDIA_URL),
        "bio": creator.bio or "",
        "social": dict(creator.social),
        "picks": [[handle, note, ""] for handle, note in creator.notes.items()],
    }


def _text(form: Mapping[str, str], key: str, limit: int, problems: list[str],
          label: str) -> str:
    value = (form.get(key) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > limit:
        problems.append(f"{label}: at most {limit} characters, please (not {len(value)}).")
        value = value[:limit]
    return value


def from_form(form: Mapping[str, str], previous: Mapping[str, Any]) -> tuple[dict, list[str]]:
    """The draft a submitted edit form describes, and what was wrong with the form itself
    (values too long are cut; the creator sees why). Picks keep `previous`' titles."""
    problems: list[str] = []
    draft = empty()
    draft["hero_title"] = _text(form, "hero_title", TITLE_MAX, problems, "Headline")
    draft["hero_subtitle"] = _text(form, "hero_subtitle", TITLE_MAX, problems, "Subtitle")
    draft["bio"] = _text(form, "bio", BIO_MAX, problems, "About you")
    # The image is not a form field: only what the page offered (kept or removed).
    draft["hero_image"] = previous.get("hero_image", "") if form.get("hero_image") == "keep" \
        else ""
    for platform in SOCIAL_PLATFORMS:
        url = _text(form, f"social_{platform}", URL_MAX, problems, platform.capitalize())
        if url:
            draft["social"][platform] = url
    titles = {pick[0]: pick[2] for pick in previous.get("picks", ())}
    seen = set()
    for number in range(PICKS_MAX):
        handle = (form.get(f"pick_{number}") or "").strip()
        if not handle:
            continue
        if not is_shopify_handle(handle) or len(handle) > 255:
            problems.append(f"{handle[:60]!r} is not a product of this store.")
            continue
        if handle in seen:
            continue
        seen.add(handle)
        note = _text(form, f"note_{number}", NOTE_MAX, problems, f"Your note on {handle}")
        draft["picks"].append([handle, note, titles.get(handle, "")])
    return draft, problems


def applied(data: Mapping[str, Any], draft: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of parsed creator `data` with the draft's keys in place (for validation)."""
    result = {key: value for key, value in data.items()
              if key not in ("hero", "bio", "social", "notes")}
    hero = dict(data.get("hero") or {})
    for key, value in (("title", draft["hero_title"]), ("subtitle", draft["hero_subtitle"]),
                       ("image", file_value(draft["hero_image"]))):
        if value:
            hero[key] = value
        else:
            hero.pop(key, None)
    if hero:
        result["hero"] = hero
    if draft["bio"]:
        result["bio"] = draft["bio"]
    if draft["social"]:
        result["social"] = dict(draft["social"])
    if draft["picks"]:
        result["notes"] = {handle: note for handle, note, _title in draft["picks"]}
    return result


def file_value(image: str) -> str:
    """What the creator file says for draft image `image` (an upload by its file name)."""
    return image.removeprefix(UPLOAD)


def upload_name(image: str) -> str | None:
    name = image.removeprefix(UPLOAD) if image.startswith(UPLOAD) else None
    return name if name and images.is_upload_name(name) else None


def check(handle: str, data: Mapping[str, Any], draft: Mapping[str, Any],
          context: validate.Context) -> tuple[Creator | None, list[str]]:
    """The creator the draft would make of `data` (None and the problems if it can't),
    its uploaded image shown from the uploads folder."""
    upload = upload_name(draft["hero_image"])
    if draft["hero_image"].startswith(UPLOAD) and upload is None:
        return None, ["hero.image: that upload is not known: upload the image again"]
    if upload is not None:
        context = replace(context, media_files=context.media_files | {upload})
    creator, problems = validate.check_data(handle, applied(data, draft), context)
    if creator is None:
        return None, [explain(problem, draft) for problem in problems]
    if upload is not None and creator.hero is not None:
        creator = replace(creator, hero=replace(creator.hero, image=UPLOADS_URL + upload))
    return creator, []


def image_url(image: str) -> str | None:
    """Where the edit page shows draft image `image`."""
    if not image:
        return None
    if (upload := upload_name(image)) is not None:
        return UPLOADS_URL + upload
    return image if "://" in image or image.startswith("/") else MEDIA_URL + image


LABELS = {"hero.title": "Headline", "hero.subtitle": "Subtitle", "hero.image": "Picture",
          "hero": "Top of your page", "bio": "About you"}


def explain(problem: str, draft: Mapping[str, Any]) -> str:
    """A validation message (`notes.tee: must not be empty`) with the key as the form
    names it (`Your note on Organic Tee: must not be empty`)."""
    key, sep, text = problem.partition(": ")
    if not sep:
        return problem
    if key in LABELS:
        return f"{LABELS[key]}: {text}"
    if key.startswith("social.") and key[7:] in SOCIAL_PLATFORMS:
        return f"{key[7:].capitalize()}: {text}"
    if key.startswith("notes."):
        titles = {handle: title for handle, _note, title in draft["picks"]}
        return f"Your note on {titles.get(key[6:]) or key[6:]}: {text}"
    return problem
