"""Sendcloud's three error shapes, each where its description uses it.

- ``{"errors": [{"field", "code", "message"}]}``: Returns v3 400 (``errors`` schema) and 409 on cancel;
- ``{"error": {"code", "request", "message"}}``: Returns v3 ``responses/400`` (announce-synchronously) and
  the v2 documents' 404; the sandbox also answers injected 5xx/429 with it;
- JSON:API ``{"errors": [{"status", "code", "detail", "source"}]}``: service points, v3 documents, auth.
"""

from __future__ import annotations

from flask import Response, jsonify, request


class ApiError(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def field_errors(status: int, errors: list[tuple[str, str, str]]) -> Response:
    """(field, code, message) triples in the Returns ``errors`` shape."""
    response = jsonify({"errors": [{"field": f, "code": c, "message": m} for f, c, m in errors]})
    response.status_code = status
    return response


def error_object(status: int, code: str | int, message: str) -> Response:
    response = jsonify({"error": {"code": code, "request": request.path.lstrip("/"), "message": message}})
    response.status_code = status
    return response


def json_api(status: int, code: str, detail: str, parameter: str | None = None) -> Response:
    error: dict[str, object] = {"status": str(status), "code": code, "detail": detail}
    if parameter is not None:
        error["source"] = {"parameter": parameter}
    response = jsonify({"errors": [error]})
    response.status_code = status
    return response
