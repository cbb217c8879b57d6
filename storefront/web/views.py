"""Shopper-facing pages. The full store arrives with the themes; for now the home
page lists the shop's collections."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template

from storefront.shopify import api
from storefront.shopify.errors import StorefrontError
from storefront.web.context import storefront

log = logging.getLogger(__name__)

bp = Blueprint("store", __name__)


@bp.get("/")
def home():
    client = storefront()
    try:
        collections = api.collections(client, first=50)
    except StorefrontError as error:
        log.error("home page: %s", error)
        return render_template("errors/503.html"), 503, {"Retry-After": "30"}
    return render_template("index.html", collections=collections.items)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
