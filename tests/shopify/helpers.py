"""Shared helpers for the Shopify unit tests: fixtures loader, a fake clock, GraphQL request matching."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import responses

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"
SHOP = "demo-shop.myshopify.com"
API_VERSION = "2026-04"
ENDPOINT = f"https://{SHOP}/admin/api/{API_VERSION}/graphql.json"


def load(name: str) -> Any:
    """A fixture parsed like the client parses Shopify: decimals stay Decimal, never float."""
    return json.loads((FIXTURES / name).read_text(), parse_float=Decimal)


def raw(name: str) -> str:
    return (FIXTURES / name).read_text()


class FakeClock:
    """Monotonic clock + sleep that only advance when slept: tests run instantly and record waits."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def body_of(call: responses.Call) -> dict[str, Any]:
    body = call.request.body
    text = body.decode() if isinstance(body, bytes) else str(body)
    return json.loads(text)  # type: ignore[no-any-return]


def operation(name: str) -> Callable[[Any], tuple[bool, str]]:
    """A ``responses`` matcher for one GraphQL operation (by the operation name in the document)."""

    def match(request: Any) -> tuple[bool, str]:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        query = json.loads(body)["query"]
        ok = f"query {name}(" in query or f"mutation {name}(" in query or f"query {name} " in query
        return ok, "" if ok else f"not {name}"

    return match


def gql_ok(
    data: dict[str, Any], available: float = 1900, maximum: float = 2000, rate: float = 100, requested: int = 10
) -> dict[str, Any]:
    return {
        "data": data,
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": requested,
                "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate},
            }
        },
    }


def stub_order(
    node: dict[str, Any],
    product_collections: dict[str, Any],
    *,
    split_lines_at: int | None = None,
    mock: responses.RequestsMock = responses.mock,
) -> None:
    """Serve one order the way the adapter reads it: header + lines (maybe 2 pages), fulfilments, returns,
    then ``product_collections`` (the ``nodes`` answer to ``ProductCollections``)."""

    def serve(name: str, data: dict[str, Any]) -> None:
        mock.post(ENDPOINT, match=[operation(name)], json=gql_ok(data))

    lines = node["lineItems"]["nodes"]
    first, rest = (lines, []) if split_lines_at is None else (lines[:split_lines_at], lines[split_lines_at:])
    header = {k: v for k, v in node.items() if k not in ("lineItems", "fulfillments", "returns")}
    header["lineItems"] = {"nodes": first, "pageInfo": {"hasNextPage": bool(rest), "endCursor": "l1"}}
    serve("Order", {"order": header})
    if rest:
        page = {"nodes": rest, "pageInfo": {"hasNextPage": False, "endCursor": "l2"}}
        serve("OrderLines", {"order": {"id": node["id"], "lineItems": page}})
    serve("OrderFulfillments", {"order": {"id": node["id"], "fulfillments": node["fulfillments"]}})
    returns = {"nodes": node["returns"]["nodes"], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    serve("OrderReturns", {"order": {"id": node["id"], "returns": returns}})
    serve("ProductCollections", product_collections)
