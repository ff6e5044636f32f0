"""Checks a GraphQL request (document and variables) against Shopify's published Admin schema.

The sandbox answers from its own SDL, which is written by hand: a request it accepts can still be one a real
shop refuses (an input field Shopify does not have, an enum value it does not know). With
``SHOPIFY_SANDBOX_PUBLISHED_SCHEMA`` naming an introspection result (``admin_<version>.json.gz`` as published
in ``@shopify/dev-mcp``), the sandbox refuses such a request with a ``PUBLISHED_SCHEMA_MISMATCH`` error
and records it in ``REFUSED``. The test suite turns this on for every run (tests/shopify_published.py).

Custom scalars (``Decimal``, ``DateTime``, ...) come without their parsing rules in an introspection result,
so their values are not checked; everything else (names, nesting, nullability, enums, lists) is.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    build_client_schema,
    get_operation_ast,
    parse,
    validate,
    validate_schema,
)
from graphql.execution.values import get_variable_values

ENV_VAR: Final = "SHOPIFY_SANDBOX_PUBLISHED_SCHEMA"
MISMATCH_CODE: Final = "PUBLISHED_SCHEMA_MISMATCH"
_DOCUMENTS: Final = 256
_DEPRECATED_IMPLEMENTATION: Final = "is not deprecated, so implementation field"

REFUSED: list[str] = []
"""Every request refused in this process, as a readable line (the test suite fails the test that sent one)."""


@cache
def load(path: str) -> GraphQLSchema:
    """The schema of an introspection result (a ``.json`` or ``.json.gz`` file, ``{"data": {"__schema"}}``)."""
    raw = Path(path).read_bytes()
    document = json.loads(gzip.decompress(raw) if path.endswith(".gz") else raw)
    schema = build_client_schema(document.get("data", document))
    problems = [error.message for error in validate_schema(schema)]
    serious = [message for message in problems if _DEPRECATED_IMPLEMENTATION not in message]
    if serious:
        raise TypeError("\n".join(serious))
    # Shopify deprecates a few interface fields only on some implementations (e.g. ChannelDefinition.id), which
    # graphql-core 3.3 flags; that says nothing about requests, so validation may go on with this schema.
    schema._validation_errors = []
    return schema


def from_env() -> GraphQLSchema | None:
    """The published schema named by ``SHOPIFY_SANDBOX_PUBLISHED_SCHEMA``, or None when it is not set."""
    path = os.environ.get(ENV_VAR, "").strip()
    return load(path) if path else None


class RequestChecker:
    """Validates documents (parsed and validated once per text) and coerces variables against one schema."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._documents: OrderedDict[str, tuple[DocumentNode | None, list[str]]] = OrderedDict()
        self._lock = threading.Lock()  # the sandbox serves requests on several threads

    def problems(self, query: str, variables: Mapping[str, Any] | None, operation_name: str | None = None,
                 ) -> list[str]:  # fmt: skip
        """Why ``schema`` refuses this request: document errors first, then variable errors; [] when valid."""
        document, errors = self._document(query)
        if document is None or errors:
            return errors
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return [f"no operation named {operation_name!r} in the document"]
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), dict(variables or {}))
        return [error.message for error in coerced] if isinstance(coerced, list) else []

    def _document(self, query: str) -> tuple[DocumentNode | None, list[str]]:
        with self._lock:
            cached = self._documents.get(query)
        if cached is None:
            try:
                document: DocumentNode | None = parse(query)
            except GraphQLError as error:
                cached = (None, [error.message])
            else:
                assert document is not None
                cached = (document, [error.message for error in validate(self.schema, document)])
            with self._lock:
                self._documents[query] = cached
                if len(self._documents) > _DOCUMENTS:
                    self._documents.popitem(last=False)
        return cached


def operation_label(query: str) -> str:
    """The first line naming the operation (``mutation GiftCardCreate(...)``), for messages."""
    for line in query.strip().splitlines():
        if line.strip() and not line.strip().startswith("#"):
            return line.strip()[:80]
    return "<empty document>"
