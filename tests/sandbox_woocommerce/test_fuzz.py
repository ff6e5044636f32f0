"""Random bodies and parameters on every write route: the sandbox answers, it never crashes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox_woocommerce.conftest import Woo, start

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
    | st.sampled_from(["1.00", "-5", "abc", "2030-01-01T00:00:00", "true", "[]"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = st.sampled_from([
    "amount", "reason", "line_items", "api_refund", "api_restock", "meta_data", "code", "discount_type",
    "usage_limit", "email_restrictions", "date_expires", "status", "set_paid", "billing", "coupon_lines",
    "customer_id", "topic", "delivery_url", "stock_quantity", "manage_stock", "create", "update", "delete",
])
BODIES = st.dictionaries(FIELDS, JSON, max_size=5) | JSON


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Woo, int, int]]:
    client, stop = start(orders=20)
    order = client.get("orders", params={"per_page": 1}).json()[0]["id"]
    product = client.get("products", params={"per_page": 1}).json()[0]["id"]
    yield client, order, product
    stop()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["orders", "orders/{order}", "orders/{order}/refunds", "orders/{order}/notes",
                              "orders/batch", "coupons", "webhooks", "products/{product}"]),
       method=st.sampled_from(["POST", "PUT"]), body=BODIES)
def test_random_bodies_never_crash(shared: tuple[Woo, int, int], route: str, method: str, body: Any) -> None:
    woo, order, product = shared
    response = woo.session.request(method, woo.api + route.format(order=order, product=product), json=body,
                                   timeout=10)
    assert response.status_code != 500 or response.json()["code"] != "internal_server_error", response.text
    if response.status_code >= 400:
        assert {"code", "message", "data"} <= set(response.json())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["page", "per_page", "offset", "status", "orderby", "order",
                                               "modified_after", "after", "include", "customer", "dp", "search",
                                               "dates_are_gmt", "_fields", "product"]),
                              st.text(max_size=10), max_size=4))
def test_random_list_parameters_never_crash(shared: tuple[Woo, int, int], params: dict[str, str]) -> None:
    response = shared[0].get("orders", params=params)
    assert response.status_code in (200, 400), response.text
