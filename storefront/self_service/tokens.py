"""The token in a creator's edit link: the figures links' (storefront/creator_stats/tokens.py:
handle and link id, readable, not encrypted; read with SECRET_KEY_FALLBACKS too; no
expiry), signed with a salt of its own, so a figures link is not an edit link.
"""

from __future__ import annotations

from functools import partial

from storefront.creator_stats.tokens import Claim
from storefront.creator_stats.tokens import read as _read
from storefront.creator_stats.tokens import sign as _sign

__all__ = ["SALT", "Claim", "read", "sign"]

SALT = "storefront.creator-edit"  # never change it: every edit link made would stop working

sign = partial(_sign, salt=SALT)
read = partial(_read, salt=SALT)
