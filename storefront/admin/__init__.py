"""The store's staff pages under /admin: for now the creator-funnel dashboard.

Off unless ADMIN_USERNAME and ADMIN_PASSWORD are set: then every /admin URL
answers 404, like any page that does not exist. On, every URL asks for those
credentials (HTTP Basic; serve the store over HTTPS) and its responses are
neither cached nor indexed. See views.py for the pages.
"""

from __future__ import annotations

from flask import Flask

from storefront.admin import auth


def init_app(app: Flask) -> None:
    if not app.config["ADMIN_USERNAME"]:
        return  # config.py has made sure the password is unset too
    auth.check_setting(app.config["ADMIN_PASSWORD"])
    from storefront.admin.views import bp

    app.register_blueprint(bp)
