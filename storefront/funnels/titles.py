"""Product names for the report's top products, from the catalog.

The funnels count a product by its handle (the one in its URL); people know it by
its title. Titles come from the Storefront API through the catalog service, the
same product query (and so the same data-cache entries) as the product pages the
shoppers just saw. A name is a nicety: a product that is gone, or Shopify being
down or slow, leaves its handle in its place, and never fails a page or a report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from storefront.services import catalog
from storefront.shopify.client import StorefrontClient
from storefront.shopify.errors import StorefrontError

log = logging.getLogger(__name__)

UNAVAILABLE = "Product names could not be read from Shopify just now: handles are shown instead."


@dataclass(frozen=True)
class Titles:
    """Titles by handle; `problem` says why some could not be asked for (None: all were)."""

    by_handle: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def titles(client: StorefrontClient, handles: Iterable[str]) -> Titles:
    """The title of each of `handles` that the shop still has.

    The first failure stops the asking: the others would most likely fail the same
    way, each after its own wait, and the page would wait for all of them.
    """
    found: dict[str, str] = {}
    for handle in dict.fromkeys(handles):
        try:
            view = catalog.product(client, handle, None)
        except StorefrontError as error:
            log.warning("product titles for the creator report could not be read, "
                        "showing handles: %s", error)
            return Titles(found, UNAVAILABLE)
        if view is not None:
            found[handle] = view.product.title
    return Titles(found)
