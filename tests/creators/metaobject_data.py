"""Demo-shop catalogs whose creators live in metaobjects: the shipped catalog, plus as many
generated creators as a test asks for, written into the test's own folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from storefront.demo_shop.catalog import CATALOG_DIR


def field(key: str, value: str, kind: str = "single_line_text_field") -> dict[str, str]:
    return {"key": key, "type": kind, "value": value}


def generated(number: int, name: str | None = None) -> dict[str, Any]:
    """Creator number `number` (handle creator-00042): a name, a bio, a hero, a code, a link."""
    handle = f"creator-{number:05d}"
    return {
        "id": 100_000 + number,
        "type": "creator",
        "handle": handle,
        "updatedAt": "2026-04-01T00:00:00Z",
        "fields": [
            field("name", name or f"Creator {number}"),
            field("status", "active"),
            field("bio", f"Creator number {number}, who writes about linen.",
                  "multi_line_text_field"),
            field("hero_title", f"Picked by creator {number}"),
            field("discount_code", f"CREATOR{number}"),
            field("collections", json.dumps(["apparel"]), "list.single_line_text_field"),
            field("social_instagram", f"https://www.instagram.com/{handle}.demo", "url"),
        ],
    }


def write_catalog(folder: Path, metaobjects: list[dict[str, Any]]) -> Path:
    """A demo catalog in `folder`: the shipped products, and these metaobjects; its catalog.json."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(CATALOG_DIR / "catalog.json", folder / "catalog.json")
    images = folder / "images"
    if not images.exists():
        images.symlink_to(CATALOG_DIR / "images", target_is_directory=True)
    write_metaobjects(folder, metaobjects)
    return folder / "catalog.json"


def write_metaobjects(folder: Path, metaobjects: list[dict[str, Any]]) -> None:
    temporary = folder / "metaobjects.json.tmp"
    temporary.write_text(json.dumps(metaobjects), encoding="utf-8")
    temporary.replace(folder / "metaobjects.json")


def shipped() -> list[dict[str, Any]]:
    """The demo creators' metaobjects, as the demo shop ships them."""
    return json.loads((CATALOG_DIR / "metaobjects.json").read_text(encoding="utf-8"))
