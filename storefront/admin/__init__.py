"""The store's staff pages under /admin: for now the creator-funnel dashboard.

Off unless ADMIN_USERNAME and ADMIN_PASSWORD are set: then every /admin URL
answers 404, like any page that does not exist. On, every URL asks for those
credentials (HTTP Basic; serve the store over HTTPS) and its responses are
neither cached nor indexed. A weak plain password stops the app at start, and
failed sign-ins are throttled (auth.py). See views.py for the pages.
"""

from __future__ import annotations

from flask import Flask

from storefront.admin import auth


def init_app(app: Flask) -> None:
    if not app.config["ADMIN_USERNAME"]:
        return  # config.py has made sure the password is unset too
    # storefront.check_settings has refused a weak password already.
    username, password = app.config["ADMIN_USERNAME"], app.config["ADMIN_PASSWORD"]
    # One per app (so per worker process); tests move its clock.
    app.extensions["admin_sign_in"] = auth.SignIn(username, password)
    from storefront.admin.views import bp

    app.register_blueprint(bp)
