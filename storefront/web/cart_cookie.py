"""The cart id and item count in cookies: HttpOnly, SameSite=Lax, Secure on HTTPS.

The count lets every page's header show the cart without asking Shopify; it
is refreshed whenever the cart is read or changed.
"""

from __future__ import annotations

from flask import Response, request

from storefront.services.cart import cart_id_or_none
from storefront.shopify import models as m
from storefront.visit import cart_count

CART_COOKIE = "cart"
COUNT_COOKIE = "cart_count"
MAX_AGE = 14 * 24 * 3600  # Shopify keeps an idle cart about ten days


def cart_id() -> str | None:
    return cart_id_or_none(request.cookies.get(CART_COOKIE))


def count() -> int:
    return cart_count(request.cookies.get(COUNT_COOKIE))


def remember(response: Response, cart: m.Cart | None) -> Response:
    """Store the cart (or forget a cart Shopify no longer has)."""
    if cart is None:
        return forget(response)
    options = {"max_age": MAX_AGE, "httponly": True, "samesite": "Lax", "secure": request.is_secure}
    response.set_cookie(CART_COOKIE, cart.id, **options)
    response.set_cookie(COUNT_COOKIE, str(cart.total_quantity), **options)
    return response


def forget(response: Response) -> Response:
    for name in (CART_COOKIE, COUNT_COOKIE):
        if name in request.cookies:
            response.delete_cookie(name, httponly=True, samesite="Lax", secure=request.is_secure)
    return response
