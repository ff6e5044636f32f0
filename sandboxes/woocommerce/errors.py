"""WordPress REST errors: ``{code, message, data}``, with WordPress's quirk for bare-int ``data``.

``new WP_Error(code, msg, 500)`` puts a bare int in ``data``; the REST server then answers HTTP 500 whatever
the int says, because it only reads ``data['status']``. Refund failures look like that in WooCommerce.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


class ApiError(Exception):
    """Raised by views; rendered by the app's error handler."""

    def __init__(
        self, code: str, message: str, status: int = 400, *, bare: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.bare = bare
        self.extra = extra or {}

    def response(self) -> Response:
        return error_response(self.code, self.message, self.status, bare=self.bare, extra=self.extra)


def error_response(
    code: str, message: str, status: int, *, bare: bool = False, extra: dict[str, Any] | None = None
) -> Response:
    data: Any = status if bare else {"status": status, **(extra or {})}
    response = jsonify({"code": code, "message": message, "data": data})
    response.status_code = 500 if bare else status
    return response


def fault_body(status: int) -> Response:
    """What a WordPress host answers for injected 429/5xx faults."""
    messages = {
        429: ("too_many_requests", "Too many requests."),
        500: ("internal_server_error", "There has been a critical error on this website."),
        502: ("bad_gateway", "Bad gateway."),
        503: ("service_unavailable", "Service temporarily unavailable."),
    }
    code, message = messages.get(status, ("http_error", "HTTP error."))
    return error_response(code, message, status)


def invalid_param(name: str, reason: str) -> ApiError:
    return ApiError(
        "rest_invalid_param", f"Invalid parameter(s): {name}", 400,
        extra={"params": {name: reason}, "details": {}},
    )  # fmt: skip


def missing_param(name: str) -> ApiError:
    return ApiError(
        "rest_missing_callback_param", f"Missing parameter(s): {name}", 400, extra={"params": [name]}
    )
