"""The demo shop's Files: staged uploads and the images made from them, as Shopify's work.

`stage()` hands out a target on the shop itself (`/_staged-uploads/<token>`) that
takes one multipart POST of an image of the declared type, at most the declared
size (and MAX_BYTES); `receive()` is that POST. `create()` (fileCreate) turns a
received upload into a MediaImage, PROCESSING at first and READY at its first
read (`status()`), the way Shopify processes files asynchronously. The images
are kept in memory for the life of the shop process and served at
`/demo-shop/files/uploads/<name>` (web.py), so a metaobject's file_reference to
one resolves to that URL like any catalog image.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storefront.demo_shop.catalog import Image

STAGED_PATH = "/_staged-uploads"
UPLOADS_PREFIX = "uploads/"  # under the shop's files path, apart from catalog images
MAX_BYTES = 20 * 1024 * 1024  # Shopify's limit for images
MAX_STAGED = 100  # targets waiting at once; the oldest is forgotten past that
FIRST_NUMBER = 9_000_001  # MediaImage numbers of created files, apart from the catalog's
# The image types Shopify takes, by MIME type: (extension, how the file starts).
KINDS = {"image/jpeg": (".jpg", (b"\xff\xd8\xff",)), "image/png": (".png", (b"\x89PNG\r\n",)),
         "image/webp": (".webp", (b"RIFF",)), "image/gif": (".gif", (b"GIF87a", b"GIF89a"))}


class UploadRefused(ValueError):
    """A staged upload that is not taken; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Staged:
    filename: str
    mime_type: str
    size: int
    data: bytes | None = None  # once received


@dataclass
class StoredFile:
    number: int
    name: str  # <number>.<ext>, under UPLOADS_PREFIX
    mime_type: str
    data: bytes
    alt: str
    created_at: str
    status: str = "PROCESSING"
    reads: int = field(default=0)

    @property
    def image(self) -> Image:
        """The catalog-shaped image a metaobject field resolves to."""
        return Image(None, UPLOADS_PREFIX + self.name, self.alt, None, None)


class FileStore:
    """Staged targets and created files; safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._staged: dict[str, Staged] = {}
        self._files: dict[int, StoredFile] = {}
        self._next = FIRST_NUMBER

    def stage(self, filename: str, mime_type: str, size: int) -> str:
        """A new target's token (the caller checked the type and size)."""
        token = secrets.token_urlsafe(16)
        with self._lock:
            if len(self._staged) >= MAX_STAGED:
                self._staged.pop(next(iter(self._staged)))
            self._staged[token] = Staged(filename, mime_type, size)
        return token

    def receive(self, token: str, fields: dict[str, str], data: bytes) -> None:
        """The multipart POST to target `token`; UploadRefused when it is not taken."""
        with self._lock:
            staged = self._staged.get(token)
            if staged is None or staged.data is not None:
                raise UploadRefused("no such upload target, or it was used already", 404)
            if fields.get("key") != token or fields.get("Content-Type") != staged.mime_type:
                raise UploadRefused("the upload's parameters are not the target's", 403)
            if len(data) > min(staged.size, MAX_BYTES):
                raise UploadRefused("the file is larger than the size given", 413)
            if not data.startswith(KINDS[staged.mime_type][1]):
                raise UploadRefused(f"the file is not an {staged.mime_type} image", 415)
            staged.data = data

    def create(self, token: str, alt: str) -> StoredFile | None:
        """A file from received upload `token` (used up); None when there is none."""
        with self._lock:
            staged = self._staged.get(token)
            if staged is None or staged.data is None:
                return None
            del self._staged[token]
            number, self._next = self._next, self._next + 1
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            stored = StoredFile(number, f"{number}{KINDS[staged.mime_type][0]}",
                                staged.mime_type, staged.data, alt, stamp)
            self._files[number] = stored
            return stored

    def read(self, number: int | None) -> StoredFile | None:
        """File `number` as a query sees it: processing is done by its first read."""
        with self._lock:
            stored = self._files.get(number) if number is not None else None
            if stored is not None:
                stored.reads += 1
                stored.status = "READY"
            return stored

    def get(self, number: int | None) -> StoredFile | None:
        with self._lock:
            return self._files.get(number) if number is not None else None

    def by_name(self, name: str) -> StoredFile | None:
        """The file served as `uploads/<name>`."""
        number, _dot, _ext = name.partition(".")
        stored = self.get(int(number)) if number.isdigit() else None
        return stored if stored is not None and stored.name == name else None
