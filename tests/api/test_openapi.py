"""The OpenAPI document: valid OpenAPI 3, generated from the schemas, describing every API route."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from connector.api.openapi import build_spec

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body: dict[str, Any] = answer.get_json()
    return body


def test_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented(app: Flask, document: dict[str, Any]) -> None:
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops if method in METHODS}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        routed |= {(path, m.lower()) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert routed and routed == documented
    assert len(routed) >= 16  # 4 portal + 1 tracking + 10 agent + this document


def test_operations_describe_bodies_auth_errors_and_idempotency(document: dict[str, Any]) -> None:
    ids = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            ids.append(op["operationId"])
            params = {(p["in"], p["name"]) for p in op.get("parameters", [])}
            assert all(("path", name) in params for name in _path_names(path)), path
            success = [code for code in op["responses"] if code.startswith("2")]
            assert success, (path, method)
            if path.startswith("/api/v1/shops/"):
                assert {name for item in op["security"] for name in item} == {
                    "shopifySessionToken", "apiKey", "apiKeyBearer"}
                assert {"401", "404"} <= set(op["responses"])
            if method == "post" and path != "/api/v1/portal/{shop_id}/lookup":
                assert ("header", "Idempotency-Key") in params, path
                assert "requestBody" in op and "422" in op["responses"], path
    assert len(ids) == len(set(ids))


def test_schemas_come_from_marshmallow(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    create = schemas["CreateReturnRequest"]
    assert set(create["required"]) == {"lines", "method"}
    line = schemas["RequestedLine"]
    assert line["properties"]["reason"]["enum"][0] == "size_too_small"
    assert line["properties"]["quantity"]["minimum"] == 1
    assert "Error" in schemas and "ReturnDetail" in schemas


def test_an_undocumented_api_route_fails_the_build(app: Flask) -> None:
    @app.get("/api/v1/secret-route")
    def secret_route() -> str:
        return "x"

    with pytest.raises(RuntimeError, match="secret-route"):
        build_spec(app)


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def test_the_credit_bonus_and_keep_the_item_are_documented(document: dict[str, Any]) -> None:
    """Issue 15: the bonus is its own line of the amounts; the portal takes keep_item and says when it refuses."""
    schemas = document["components"]["schemas"]
    amounts = next(s for name, s in schemas.items() if name.startswith("Amounts"))
    assert "store_credit_bonus" in amounts["properties"] and "store_credit_bonus" in amounts["required"]
    create = document["paths"]["/api/v1/portal/{shop_id}/returns"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    body = schemas[body["$ref"].rsplit("/", 1)[-1]] if "$ref" in body else body
    assert body["properties"]["keep_item"]["type"] == "boolean"
    assert "keep_item_refused" in create["description"]
