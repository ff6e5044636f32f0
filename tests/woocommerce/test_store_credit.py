"""Store credit as a coupon: fixed code per key, shape, Smart Coupons variant, retries find it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses

from connector.domain.actions import ActionKind, StoreCreditInstruction
from connector.domain.money import Money
from connector.errors import OutcomeUnknown
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.markers import coupon_code
from tests.woocommerce.conftest import API, load

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


def credit(key: str = "ret-1:credit:1", amount: str = "27.50") -> StoreCreditInstruction:
    return StoreCreditInstruction(
        idempotency_key=key,
        customer_email="john.doe@example.com",
        customer_id="26",
        amount=Money(amount, "USD"),
        return_id="R-123",
        order_id="727",
    )


def make(client: WooClient, **kw: Any) -> WooCommerceAdapter:
    return WooCommerceAdapter(client, shop_id="s", clock=lambda: NOW, **kw)


def coupon_reply(request: Any) -> tuple[int, dict[str, str], str]:
    body = json.loads(request.body)
    reply = {**load("coupon_fixed_cart.json"), **body, "id": 900, "code": body["code"].lower()}
    return 201, {}, json.dumps(reply, default=str)


def test_code_is_fixed_per_key_and_differs_between_keys() -> None:
    assert coupon_code("ret-1:credit:1") == coupon_code("ret-1:credit:1")
    assert coupon_code("ret-1:credit:1") != coupon_code("ret-1:credit:2")
    assert coupon_code("k").startswith("RC-") and len(coupon_code("k")) == 19


def test_fixed_cart_coupon_shape(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = make(client).issue_store_credit(credit())
    body = json.loads(next(c for c in rsps.calls if c.request.method == "POST").request.body)
    assert body["code"] == coupon_code("ret-1:credit:1")
    assert body["discount_type"] == "fixed_cart"
    assert body["amount"] == "27.50"
    assert body["email_restrictions"] == ["john.doe@example.com"]
    assert body["usage_limit"] == 1 and body["usage_limit_per_user"] == 1
    assert body["date_expires_gmt"] == "2027-03-12T12:00:00"
    assert "[rc:ret-1:credit:1]" in body["description"]
    assert effect.kind is ActionKind.STORE_CREDIT and effect.platform_id == "900"
    assert effect.amount == Money("27.50", "USD") and effect.extra["code"] == coupon_code("ret-1:credit:1")


def test_explicit_expiry_wins(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    ins = StoreCreditInstruction(
        "k2", "a@b.c", None, Money("5", "USD"), "R-2", "727", expires_at=datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    )
    make(client).issue_store_credit(ins)
    body = json.loads(next(c for c in rsps.calls if c.request.method == "POST").request.body)
    assert body["date_expires_gmt"] == "2026-06-30T22:00:00"


def test_smart_coupon_flag(client: WooClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    make(client, store_credit_mode="smart_coupon").issue_store_credit(credit())
    body = json.loads(next(c for c in rsps.calls if c.request.method == "POST").request.body)
    assert body["discount_type"] == "smart_coupon"
    assert "usage_limit" not in body  # a balance is drawn down over several orders


@pytest.mark.parametrize(
    ("enum", "expected"),
    [
        (["percent", "fixed_cart", "smart_coupon"], "smart_coupon"),
        (["percent", "fixed_cart", "fixed_product"], "fixed_cart"),
    ],
)
def test_smart_coupon_detection(
    client: WooClient, rsps: responses.RequestsMock, enum: list[str], expected: str
) -> None:
    rsps.add(
        responses.OPTIONS,
        f"{API}/coupons",
        json={"namespace": "wc/v3", "schema": {"properties": {"discount_type": {"enum": enum}}}},
    )
    rsps.get(f"{API}/coupons", json=[])
    rsps.add_callback(responses.POST, f"{API}/coupons", callback=coupon_reply)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    adapter = make(client, store_credit_mode="auto")
    adapter.issue_store_credit(credit())
    adapter.issue_store_credit(credit("ret-2:credit:1"))
    bodies = [
        json.loads(c.request.body) for c in rsps.calls if c.request.method == "POST" and "coupons" in c.request.url
    ]
    assert [b["discount_type"] for b in bodies] == [expected, expected]
    assert sum(1 for c in rsps.calls if c.request.method == "OPTIONS") == 1  # detected once


def test_retry_after_lost_answer_finds_coupon(client: WooClient, rsps: responses.RequestsMock) -> None:
    adapter = make(client)
    code = coupon_code("ret-1:credit:1")
    rsps.get(f"{API}/coupons", json=[])
    post = rsps.post(f"{API}/coupons", body=requests.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknown):
        adapter.issue_store_credit(credit())
    rsps.replace(
        responses.GET,
        f"{API}/coupons",
        json=[{**load("coupon_fixed_cart.json"), "id": 901, "code": code.lower(), "amount": "27.50"}],
    )
    found = adapter.find_store_credit(credit())
    assert found is not None and found.platform_id == "901"
    assert adapter.issue_store_credit(credit()).platform_id == "901"
    assert post.call_count == 1
    assert "code=" + code in rsps.calls[-1].request.url


def test_code_exists_race_returns_the_existing_coupon(client: WooClient, rsps: responses.RequestsMock) -> None:
    code = coupon_code("ret-1:credit:1")
    rsps.get(f"{API}/coupons", json=[])
    rsps.get(f"{API}/coupons", json=[{**load("coupon_fixed_cart.json"), "id": 902, "code": code.lower()}])
    rsps.post(
        f"{API}/coupons",
        status=400,
        json={"code": "woocommerce_rest_coupon_code_already_exists", "message": "exists", "data": {"status": 400}},
    )
    assert make(client).issue_store_credit(credit()).platform_id == "902"
