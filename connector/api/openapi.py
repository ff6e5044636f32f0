"""``GET /api/openapi.json``: the OpenAPI 3 document, generated with apispec from the views' schemas.

Built from the app's URL map, so a route cannot be added without being documented: a route under
``/api/`` without ``@documented`` makes the build fail (and the test that builds it).
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app
from werkzeug.routing import Rule

from connector.api.docs import Operation, documented, operation_of
from connector.api.schemas.common import ErrorSchema
from connector.api.settings import IDEMPOTENCY_KEY_MAX

bp = Blueprint("api_docs", __name__)
EXTENSION = "connector.api.openapi"
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

DESCRIPTION = """\
One JSON API for customers (the returns portal), agents (the embedded admin, helpdesks, warehouses) and
other systems. Every path goes through the same services and the same return policy.

**Agents** send a Shopify session token (`Authorization: Bearer <App Bridge ID token>`) or a per-shop API
key (`X-API-Key: rck_...` or `Authorization: Bearer rck_...`, issued with
`returns-connector api-keys issue --shop ...`). A credential only ever sees its own shop.

**Customers** first `POST /api/v1/portal/{shop_id}/lookup` with an order number and its e-mail, then
send the returned token as `Authorization: Bearer ...`. Tracking links need no token.

**Mutating calls** accept an `Idempotency-Key` header: the first answer is kept for 24 hours and replayed
for a retry with the same key; the same key with another body is a 422.

**Errors** are JSON: `{"error": {"code", "message", "fields"?, "current_status"?}}`; invalid fields are
a 422 naming each field, an illegal state change is a 409 naming the current status.
"""

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "shopifySessionToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Shopify App Bridge session token (HS256, aud = the app's API key, dest = the shop)",
    },
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "a per-shop API key"},
    "apiKeyBearer": {"type": "http", "scheme": "bearer", "description": "a per-shop API key (rck_...)"},
    "customerToken": {"type": "http", "scheme": "bearer", "description": "the token from the order lookup"},
}

ERROR_TEXT = {
    400: "the body is not JSON",
    401: "missing, invalid or expired credentials",
    404: "no such shop, order or return for these credentials",
    409: "illegal state change (names the current status), or the same Idempotency-Key is still running",
    422: "invalid fields (named), a rule the return breaks, or an Idempotency-Key reused with another body",
    429: "too many attempts; see Retry-After",
}


def _operation(op: Operation, rule: Rule) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": op.response}}
    responses: dict[str, Any] = {str(op.status): success}
    for status in sorted({400, *op.errors} if op.body else set(op.errors)):
        responses[str(status)] = {
            "description": ERROR_TEXT.get(status, "error"),
            "content": {"application/json": {"schema": "Error"}},
        }
    parameters: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in sorted(rule.arguments)
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    if op.idempotent:
        parameters.append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
                "description": "any unique string (a UUID); retries with the same key replay the first answer",
            }
        )
    operation: dict[str, Any] = {
        "summary": op.summary,
        "operationId": rule.endpoint.replace(".", "_"),
        "tags": [op.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if op.description:
        operation["description"] = op.description
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    operation["security"] = [{name: []} for name in op.auth] if op.auth else []
    return operation


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Returns Connector API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
    )
    spec.components.schema("Error", schema=ErrorSchema)
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        op = operation_of(app.view_functions[rule.endpoint])
        if op is None:
            raise RuntimeError(f"route {rule.rule} ({rule.endpoint}) has no @documented description")
        path = _PARAM.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(op, rule)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/api/openapi.json")
@documented("This OpenAPI document", tag="meta", response=None)
def openapi_document() -> Any:
    cached = current_app.extensions.get(EXTENSION)
    if cached is None:
        cached = build_spec(current_app)
        current_app.extensions[EXTENSION] = cached
    return cached
