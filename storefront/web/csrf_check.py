"""Flask-WTF's CSRF check, and for a form sent without a token, where it comes from.

A first visit makes no session (a session and a signed token cost a cached
product page a third of its answer), so a shopper's first form carries no
token. Such a form is accepted when the browser says it comes from this store
(storefront.visit.origin), and the visitor's session then gets its raw token,
so the pages that follow carry signed tokens. A form with a token is checked
by Flask-WTF as before; so is a form with neither a token nor a word from the
browser, once the visitor's session holds a token. A form from another site is
refused either way, with a 400 page that says so (web.errors).
"""

from __future__ import annotations

from flask import current_app, request, session
from flask_wtf.csrf import CSRFProtect

from storefront.visit import origin as origins
from storefront.web.pages import issue_token

# The reason a form from another site is refused with (web.errors words its page).
CROSS_SITE = "The form was sent from another site."


class TokenOrOrigin(CSRFProtect):
    def protect(self, apply_exemptions: bool = False) -> None:
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        if self._get_csrf_token() is None:
            said = origins.where_from(request.headers.get("Sec-Fetch-Site"),
                                      request.headers.get("Origin"), request.scheme, request.host)
            if said == origins.OTHER:
                self._error_response(CROSS_SITE)
            field = current_app.config["WTF_CSRF_FIELD_NAME"]
            if said == origins.SAME or not isinstance(session.get(field), str):
                issue_token()  # later pages carry it, signed
                return
        super().protect()  # Flask-WTF: a token, checked against the session's
