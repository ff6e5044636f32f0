"""``POST /admin/api/<version>/graphql.json``: auth, parse, validate, cost/throttle, execute.

Never answers 500 by itself: bad documents give GraphQL ``errors`` (HTTP 200), as Shopify does; only the
fault injector produces 5xx.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from typing import Any, Final

from flask import Response, jsonify, request
from graphql import DocumentNode, GraphQLError, GraphQLSchema, execute, parse, validate

from sandboxes.shopify import published
from sandboxes.shopify.context import Context, EventSink
from sandboxes.shopify.cost import MAX_QUERY_COST, LeakyBucket, query_cost
from sandboxes.shopify.oauth import TokenStore
from sandboxes.shopify.schema import Root, resolve_field, resolve_type
from sandboxes.shopify.state import Shop

log = logging.getLogger(__name__)
_VERSION: Final = re.compile(r"^\d{4}-(01|04|07|10)$|^unstable$")
_DOCUMENT_CACHE: Final = 256
INVALID_TOKEN: Final = "[API] Invalid API key or access token (unrecognized login or wrong password)"  # noqa: S105


def _json(body: dict[str, Any], status: int = 200, version: str | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["X-Request-Id"] = str(uuid.uuid4())
    if version:
        response.headers["X-Shopify-API-Version"] = version
    return response


def throttled_body(bucket: LeakyBucket, requested: int) -> dict[str, Any]:
    """The documented THROTTLED answer (HTTP 200)."""
    return {
        "errors": [{
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }],
        "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None,
                                "throttleStatus": bucket.status()}},
    }  # fmt: skip


def _errors(errors: list[GraphQLError]) -> list[dict[str, Any]]:
    formatted = []
    for error in errors:
        item = error.formatted
        if "extensions" not in item:
            item["extensions"] = {"code": "BAD_REQUEST" if error.path is None else "INTERNAL_SERVER_ERROR"}
        formatted.append(dict(item))
    return formatted


class GraphQLEndpoint:
    def __init__(self, schema: GraphQLSchema, shop: Shop, tokens: TokenStore, bucket: LeakyBucket,
                 events: EventSink, min_version: str) -> None:  # fmt: skip
        self.schema = schema
        self.shop = shop
        self.tokens = tokens
        self.bucket = bucket
        self.events = events
        self.min_version = min_version
        self.root = Root()
        self._documents: OrderedDict[str, tuple[DocumentNode, list[GraphQLError]]] = OrderedDict()
        self._documents_lock = threading.Lock()
        reference = published.from_env()
        self._published = published.RequestChecker(reference) if reference is not None else None
        self._own = published.RequestChecker(schema)

    def _document(self, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
        """Parse + validate, cached per query text: apps send the same few documents over and over."""
        with self._documents_lock:
            cached = self._documents.get(query)
            if cached is not None:
                self._documents.move_to_end(query)
                return cached
        document = parse(query)
        result = (document, list(validate(self.schema, document)))
        with self._documents_lock:
            self._documents[query] = result
            if len(self._documents) > _DOCUMENT_CACHE:
                self._documents.popitem(last=False)
        return result

    def _refused_by_shopify(self, query: str, variables: dict[str, Any], operation_name: str | None) -> str:
        """Why the published schema refuses a request this sandbox accepts ("" when it does not, or when no
        published schema is configured). A request the sandbox refuses too goes on to its usual error."""
        if self._published is None:
            return ""
        problems = self._published.problems(query, variables, operation_name)
        if not problems or self._own.problems(query, variables, operation_name):
            return ""
        message = (f"Refused by Shopify's published Admin schema: {published.operation_label(query)}: "
                   f"{'; '.join(problems)}")  # fmt: skip
        published.REFUSED.append(message)
        log.error("sandbox.graphql.published-schema-mismatch", extra={"problems": problems})
        return message

    def __call__(self, version: str) -> Response:
        if not _VERSION.match(version):
            return _json({"errors": "Not Found"}, 404)
        # Unsupported (older) versions fall forward to the oldest supported one, as Shopify does.
        served = version if version == "unstable" or version >= self.min_version else self.min_version
        if not self.tokens.valid(request.headers.get("X-Shopify-Access-Token")):
            return _json({"errors": INVALID_TOKEN}, 401)
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return _json({"errors": {"query": "Required parameter missing or invalid"}}, 400, served)
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return _json({"errors": [{"message": "Variables must be a JSON object",
                                      "extensions": {"code": "BAD_REQUEST"}}]}, 200, served)  # fmt: skip
        operation_name = body.get("operationName")
        try:
            return self._run(body["query"], variables, operation_name if isinstance(operation_name, str) else None,
                             served)  # fmt: skip
        except Exception:  # never a 500 from a query: report and answer like Shopify's internal error
            log.exception("sandbox GraphQL execution failed")
            return _json({"errors": [{"message": "Internal error. Looks like something went wrong on our end.",
                                      "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}, 200, served)  # fmt: skip

    def _run(self, query: str, variables: dict[str, Any], operation_name: str | None, version: str) -> Response:
        try:
            document, problems = self._document(query)
        except GraphQLError as error:
            return _json({"errors": _errors([error])}, 200, version)
        if problems:
            return _json({"errors": _errors(problems)}, 200, version)
        refused = self._refused_by_shopify(query, variables, operation_name)
        if refused:
            return _json({"errors": [{"message": refused, "extensions": {"code": published.MISMATCH_CODE}}]},
                         200, version)  # fmt: skip
        requested = query_cost(self.schema, document, variables, operation_name)
        if requested > MAX_QUERY_COST:
            return _json({"errors": [{
                "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                           f"({MAX_QUERY_COST}).",
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST},
            }]}, 200, version)  # fmt: skip
        if not self.bucket.take(requested):
            return _json(throttled_body(self.bucket, requested), 200, version)
        context = Context(self.shop, version, self.events)
        with self.shop.lock:
            result = execute(self.schema, document, root_value=self.root, context_value=context,
                             variable_values=variables, operation_name=operation_name,
                             field_resolver=resolve_field, type_resolver=resolve_type)  # fmt: skip
        assert not hasattr(result, "__await__")
        data = result.data
        actual = query_cost(self.schema, document, variables, operation_name, data or {}) if data else requested
        actual = min(actual, requested)
        self.bucket.give_back(requested - actual)
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = _errors(list(result.errors))
        payload["data"] = data
        payload["extensions"] = {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                                          "throttleStatus": self.bucket.status()}}  # fmt: skip
        return _json(payload, 200, version)
