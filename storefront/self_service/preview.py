"""A proposed page shown as the store would show it: the theme's own landing page
(creator.html), rendered for a visit credited to the proposed creator.

The visit's creator is set for this one response, so the banner, the hero, the
picks' badges, the creator's collections and theme read it as they would on
/@handle. Nothing is stored: no referral cookie is set (that is decided before
the view, from the request), and the page is neither shared nor counted.
"""

from __future__ import annotations

from storefront import theming
from storefront.creators.model import Creator
from storefront.current import visit
from storefront.services import catalog
from storefront.web import layout
from storefront.web.catalog import home_collections
from storefront.web.context import storefront


def render(creator: Creator) -> str:
    state = visit()
    state.creator = creator
    theming.use(creator.theme)
    featured, teasers = home_collections()
    page = catalog.home(storefront(), featured, teasers)
    return layout.page("creator.html", home=page, landing=creator)
