"""The shared cache (flask-caching) and the lifetimes of what goes in it.

Lifetimes are named here, never written as numbers in views: layout data
changes rarely, catalog data a little more often; carts are never cached.
"""

from __future__ import annotations

from flask_caching import Cache

cache = Cache()

LAYOUT_SECONDS = 300  # shop name, brand and menus
SITEMAP_SECONDS = 3600  # handles for /sitemap.xml
