"""Every error leaves as JSON naming the problem; no stack trace ever reaches a user."""

from __future__ import annotations

import logging

from flask import Flask, Response
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from connector.api.errors import ApiError, error_response
from connector.domain.errors import DomainError, IllegalTransition
from connector.errors import ConfigError
from connector.services.returns import ReturnNotFound
from connector.store.errors import ConcurrentUpdate

log = logging.getLogger("connector.web")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> tuple[Response, int]:
        extra = {"fields": exc.fields} if exc.fields else {}
        return error_response(exc.status, exc.code, exc.message, **extra)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> tuple[Response, int]:
        return error_response(422, "validation_failed", "the request has invalid fields", fields=exc.messages)

    @app.errorhandler(IllegalTransition)
    def _transition(exc: IllegalTransition) -> tuple[Response, int]:
        return error_response(409, "illegal_transition", str(exc), current_status=str(exc.current))

    @app.errorhandler(ConcurrentUpdate)
    def _conflict(exc: ConcurrentUpdate) -> tuple[Response, int]:
        return error_response(409, "concurrent_update", str(exc))

    @app.errorhandler(ReturnNotFound)
    def _missing(exc: ReturnNotFound) -> tuple[Response, int]:
        return error_response(404, "not_found", str(exc))

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> tuple[Response, int]:
        return error_response(422, "rejected", str(exc))

    @app.errorhandler(ConfigError)
    def _not_configured(exc: ConfigError) -> tuple[Response, int]:
        """A setting the request needs is missing (the portal's signing key in production, say): the process
        serves what it can and names what to set; the message names settings, never their values."""
        log.error("web.not-configured", extra={"problem": str(exc)})
        return error_response(503, "not_configured", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(status, code, exc.description or exc.name or "error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        log.exception("web.unhandled-error")
        return error_response(500, "internal_error", "something went wrong on our side; it has been logged")
