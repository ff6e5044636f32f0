"""The portal's answers when a page cannot be shown: a friendly page in the customer's language, never JSON.

An expired or tampered link (an order access, a draft) is the common case: a customer comes back to a tab the
next day. The page says so plainly and links back to the lookup, which always works. Expired answers 410
(the link was good and is no more), anything else we cannot read 400. A shop that cannot be reached answers
503 with "try again later"; nothing a customer sends should reach the last handler, which logs the bug and
still answers with a page of ours rather than the API's JSON.
"""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from connector.errors import ConnectorError
from connector.pages.portal import bp
from connector.pages.signed import Rejected, SignedValueRejected
from connector.store.errors import UnknownShop

log = logging.getLogger("connector.pages.portal")


def register_error_pages(blueprint: Blueprint) -> None:
    """The portal's error pages on ``blueprint`` (the portal's own; the app proxy's, which serves its views)."""
    blueprint.register_error_handler(SignedValueRejected, _link_rejected)
    blueprint.register_error_handler(UnknownShop, _unknown)
    blueprint.register_error_handler(ConnectorError, _shop_unreachable)
    blueprint.register_error_handler(HTTPException, _http_problem)
    blueprint.register_error_handler(Exception, _bug)


def _link_rejected(exc: SignedValueRejected) -> tuple[str, int]:
    expired = exc.reason is Rejected.EXPIRED
    return render_template("portal/link_expired.html", expired=expired), 410 if expired else 400


def _unknown(_exc: UnknownShop) -> tuple[str, int]:
    """An unknown shop, or an order the shop no longer has (``OrderNotFound`` is one)."""
    return render_template("portal/problem.html", status=404), 404


def _shop_unreachable(exc: ConnectorError) -> tuple[str, int]:
    log.warning("portal.shop-unavailable", extra={"error": type(exc).__name__})
    return render_template("portal/problem.html", status=503), 503


def _http_problem(exc: HTTPException) -> tuple[str, int]:
    """Werkzeug's refusals (a body too large, a method not allowed, a malformed form) as a page of ours."""
    status = exc.code or 400
    return render_template("portal/problem.html", status=status), status


def _bug(_exc: Exception) -> tuple[str, int]:
    log.exception("portal.unhandled-error")
    return render_template("portal/problem.html", status=500), 500


register_error_pages(bp)  # on the portal's own blueprint, once: this module is imported once
