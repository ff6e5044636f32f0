"""Every ``request.get_json`` of the app parses with ``connector.jsonlimits``, and a body it refuses is a 400
``invalid_json`` naming the problem.

The provider makes a too-deep body a ``ValueError`` like any other bad JSON, so ``silent=True`` gives None
instead of letting ``RecursionError`` through. Flask answers a non-silent failure with a bare 400 whose text
says nothing of the cause; the request class answers it with the app's JSON error, saying what was wrong.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider

from connector import jsonlimits
from connector.api.errors import ApiError


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with a nesting limit on what it reads; what it writes is unchanged."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsonlimits.loads(s, **kwargs)


def invalid_json(exc: ValueError) -> ApiError:
    """The 400 for a body that is not JSON we accept: the depth limit by name, else a plain "not JSON"."""
    message = str(exc) if isinstance(exc, jsonlimits.JSONTooDeep) else "the body is not valid JSON"
    return ApiError(400, "invalid_json", message)


class LimitedRequest(Request):
    """Answers JSON that cannot be read with the app's 400 ``invalid_json`` rather than Flask's bare 400."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:  # not a JSON content type: Flask's 415 says so
            return super().on_json_loading_failed(e)
        raise invalid_json(e) from e


def install(app: Flask) -> None:
    app.json = LimitedJSONProvider(app)
    app.request_class = LimitedRequest
