"""Creators imported from the affiliate platforms' sample exports, and a link of each platform.

The samples (tests/fixtures/affiliates/) are what `flask creators import --from`
reads; the links are those the creators shared on the platform before the brand
moved, which must keep crediting them.
"""

from __future__ import annotations

from pathlib import Path

from storefront.creators import importer
from storefront.creators.platforms import PLATFORMS

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "affiliates"
# (platform, the query of a link a creator shared there, the imported creator it credits)
LINKS = [
    ("uppromote", "sca_ref=2837745.kQ7tR2xWmB", "nora-quinn"),
    ("goaffpro", "ref=rubyt", "ruby-tran"),
    ("refersion", "rfsn=1184551.8f3a2c", "uma-patel"),
    ("snowball", "snowball=XENA", "xena-lowe"),
    ("collabs", "dt_id=4471902", "alba-reyes"),
]
# Inactive affiliates arrive paused (or archived): their links credit no one.
PAUSED_LINKS = [
    ("uppromote", "sca_ref=2837746.Zp4LxV9cYe"),
    ("goaffpro", "ref=solbeck"),
    ("refersion", "rfsn=1184560.c01d9e"),
    ("snowball", "snowball=YARA"),
    ("collabs", "dt_id=4471915"),
]


def imported_creators(parent: Path) -> Path:
    """`parent`/creators, holding every sample export imported (as `--apply` writes it)."""
    folder = parent / "creators"
    folder.mkdir()
    for platform in PLATFORMS:
        plan = importer.plan_import(SAMPLES / f"{platform}.csv", folder, platform=platform)
        assert plan.count("invalid") == 0, platform
        importer.apply_import(plan, folder)
    return folder
