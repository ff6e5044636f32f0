"""Every error leaves as JSON naming the problem; no stack trace ever reaches a user."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from connector.domain.errors import DomainError, IllegalTransition
from connector.services.returns import ReturnNotFound
from connector.store.errors import ConcurrentUpdate

log = logging.getLogger("connector.web")


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

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(status, code, exc.description or exc.name or "error")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        log.exception("web.unhandled-error")
        return error_response(500, "internal_error", "something went wrong on our side; it has been logged")
