"""The JSON error answer of the API: ``ApiError`` to raise from a view, ``error_response`` to build the body,
and the API-specific handlers, registered on the API blueprints only (the app's handlers do the rest).

Why here and not in ``connector.web``: the web app composes the API, so the API must not import it back;
the app-wide handlers in ``connector.web.errors`` use this vocabulary too.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from connector.errors import ConfigError, NotFound, PermanentError, RetryableError
from connector.services.failed_payment import NotPayableAgain
from connector.services.returns import ReturnNotFound
from connector.store.errors import UnknownShop

log = logging.getLogger("connector.api")


class ApiError(Exception):
    """Raise from a view to answer ``status`` with a JSON body naming the problem."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


def error_response(status: int, code: str, message: str, **extra: object) -> tuple[Response, int]:
    body: dict[str, object] = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def install(bp: Blueprint) -> None:
    @bp.errorhandler(ReturnNotFound)
    @bp.errorhandler(UnknownShop)  # includes OrderNotFound
    @bp.errorhandler(NotFound)
    def _missing(exc: Exception) -> tuple[Response, int]:
        return error_response(404, "not_found", "no such resource")

    @bp.errorhandler(NotPayableAgain)
    def _not_again(exc: NotPayableAgain) -> tuple[Response, int]:
        return error_response(409, "not_payable_again", str(exc))

    @bp.errorhandler(RetryableError)
    def _later(exc: RetryableError) -> tuple[Response, int, dict[str, str]]:
        log.warning("api.shop-unavailable", extra={"error": type(exc).__name__})
        retry = str(int(exc.retry_after or 5))
        body, status = error_response(503, "shop_unavailable", "the shop did not answer; try again shortly")
        return body, status, {"Retry-After": retry}

    @bp.errorhandler(PermanentError)
    def _refused(exc: PermanentError) -> tuple[Response, int]:
        log.warning("api.shop-refused", extra={"error": type(exc).__name__})
        return error_response(502, "shop_refused", "the shop refused the request")

    @bp.errorhandler(ConfigError)
    def _config(exc: ConfigError) -> tuple[Response, int]:
        log.error("api.not-configured", extra={"error": str(exc)})
        return error_response(503, "not_configured", "this shop is not fully set up on the connector")
