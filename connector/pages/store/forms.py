"""The CSRF token of the store page's forms, and where a sign-in may send staff back to.

Every form carries a hidden ``csrf`` signed (``PortalSigner.form_token``) for the shop and the session it was
served in, so a token taken from another session, another shop or an old page is refused; the sign-in form's
own token is bound to the sign-in. ``SameSite=Lax`` already keeps the cookie off a cross-site POST; the token
is the second lock, and the one that holds if a browser does not honour the attribute.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from flask import request

from connector.errors import ConfigError
from connector.pages.signed import SignedValueRejected
from connector.pages.store.current import signer
from connector.pages.store.links import store_path
from connector.pages.store.session import StaffSession

CSRF_FIELD: Final = "csrf"
SIGN_IN_SUBJECT: Final = "store-sign-in"


def session_subject(staff: StaffSession) -> str:
    return f"store-session:{staff.session_id}"


def form_token(shop_id: str, subject: str) -> str:
    """The token for a form of ``shop_id`` acting for ``subject``; empty without a key (the page still shows)."""
    try:
        return signer().form_token(shop_id, subject)
    except ConfigError:
        return ""


def form_token_valid(shop_id: str, subject: str) -> bool:
    """Whether the POSTed form carries our token for this shop and subject (none, or an empty one, is not)."""
    try:
        signer().check_form_token(request.form.get(CSRF_FIELD, ""), shop_id, subject)
    except (SignedValueRejected, ConfigError):
        return False
    return True


def safe_next(shop_id: str, wanted: str | None) -> str | None:
    """``wanted`` when it is a path of this shop's store pages (where a sign-in may lead back), else None: never
    another site, another shop's pages or a path that a browser would read as another host (``//evil``)."""
    if not wanted or len(wanted) > 2000:
        return None
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or "\\" in wanted or "//" in parts.path or any(c < " " for c in wanted):
        return None
    return wanted if parts.path.startswith(store_path(shop_id) + "/") else None
