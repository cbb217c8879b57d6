"""Theme translations through Flask-Babel: the page's language picks a gettext catalogue
from the theme's `translations/` folder and its parents'.

A theme keeps `translations/<lang>/LC_MESSAGES/messages.po` and the `messages.mo`
compiled from it (`flask theme translations compile`; never at request time). A child
theme's catalogue is laid over its parent's: its own strings are added and any string
it translates again wins. Templates use `{% trans %}`, `_()` and `ngettext`; Python code
uses `flask_babel.gettext`, or `lazy_gettext` for texts kept at module level.
"""

from __future__ import annotations

from babel import support
from flask import Flask, has_app_context
from flask_babel import Babel, Domain, get_locale

from storefront.locales import shopper_locale
from storefront.theming.switch import active
from storefront.theming.themes import Theme

DOMAIN = "messages"


def catalogue_dirs(theme: Theme) -> list:
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
    """Flask-Babel's message domain, answered from the catalogues of the theme this
    request renders with (a creator may pick another theme than THEME's)."""

    def __init__(self) -> None:
        super().__init__(domain=DOMAIN)

    def get_translations(self) -> support.NullTranslations:
        locale = get_locale() if has_app_context() else None
        if locale is None:
            return support.NullTranslations()
        theme = active().theme
        key = (theme.name, str(locale))
        found = self.cache.get(key)
        if found is None:  # (two threads may both load it: the same catalogue either way)
            found = self.cache[key] = load(theme, str(locale))
        return found


def init_app(app: Flask) -> None:
    """Flask-Babel for the app: the locale is `shopper_locale()` (the market's language),
    the catalogues the active theme's; Jinja gets the i18n extension (`{% trans %}`,
    `_()`, `ngettext`, new style: `_("%(n)s left", n=3)`)."""
    # (configure_jinja=False: the themes' filters stay those themes/README.md documents)
    babel = Babel(configure_jinja=False)
    babel.init_app(app, locale_selector=shopper_locale)
    babel.domain_instance = ThemeDomain()
    app.jinja_env.add_extension("jinja2.ext.i18n")

    def translations():
        return babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
