"""The commented file `flask creators new` writes: every key, the optional ones commented out."""

from __future__ import annotations

import tomlkit

TEMPLATE = """\
# Creator {handle} ({name}).
# Their links: /@{handle} (landing page), /@{handle}/<any store path>, or ?ref={handle}.
# The file name is the handle. Every key is described in creators/README.md;
# check your edits with `flask creators check`.

# Shown on the landing page and beside their picks (at most 80 characters).
name = {name_toml}

# active: their links dress the store and bring their code to checkout.
# paused or archived: their links still lead to the store, as the brand's own.
status = "active"

# Old handles that keep working and redirect here, e.g. after a rename.
# aliases = ["old-handle"]

# An https:// URL, or a file name in creators/media/ (.svg .png .jpg .jpeg .webp).
# avatar = "{handle}.png"

# A few sentences about them (at most 1000 characters).
# bio = ""

# A theme (a folder of themes/) for their pages instead of the shop's own.
# theme = "atelier"

# The market their link opens in (a language, then a country, as in the store's addresses).
# market = "fr-ca"

# The banner of their landing page; title is required when [hero] is there.
# image is like avatar; cta_url is an https:// URL or a path on this store.
# [hero]
# title = "Picked by {name}"
# subtitle = ""
# image = "{handle}-hero.jpg"
# cta_label = "Shop my picks"
# cta_url = "/collections/new-arrivals"

# Their discount code, applied at checkout to their shoppers (it must exist in Shopify),
# and the label shoppers read.
# [discount]
# code = "{code}"
# label = "10% off new arrivals over $50"

# What that code does in Shopify (needs [discount] code): their shoppers then see its
# price beside each product's ("$34.20 with {code}"). percent = 10, or instead
# amount = "10.00" (off each item of the collections or products below; for everything,
# an amount comes off the order once and no item shows a price). Optional: collections or
# products (handles; else everything), minimum_subtotal, and starts_at / ends_at
# (e.g. 2026-06-01T09:00:00-04:00; UTC when no offset is given). Declare what Shopify
# really does: `flask creators check --shop` compares it with the shop.
# [offer]
# percent = 10
# collections = ["new-arrivals"]
# minimum_subtotal = "50.00"
# ends_at = 2026-12-31T23:59:59-05:00

# What they earn on each order credited to them, instead of the shop's default
# (COMMISSION_PERCENT): percent of the order's net sales (0 to 100), or instead
# per_order = "5.00", a fixed amount in the shop's currency per order not cancelled.
# [commission]
# percent = 15

# Collections on their landing page, in this order: a Shopify collection handle each,
# and optionally their own title for it (the shop's otherwise).
# [[collections]]
# handle = "new-arrivals"
# title = "New and loved"

# Their note on a product, shown on its page: product handle = "note" (at most 500 characters).
# [notes]
# organic-cotton-tee = "The one I wear every day."

# Their note on a blog article, shown on its page: one table per blog (its handle),
# article handle = "note" (at most 500 characters).
# [article_notes.journal]
# how-to-care-for-linen = "I wash mine exactly like this."

# Brand colours over the theme's (#rgb or #rrggbb): accent, accent_text, background, text.
# [theme_settings]
# accent = "#c0392b"

# Their profiles, https:// only: instagram, tiktok, youtube, x, pinterest, website.
# [social]
# instagram = "https://www.instagram.com/{handle}"

# Their referral ids on affiliate platforms the brand moved from (uppromote, goaffpro,
# refersion, snowball, collabs), so links they shared there keep crediting them.
# `flask creators import --from PLATFORM` fills this in.
# [legacy_ids]
# uppromote = "1234567"
"""


def default_name(handle: str) -> str:
    """A readable name from a handle: maya-rivers -> Maya Rivers."""
    return " ".join(part.capitalize() for part in handle.replace("_", "-").split("-") if part)


def starter_file(handle: str, name: str) -> str:
    code = "".join(ch for ch in handle.upper() if ch.isalnum())[:20] + "10"
    return TEMPLATE.format(
        handle=handle,
        name=name.replace("\n", " "),
        name_toml=tomlkit.string(name).as_string(),
        code=code,
    )
