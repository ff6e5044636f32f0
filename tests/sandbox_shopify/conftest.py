"""Fixtures: a fresh Shopify sandbox per test on 127.0.0.1:0, and a client speaking to it like an app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from sandboxes.shopify.cli import start_in_thread
from sandboxes.shopify.options import SandboxOptions

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
VERSION = "2026-04"


@dataclass
class Sandbox:
    base: str
    options: SandboxOptions
    token: str = "shpat_sandbox"
    session: requests.Session = field(default_factory=requests.Session)

    def post(
        self, query: str, variables: dict[str, Any] | None = None, version: str = VERSION, token: str | None = None
    ) -> requests.Response:
        return self.session.post(
            f"{self.base}/admin/api/{version}/graphql.json",
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": token or self.token},
            timeout=10,
        )

    def gql(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        response = self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.gql(query, variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    def admin(self, method: str, path: str, **kw: Any) -> Any:
        response = self.session.request(method, f"{self.base}/__sandbox{path}", timeout=10, **kw)
        assert response.status_code < 400, response.text
        return response.json()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    stops: list[Callable[[], None]] = []

    def make(**overrides: Any) -> Sandbox:
        options = SandboxOptions(orders=150, seed=7, now=NOW, webhook_retry_schedule=(0.2, 0.4), **overrides)
        base, stop = start_in_thread(options)
        stops.append(stop)
        return Sandbox(base, options)

    yield make
    for stop in stops:
        stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()


ORDER_FIELDS = """
id name email currencyCode displayFulfillmentStatus
transactions { id kind gateway amountSet { presentmentMoney { amount currencyCode } } }
lineItems(first: 5) { nodes { id quantity currentQuantity sku variant { id inventoryQuantity }
  originalUnitPriceSet { presentmentMoney { amount currencyCode } } } }
fulfillments { id deliveredAt fulfillmentLineItems(first: 5) { nodes { id quantity lineItem { id } } } }
"""


def fulfilled_order(sb: Sandbox, min_quantity: int = 1, skip: int = 0) -> dict[str, Any]:
    """A fully fulfilled order whose first fulfillment line has at least ``min_quantity`` units."""
    body = sb.data(
        "query($q: String) { orders(first: 20, query: $q) { nodes { %s } } }" % ORDER_FIELDS,  # noqa: UP031
        {"q": None},
    )
    found = [
        o
        for o in body["orders"]["nodes"]
        if o["displayFulfillmentStatus"] == "FULFILLED"
        and o["fulfillments"][0]["fulfillmentLineItems"]["nodes"][0]["quantity"] >= min_quantity
    ]
    assert len(found) > skip, "seed has no suitable order"
    order: dict[str, Any] = found[skip]
    return order


def first_fli(order: dict[str, Any]) -> dict[str, Any]:
    fli: dict[str, Any] = order["fulfillments"][0]["fulfillmentLineItems"]["nodes"][0]
    return fli
