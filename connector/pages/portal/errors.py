"""The portal's answers when a page cannot be shown: a friendly page in the customer's language, never JSON
and never a 5xx for what a customer sent.

An expired or tampered link (an order access, a draft) is the common case: a customer comes back to a tab the
next day. The page says so plainly and links back to the lookup, which always works. Expired answers 410
(the link was good and is no more), anything else we cannot read 400.
"""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from connector.pages.portal import bp
from connector.pages.signed import Rejected, SignedValueRejected
from connector.store.errors import UnknownShop


@bp.errorhandler(SignedValueRejected)
def _link_rejected(exc: SignedValueRejected) -> tuple[str, int]:
    expired = exc.reason is Rejected.EXPIRED
    return render_template("portal/link_expired.html", expired=expired), 410 if expired else 400


@bp.errorhandler(UnknownShop)
def _unknown_shop(_exc: UnknownShop) -> tuple[str, int]:
    return render_template("portal/problem.html", status=404), 404


@bp.errorhandler(HTTPException)
def _http_problem(exc: HTTPException) -> tuple[str, int]:
    """Werkzeug's refusals (a body too large, a method not allowed, a malformed form) as a page of ours."""
    status = exc.code or 400
    return render_template("portal/problem.html", status=status), status
