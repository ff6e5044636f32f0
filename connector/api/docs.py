"""Each API view carries its OpenAPI description, so the document is built from the views themselves.

``@documented(...)`` stores an ``Operation`` on the view function; ``connector.api.openapi`` walks the
app's URL map and refuses to build a document if an ``/api/`` route has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from marshmallow import Schema

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE: Final = "__api_operation__"

AGENT_AUTH: Final = ("shopifySessionToken", "apiKey", "apiKeyBearer")
CUSTOMER_AUTH: Final = ("customerToken",)


@dataclass(frozen=True, slots=True)
class Operation:
    summary: str
    tag: str
    response: type[Schema] | None
    status: int = 200
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    auth: tuple[str, ...] = ()
    idempotent: bool = False
    errors: tuple[int, ...] = ()
    description: str = ""


def documented(
    summary: str,
    *,
    tag: str,
    response: type[Schema] | None,
    status: int = 200,
    body: type[Schema] | None = None,
    query: type[Schema] | None = None,
    auth: tuple[str, ...] = (),
    idempotent: bool = False,
    errors: tuple[int, ...] = (),
    description: str = "",
) -> Callable[[F], F]:
    operation = Operation(summary, tag, response, status, body, query, auth, idempotent, errors, description)

    def attach(view: F) -> F:
        setattr(view, ATTRIBUTE, operation)
        return view

    return attach


def operation_of(view: Callable[..., Any]) -> Operation | None:
    found = getattr(view, ATTRIBUTE, None)
    return found if isinstance(found, Operation) else None
