"""The admin's answers when a page cannot be shown: a page of ours in the agent's language inside the admin's
layout, never the API's JSON and never a bare 500. A return or shop that does not exist answers 404; a shop
that cannot be reached or a missing setting 503; a change that lost a race with another one 409; anything
unforeseen is logged and still answered with a page leading back to the queue. A refused credential is not
handled here: ``auth.AdminRefused`` carries its own answer (the 401 page, Shopify's bounce page)."""

from __future__ import annotations

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException

from connector.domain.errors import DomainError
from connector.errors import ConfigError, ConnectorError
from connector.pages.admin import bp
from connector.services.returns import ReturnNotFound
from connector.store.errors import ConcurrentUpdate, UnknownShop

log = logging.getLogger("connector.pages.admin")


def problem_page(status: int) -> tuple[str, int]:
    return render_template("admin/problem.html", status=status, page_title=""), status


@bp.errorhandler(ReturnNotFound)
@bp.errorhandler(UnknownShop)
def _unknown(_exc: Exception) -> tuple[str, int]:
    return problem_page(404)


@bp.errorhandler(ConcurrentUpdate)
@bp.errorhandler(DomainError)
def _conflict(exc: Exception) -> tuple[str, int]:
    log.info("admin.refused", extra={"error": type(exc).__name__})
    return problem_page(409)


@bp.errorhandler(ConfigError)
def _not_configured(exc: ConfigError) -> tuple[str, int]:
    log.warning("admin.not-configured", extra={"problem": str(exc)})
    return problem_page(503)


@bp.errorhandler(ConnectorError)
def _unavailable(exc: ConnectorError) -> tuple[str, int]:
    log.warning("admin.unavailable", extra={"error": type(exc).__name__})
    return problem_page(503)


@bp.errorhandler(HTTPException)
def _http_problem(exc: HTTPException) -> tuple[str, int]:
    return problem_page(exc.code or 400)


@bp.errorhandler(Exception)
def _bug(_exc: Exception) -> tuple[str, int]:
    log.exception("admin.unhandled-error")
    return problem_page(500)
