"""Theme translations through Flask-Babel: the page's language picks a gettext catalogue
from the theme's `translations/` folder and its parents'.

A theme keeps `translations/<lang>/LC_MESSAGES/messages.po` and the `messages.mo`
compiled from it (`flask theme translations compile`; never at request time). A child
theme's catalogue is laid over its parent's: its own strings are added and any string
it translates again wins. Templates use `{% trans %}`, `_()` and `ngettext`; Python code
uses `flask_babel.gettext`, or `lazy_gettext` for texts kept at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel import support
from flask import Flask, has_app_context
from flask_babel import Babel, Domain, get_babel, get_locale
from jinja2 import pass_context
from jinja2.runtime import Context

from storefront.locales import shopper_locale
from storefront.theming.themes import Theme

DOMAIN = "messages"


def catalogue_dirs(theme: Theme) -> list[Path]:
    """The translations/ folders of `theme`'s chain, parents first (later ones win)."""
    return [member.path / "translations" for member in reversed(theme.chain)]


def load(theme: Theme, locale: str) -> support.NullTranslations:
    """The compiled catalogues of `theme`'s chain for `locale`, merged child over parent;
    NullTranslations (the templates' own English) when none of them has that language."""
    merged: support.Translations | None = None
    for folder in catalogue_dirs(theme):
        found = support.Translations.load(str(folder), [locale], DOMAIN)
        if not isinstance(found, support.Translations):
            continue  # (no catalogue of that language in this theme)
        if merged is None:
            merged = found
        else:
            merged.merge(found)
    return merged if merged is not None else support.NullTranslations()


class ThemeDomain(Domain):
    """Flask-Babel's message domain (what `flask_babel.gettext` and `lazy_gettext` in
    Python code use), answered from the catalogues of the theme this request renders
    with: `active_theme()` (a creator may pick another theme than THEME's)."""

    def __init__(self, active_theme: Callable[[], Theme]) -> None:
        super().__init__(domain=DOMAIN)
        self.active_theme = active_theme

    def get_translations(self) -> support.NullTranslations:
        return catalogue(self.active_theme())

    def of(self, theme: Theme, locale: str) -> support.NullTranslations:
        key = (theme.name, locale)
        found = self.cache.get(key)
        if found is None:  # (two threads may both load it: the same catalogue either way)
            found = self.cache[key] = load(theme, locale)
        return found


def catalogue(theme: Theme) -> support.NullTranslations:
    """`theme`'s catalogues in this request's language (the templates' English outside
    an app context)."""
    locale = get_locale() if has_app_context() else None
    if locale is None:
        return support.NullTranslations()
    return get_babel().instance.domain_instance.of(theme, str(locale))


def init_app(app: Flask, active_theme: Callable[[], Theme]) -> None:
    """Flask-Babel for the app: the locale is `shopper_locale()` (the market's language),
    the catalogues those of the theme rendering; Jinja gets the i18n extension:
    `{% trans %}`, `_()`, `ngettext`, new style (`_("%(n)s left", n=3)`)."""
    # (configure_jinja=False: the themes' filters stay those themes/README.md documents)
    babel = Babel(configure_jinja=False)
    babel.init_app(app, locale_selector=shopper_locale)
    babel.domain_instance = ThemeDomain(active_theme)
    app.jinja_env.add_extension("jinja2.ext.i18n")

    # A template's catalogues are those of the theme it renders with: each theme's
    # environment has its own `theme` global (storefront.theming.switch), and these
    # callables, shared by all of them, read it from the template's context.
    def of(context: Context) -> support.NullTranslations:
        theme = context.get("theme")
        return catalogue(theme if isinstance(theme, Theme) else active_theme())

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: of(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: of(context).ungettext(s, p, n)),
        pgettext=pass_context(lambda context, c, s: of(context).upgettext(c, s)),
        npgettext=pass_context(
            lambda context, c, s, p, n: of(context).unpgettext(c, s, p, n)),
        newstyle=True,
    )
