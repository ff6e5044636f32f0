"""The CSRF token of the portal's forms, stateless so that it works behind the app proxy (no cookies there).

Each form carries a hidden ``csrf`` signed for the shop and what the form acts on (the lookup, one order); a
POST without a valid one is answered with the form again and a plain message, never an error page: the usual
cause is a form left open longer than the token's life (``connector.pages.signed.FORM``).
"""

from __future__ import annotations

from typing import Final

from flask import request

from connector.pages.portal.current import signer
from connector.pages.signed import SignedValueRejected

CSRF_FIELD: Final = "csrf"
LOOKUP_SUBJECT: Final = "lookup"


def order_subject(order_id: str) -> str:
    return f"order:{order_id}"


def form_token(shop_id: str, subject: str) -> str:
    return signer().form_token(shop_id, subject)


def form_token_valid(shop_id: str, subject: str) -> bool:
    """Whether the POSTed form carries our token for this shop and subject, issued less than its life ago."""
    token = request.form.get(CSRF_FIELD, "")
    if not token:
        return False
    try:
        signer().check_form_token(token, shop_id, subject)
    except SignedValueRejected:
        return False
    return True
