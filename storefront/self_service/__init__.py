"""Creator self-service: a creator edits their own page through a signed, revocable link
(/creator-edit/<token>, `flask creators edit-link HANDLE`), and the brand approves or
rejects what they send (/admin/creators/changes). Only an approved change reaches the
creator file.

- views.py: the editor (one form, works without JavaScript) and its preview, the
  theme's own landing page for the proposed creator (preview.py);
- links: the figures page's, made and opened by the same code
  (storefront/creator_stats: commands.py, opening.py), with their own salt
  (tokens.py) and table (store.LINKS): EDIT below says what differs;
- draft.py: what a creator may change; publish.py: writing it into the file;
- images.py, uploads.py: uploads checked, re-encoded, stored and served;
- approvals.py: the brand's page; store.py, tables.py: links, changes and the log
  of who did what when, in the orders database (migration 0006).
Tokens never reach the logs (observability.hide_in_logs). Registering loads neither
SQLAlchemy nor Pillow: the first request that needs them does.
"""

from __future__ import annotations

from flask import Flask

from storefront.creator_stats.kinds import LinkKind
from storefront.self_service import tokens

PREFIX = "/creator-edit"


def _edit_links():
    from storefront.self_service import store  # (with SQLAlchemy, on use)

    return store.LINKS


EDIT = LinkKind(
    name="creator edit", extension="self_service", prefix=PREFIX, salt=tokens.SALT,
    links=_edit_links, command="edit-link", noun="edit link",
    grants="can propose changes to their page",
    unavailable=("Editing unavailable",
                 "Your page cannot be edited just now. Try again in a few minutes."),
    unreadable="the orders database cannot be read")


def init_app(app: Flask) -> None:
    from storefront import observability
    from storefront.creator_stats import Throttle
    from storefront.self_service import cli  # noqa: F401  (adds `flask creators edit-link`)
    from storefront.self_service.views import bp
    from storefront.web import csrf

    app.extensions["self_service"] = Throttle()
    observability.hide_in_logs(app, PREFIX + "/")
    csrf.exempt(bp)  # checked by the blueprint itself, after raising the size limit
    app.register_blueprint(bp, url_prefix=PREFIX)
    from storefront.self_service.uploads import bp as uploads_bp

    app.register_blueprint(uploads_bp)
    if app.config["ADMIN_USERNAME"]:
        from storefront.self_service.approvals import bp as approvals_bp

        app.register_blueprint(approvals_bp)
