"""A small client of Shopify's Admin GraphQL API: the one write the store makes there.

The Storefront API cannot write metaobjects, so an approved change to a creator
kept in Shopify goes through the Admin API with SHOPIFY_ADMIN_TOKEN (sent as
`X-Shopify-Access-Token`; the token needs the `write_metaobjects` scope).
Its documents live in `admin_documents/`, apart from the Storefront ones: they
are checked against the demo shop's Admin schema, not Shopify's (the repository
has only the Storefront schema).

Like the Storefront transport, it has timeouts, never follows a redirect (the
token would travel with it) and never retries a mutation. Every failure is an
AdminError whose message says what to do, for the brand's page; the token is
never part of one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

DOCUMENTS_DIR = Path(__file__).parent / "admin_documents"
TOKEN_HEADER = "X-Shopify-Access-Token"
SCOPE = "write_metaobjects"
FILES_SCOPE = "write_files"  # a creator's picture becomes a Shopify file first
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})

# One request, as JSON: (HTTP status, parsed body or None). The HTTP one is the
# default; the embedded demo shop answers in-process through the same shape.
Send = Callable[[dict[str, Any], float | None], tuple[int, Any]]


class AdminError(Exception):
    """Shopify's Admin API did not make the change; `str()` says why and what to do."""

    kind = "error"


class AdminUnauthorized(AdminError):
    """The token was refused (401)."""

    kind = "unauthorized"


class AdminForbidden(AdminError):
    """The token lacks a scope (403, ACCESS_DENIED)."""

    kind = "forbidden"


class AdminThrottled(AdminError):
    """Shopify asked us to slow down (429, THROTTLED)."""

    kind = "throttled"


class AdminUnavailable(AdminError):
    """Shopify could not be reached, or answered with something else than an answer."""

    kind = "unavailable"


class AdminRejected(AdminError):
    """Shopify refused the request as written (userErrors, a query error, a 4xx)."""

    kind = "rejected"


def admin_url(domain: str, version: str) -> str:
    """`shop.myshopify.com` -> its Admin GraphQL endpoint; a domain with a scheme keeps it."""
    base = domain.rstrip("/") if "://" in domain else f"https://{domain.strip('/')}"
    return f"{base}/admin/api/{version}/graphql.json"


@cache
def documents() -> dict[str, str]:
    """The Admin documents, by operation name (the file's name)."""
    return {path.stem: path.read_text(encoding="utf-8")
            for path in sorted(DOCUMENTS_DIR.glob("*.graphql"))}


class HTTPSend:
    """POSTs to one Admin endpoint with the token, over a pooled session per process."""

    def __init__(self, url: str, token: str, *, connect_timeout: float = 3.0,
                 read_timeout: float = 8.0) -> None:
        self.url = url
        self.timeout = (connect_timeout, read_timeout)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json",
                         TOKEN_HEADER: token}
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        self._pid: int | None = None

    def __repr__(self) -> str:  # never the headers: they hold the token
        return f"HTTPSend({self.url!r})"

    def _get_session(self) -> requests.Session:
        # Made in the process that uses it: sockets are not shared across a fork.
        with self._lock:
            if self._session is None or self._pid != os.getpid():
                session = requests.Session()
                adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                self._session, self._pid = session, os.getpid()
            return self._session

    def __call__(self, payload: dict[str, Any], timeout: float | None = None) -> tuple[int, Any]:
        try:
            reply = self._get_session().post(
                self.url, json=payload, headers=self._headers,
                timeout=self.timeout if timeout is None else (min(self.timeout[0], timeout),
                                                              min(self.timeout[1], timeout)),
                allow_redirects=False,  # the token must never travel to another origin
            )
        except requests.Timeout:
            # The write may have been made all the same: sending the same values again
            # (approving again) is harmless, so the caller keeps the change to do so.
            raise AdminUnavailable("Shopify's Admin API did not answer in time (the change "
                                   "may or may not have been made): try again in a "
                                   "moment") from None
        except requests.RequestException as error:
            raise AdminUnavailable("Shopify's Admin API could not be reached "
                                   f"({type(error).__name__}): try again in a moment") from None
        try:
            body = reply.json()
        except ValueError:
            body = None
        return reply.status_code, body


@dataclass(frozen=True)
class StagedTarget:
    """Where Shopify wants a file's bytes (`url`, with `parameters` as form fields first),
    and what to name it by afterwards (`resource_url`, fileCreate's originalSource)."""

    url: str
    resource_url: str
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CreatedFile:
    id: str
    status: str  # Shopify's FileStatus: UPLOADED, PROCESSING, READY, FAILED
    url: str | None  # the image's URL once READY


# One staged upload: (target, file name, MIME type, bytes) -> None, AdminError on failure.
Upload = Callable[[StagedTarget, str, str, bytes], None]


class HTTPUpload:
    """POSTs a file to the staged target Shopify returned, as a multipart form.

    Only to that URL, only over https (http only to a loopback host, the demo shop,
    when `allow_loopback_http`), never following a redirect, with timeouts; the
    Admin token is never sent there (the target's parameters authorise the upload).
    """

    def __init__(self, *, allow_loopback_http: bool = False, connect_timeout: float = 3.0,
                 read_timeout: float = 30.0) -> None:
        self.allow_loopback_http = allow_loopback_http
        self.timeout = (connect_timeout, read_timeout)

    def check_url(self, url: str) -> None:
        """AdminRejected unless `url` is one a file may be sent to."""
        try:
            parts = urlsplit(url)
            _ = parts.port
        except ValueError:
            parts = None
        if parts is None or not parts.hostname:
            raise AdminRejected("Shopify gave an upload address that is not a URL; nothing "
                                "was uploaded")
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self.allow_loopback_http \
                and parts.hostname in LOOPBACK_HOSTS:
            return
        raise AdminRejected(f"Shopify gave an upload address that is not https:// "
                            f"({parts.scheme}://{parts.hostname}); nothing was uploaded")

    def __call__(self, target: StagedTarget, filename: str, mime_type: str, data: bytes) -> None:
        self.check_url(target.url)
        try:
            reply = requests.post(
                target.url, data=list(target.parameters),
                files={"file": (filename, data, mime_type)},
                timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            raise AdminUnavailable("the picture's upload to Shopify did not finish in time: "
                                   "try again in a moment") from None
        except requests.RequestException as error:
            raise AdminUnavailable("the picture could not be uploaded to Shopify "
                                   f"({type(error).__name__}): try again in a moment") from None
        if 300 <= reply.status_code < 400:
            raise AdminUnavailable(f"the picture's upload was answered by a redirect "
                                   f"({reply.status_code}), not followed: try again later")
        if reply.status_code >= 500:
            raise AdminUnavailable(f"the picture's upload failed (HTTP {reply.status_code}): "
                                   "try again in a moment")
        if not 200 <= reply.status_code < 300:
            raise AdminRejected(f"the picture's upload was refused (HTTP {reply.status_code})")


class AdminClient:
    """Sends the Admin documents; `send` is HTTPSend, or the demo shop in-process.

    `upload` sends a file's bytes to a staged target (HTTPUpload by default)."""

    def __init__(self, send: Send, upload: Upload | None = None) -> None:
        self.send = send
        self.upload = upload if upload is not None else HTTPUpload()

    def execute(self, name: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Run operation `name` once and return its `data`; AdminError on failure."""
        payload = {"query": documents()[name], "variables": dict(variables),
                   "operationName": name}
        status, body = self.send(payload, None)
        errors = body.get("errors") if isinstance(body, dict) else None
        if status == 401:
            raise AdminUnauthorized("Shopify refused SHOPIFY_ADMIN_TOKEN (401): check that it "
                                    "is the Admin API access token of this shop's app")
        if status == 403:
            raise AdminForbidden(f"Shopify refused access (403): SHOPIFY_ADMIN_TOKEN needs the "
                                 f"{SCOPE} scope")
        if status == 429:
            raise AdminThrottled("Shopify is throttling requests (429): try again in a moment")
        if 300 <= status < 400:
            raise AdminUnavailable(f"Shopify's Admin API answered a redirect ({status}), not "
                                   "followed: check SHOPIFY_STORE_DOMAIN")
        if status >= 500:
            raise AdminUnavailable(f"Shopify's Admin API failed (HTTP {status}): try again "
                                   "in a moment")
        if status != 200:
            raise AdminRejected(f"Shopify's Admin API refused the request (HTTP {status}): "
                                f"{_message(errors)}")
        if errors:
            raise _graphql_error(errors)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise AdminUnavailable("Shopify's Admin API answered without data: try again "
                                   "in a moment")
        return data

    def metaobject_id(self, type_: str, handle: str) -> str | None:
        """The id of metaobject `type_`/`handle`, or None when there is none."""
        data = self.execute("MetaobjectByHandle", {"handle": {"type": type_, "handle": handle}})
        found = data.get("metaobjectByHandle")
        return found.get("id") if isinstance(found, dict) else None

    def update_metaobject(self, id_: str, fields: Mapping[str, str]) -> dict[str, Any]:
        """Set `fields` (key -> value; "" empties a field) on metaobject `id_`; its
        `{id, handle, updatedAt}` after. AdminRejected with Shopify's userErrors."""
        data = self.execute("MetaobjectUpdate", {
            "id": id_,
            "metaobject": {"fields": [{"key": key, "value": value}
                                      for key, value in fields.items()]},
        })
        payload = data.get("metaobjectUpdate")
        if not isinstance(payload, dict):
            raise AdminUnavailable("Shopify's Admin API answered without the update's result")
        problems = payload.get("userErrors") or []
        if problems:
            raise AdminRejected("Shopify refused the change: " + "; ".join(
                _user_error(problem) for problem in problems))
        metaobject = payload.get("metaobject")
        if not isinstance(metaobject, dict):
            raise AdminUnavailable("Shopify's Admin API answered without the metaobject")
        return metaobject


    def stage_upload(self, filename: str, mime_type: str, size: int) -> StagedTarget:
        """A staged upload target for one image file of `size` bytes."""
        data = self.execute("StagedUploadsCreate", {"input": [{
            "resource": "IMAGE", "filename": filename, "mimeType": mime_type,
            "httpMethod": "POST", "fileSize": str(size),
        }]})
        payload = _payload(data, "stagedUploadsCreate")
        targets = payload.get("stagedTargets") or []
        first = targets[0] if targets and isinstance(targets[0], dict) else {}
        url, resource = first.get("url"), first.get("resourceUrl")
        if not isinstance(url, str) or not isinstance(resource, str):
            raise AdminUnavailable("Shopify's Admin API answered without an upload target")
        parameters = tuple((str(p.get("name")), str(p.get("value")))
                           for p in first.get("parameters") or () if isinstance(p, dict))
        return StagedTarget(url, resource, parameters)

    def create_image(self, resource_url: str, alt: str) -> CreatedFile:
        """A Shopify file (a MediaImage) made from a staged upload's `resource_url`."""
        data = self.execute("FileCreate", {"files": [{
            "originalSource": resource_url, "contentType": "IMAGE", "alt": alt}]})
        payload = _payload(data, "fileCreate")
        files = payload.get("files") or []
        if not files or not isinstance(files[0], dict) or not files[0].get("id"):
            raise AdminUnavailable("Shopify's Admin API answered without the new file")
        return _file(files[0])

    def file(self, id_: str) -> CreatedFile | None:
        """File `id_` as it is now (None when Shopify has no such file)."""
        found = self.execute("FileStatus", {"id": id_}).get("node")
        if not isinstance(found, dict) or not found.get("id"):
            return None
        errors = found.get("fileErrors") or []
        created = _file(found)
        if created.status == "FAILED" and errors:
            raise AdminRejected("Shopify could not process the picture: " + "; ".join(
                _user_error(error) for error in errors))
        return created


def _payload(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    payload = data.get(name)
    if not isinstance(payload, dict):
        raise AdminUnavailable(f"Shopify's Admin API answered without the {name} result")
    problems = payload.get("userErrors") or []
    if problems:
        raise AdminRejected("Shopify refused the picture: " + "; ".join(
            _user_error(problem) for problem in problems))
    return payload


def _file(raw: Mapping[str, Any]) -> CreatedFile:
    image = raw.get("image") if isinstance(raw.get("image"), dict) else {}
    url = image.get("url")
    return CreatedFile(str(raw["id"]), str(raw.get("fileStatus") or "UPLOADED"),
                       url if isinstance(url, str) else None)


def _message(errors: Any) -> str:
    if isinstance(errors, str):
        return errors
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message", "unexpected reply"))
    return "unexpected reply"


def _graphql_error(errors: Any) -> AdminError:
    codes = {error.get("extensions", {}).get("code") for error in errors
             if isinstance(error, dict) and isinstance(error.get("extensions"), dict)} \
        if isinstance(errors, list) else set()
    if "THROTTLED" in codes:
        return AdminThrottled("Shopify is throttling requests: try again in a moment")
    if "ACCESS_DENIED" in codes:
        return AdminForbidden(f"Shopify refused access: SHOPIFY_ADMIN_TOKEN needs the {SCOPE} "
                              f"scope ({_message(errors)})")
    if "INTERNAL_SERVER_ERROR" in codes:
        return AdminUnavailable("Shopify's Admin API failed: try again in a moment")
    return AdminRejected(f"Shopify's Admin API refused the request: {_message(errors)}")


def _user_error(problem: Any) -> str:
    if not isinstance(problem, dict):
        return str(problem)
    where = problem.get("field")
    where = ".".join(str(part) for part in where) if isinstance(where, list) else ""
    code = problem.get("code")
    text = str(problem.get("message") or "refused")
    return (f"{where}: " if where else "") + text + (f" ({code})" if code else "")
