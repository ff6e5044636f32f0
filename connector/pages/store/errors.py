"""The store page's answers when a page cannot be shown: a page of ours in the staff's language, never the API's
JSON and never a bare 500. A return or shop that does not exist answers 404; a shop that cannot be reached or a
missing setting 503; a change that lost a race with another one 409; anything unforeseen is logged and still
answered with a page that leads back to the scan.
"""

from __future__ import annotations

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException

from connector.domain.errors import DomainError
from connector.errors import ConfigError, ConnectorError
from connector.pages.store import bp
from connector.services.returns import ReturnNotFound
from connector.store.errors import ConcurrentUpdate, UnknownShop

log = logging.getLogger("connector.pages.store")


def _page(status: int) -> tuple[str, int]:
    return render_template("store/problem.html", status=status), status


@bp.errorhandler(ReturnNotFound)
@bp.errorhandler(UnknownShop)
def _unknown(_exc: Exception) -> tuple[str, int]:
    return _page(404)


@bp.errorhandler(ConcurrentUpdate)
@bp.errorhandler(DomainError)
def _conflict(exc: Exception) -> tuple[str, int]:
    log.info("store.refused", extra={"error": type(exc).__name__})
    return _page(409)


@bp.errorhandler(ConfigError)
def _not_configured(exc: ConfigError) -> tuple[str, int]:
    log.warning("store.not-configured", extra={"problem": str(exc)})
    return _page(503)


@bp.errorhandler(ConnectorError)
def _unavailable(exc: ConnectorError) -> tuple[str, int]:
    log.warning("store.unavailable", extra={"error": type(exc).__name__})
    return _page(503)


@bp.errorhandler(HTTPException)
def _http_problem(exc: HTTPException) -> tuple[str, int]:
    return _page(exc.code or 400)


@bp.errorhandler(Exception)
def _bug(_exc: Exception) -> tuple[str, int]:
    log.exception("store.unhandled-error")
    return _page(500)
