"""Bad requests never crash the sandbox: every answer is a WordPress error ``{code, message, data}``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo, start

# (method, path, kwargs, expected status)
CASES: list[tuple[str, str, dict[str, Any], int]] = [
    ("GET", "nope", {}, 404),
    ("DELETE", "orders", {}, 404),  # no such method on the route: WordPress says rest_no_route
    ("GET", "orders/abc", {}, 404),
    ("GET", "orders", {"params": {"page": "abc"}}, 400),
    ("GET", "orders", {"params": {"page": "0"}}, 400),
    ("GET", "orders", {"params": {"page": "999"}}, 200),  # past the end: [] as CRUD collections answer
    ("GET", "orders", {"params": {"modified_after": "yesterday"}}, 400),
    ("GET", "orders", {"params": {"dates_are_gmt": "maybe"}}, 400),
    ("GET", "orders", {"params": {"include": "1,x"}}, 400),
    ("GET", "orders", {"params": {"dp": "-1"}}, 400),
    ("POST", "orders", {"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", "orders", {"json": {"line_items": "lots"}}, 400),
    ("POST", "orders", {"json": {"line_items": [1, 2]}}, 400),
    ("POST", "orders", {"json": {"line_items": [{"product_id": "x"}]}}, 400),
    ("POST", "orders", {"json": {"status": "exploded"}}, 400),
    ("POST", "orders", {"json": {"billing": "me"}}, 400),
    ("POST", "orders", {"json": {"meta_data": {"key": "x"}}}, 400),
    ("POST", "orders", {"json": {"set_paid": "perhaps"}}, 400),
    ("POST", "orders", {"json": [1, 2, 3]}, 201),  # a non-object body is ignored like WordPress does
    ("POST", "orders/batch", {"json": {"create": "x"}}, 400),
    ("POST", "coupons", {"json": {"code": "c1", "amount": "ten"}}, 400),
    ("POST", "coupons", {"json": {"code": "c2", "usage_limit": "many"}}, 400),
    ("POST", "coupons", {"json": {"code": "c3", "date_expires": "soon"}}, 400),
    ("POST", "coupons", {"json": {"code": "c4", "email_restrictions": 5}}, 400),
    ("POST", "coupons", {"json": {"code": ["a"]}}, 400),
    ("POST", "webhooks", {"json": {"topic": "order.updated"}}, 400),
    ("POST", "webhooks", {"json": {"topic": 5, "delivery_url": "x"}}, 400),
    ("PUT", "products/1", {"json": {}}, 404),
    ("GET", "products", {"params": {"per_page": "1000"}}, 400),
]


@pytest.fixture(scope="module")
def shared() -> Iterator[Woo]:
    """One shop for the table below: each case is independent of what the others wrote."""
    client, stop = start(orders=20)
    yield client
    stop()


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), CASES)
def test_bad_requests_get_wordpress_errors(shared: Woo, method: str, path: str, kwargs: dict[str, Any],
                                           status: int) -> None:
    response = shared.session.request(method, shared.api + path, timeout=10, **kwargs)
    assert response.status_code == status, response.text
    if status >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "data"}
        assert body["data"]["status"] == status


def test_refund_bad_bodies(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    for body in ({"amount": "abc"}, {"line_items": "x"}, {"line_items": [{"id": 1, "refund_tax": 5}]},
                 {"meta_data": "x"}, {"reason": {"a": 1}}):
        response = woo.post(f"orders/{order['id']}/refunds", body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["code"] == "rest_invalid_param"
    assert woo.get(f"orders/{order['id']}/refunds").json() == []


def test_injected_faults_use_the_wordpress_error_shape(woo: Woo) -> None:
    woo.sandbox("PUT", "faults", json={"error_rate": 1.0})
    response = woo.get("orders")
    assert response.status_code in (500, 502, 503)
    assert response.json()["data"]["status"] == response.status_code
    woo.sandbox("PUT", "faults", json={"error_rate": 0.0, "throttle_rate": 1.0})
    throttled = woo.get("orders")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    woo.sandbox("PUT", "faults", json={"throttle_rate": 0.0})
    assert woo.get("orders").status_code == 200


def test_timeout_after_write_applies_the_refund(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    woo.sandbox("PUT", "faults", json={"timeout_after_write_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        requests.post(woo.api + f"orders/{order['id']}/refunds", json={"amount": "1.00"}, auth=(KEY, SECRET),
                      timeout=10)
    woo.sandbox("PUT", "faults", json={"timeout_after_write_rate": 0.0})
    refunds = woo.get(f"orders/{order['id']}/refunds").json()
    assert [r["amount"] for r in refunds] == ["1.00"]  # it happened although the client saw no answer
