"""API-specific error answers, registered on the API blueprints only (the app's handlers do the rest)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response

from connector.errors import ConfigError, NotFound, PermanentError, RetryableError
from connector.services.failed_payment import NotPayableAgain
from connector.services.returns import ReturnNotFound
from connector.store.errors import UnknownShop
from connector.web.errors import error_response

log = logging.getLogger("connector.api")


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
