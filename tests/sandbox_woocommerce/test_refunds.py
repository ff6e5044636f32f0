"""Refunds as WooCommerce makes them: gateway call, 500 on failure, amount cap, restock, status.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-refund (source
source/includes/wp-api-v3/_order-refunds.md); behaviour from Version3/class-wc-rest-order-refunds-controller.php
and wc_create_refund (see /work/shared/reference/woocommerce.md section 2).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.sandbox_woocommerce.conftest import KEY, SECRET, Woo


def test_docs_example_manual_refund(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    # docs request body {"amount": "10"}; api_refund false = record only, like the docs' response
    response = woo.post(f"orders/{order['id']}/refunds", {"amount": "10", "api_refund": False})
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["amount"] == "10.00" and refund["reason"] == "" and refund["refunded_by"] == 1
    assert refund["refunded_payment"] is False and refund["meta_data"] == [] and refund["line_items"] == []
    assert refund["_links"]["up"][0]["href"].endswith(f"/wp-json/wc/v3/orders/{order['id']}")
    summary = woo.get(f"orders/{order['id']}").json()["refunds"]
    assert summary == [{"id": refund["id"], "reason": "", "total": "-10.00"}]
    assert woo.get(f"orders/{order['id']}/refunds/{refund['id']}").json()["amount"] == "10.00"
    assert woo.sandbox("GET", "refunds", params={"order_id": order["id"]})["gateway_calls"] == []


def test_api_refund_default_true_pays_through_gateway(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    response = woo.post(f"orders/{order['id']}/refunds", {
        "amount": "5.00", "reason": "RMA-1 [k:abc]", "meta_data": [{"key": "_rma_refund_key", "value": "abc"}],
    })
    assert response.status_code == 201
    refund = response.json()
    assert refund["refunded_payment"] is True
    assert refund["meta_data"][0]["key"] == "_rma_refund_key"
    calls = woo.sandbox("GET", "refunds", params={"order_id": order["id"]})["gateway_calls"]
    assert [(c["amount"], c["ok"]) for c in calls] == [("5.00", True)]
    assert woo.get(f"orders/{order['id']}").json()["status"] == order["status"]  # partial: status unchanged


def test_gateway_without_refunds_answers_500_and_keeps_no_refund(woo: Woo) -> None:
    order = woo.order_paid_with("bacs")
    response = woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "reason": "try"})
    assert response.status_code == 500
    assert response.json() == {
        "code": "woocommerce_rest_cannot_create_order_refund",
        "message": "The payment gateway for this order does not support automatic refunds.", "data": 500,
    }
    assert woo.get(f"orders/{order['id']}/refunds").json() == []
    assert woo.sandbox("GET", "refunds", params={"order_id": order["id"]})["refunds"] == []
    # the manual path works on the same order
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "api_refund": False}).status_code == 201


def test_gateway_toggled_unable_to_refund_and_failing(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    woo.sandbox("PUT", "gateways/stripe", json={"can_refund": False})
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00"}).status_code == 500
    woo.sandbox("PUT", "gateways/stripe", json={"can_refund": True, "fail_refunds": True})
    failed = woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00"})
    assert failed.status_code == 500 and "payment gateway API" in failed.json()["message"]
    woo.sandbox("PUT", "gateways/stripe", json={"fail_refunds": False})
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00"}).status_code == 201
    assert len(woo.get(f"orders/{order['id']}/refunds").json()) == 1


def test_amount_is_capped_at_remaining_and_full_refund_sets_refunded(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    total = Decimal(order["total"])
    over = woo.post(f"orders/{order['id']}/refunds", {"amount": str(total + Decimal("0.01"))})
    # WooCommerce answers 500 with a bare data (wc_create_refund -> "Invalid refund amount."), not 400
    assert over.status_code == 500
    assert over.json()["code"] == "woocommerce_rest_cannot_create_order_refund"
    assert over.json()["message"] == "Invalid refund amount."
    half = (total / 2).quantize(Decimal("0.01"))
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": str(half)}).status_code == 201
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": str(total - half + Decimal("0.01"))}).status_code == 500
    assert woo.post(f"orders/{order['id']}/refunds", {"amount": str(total - half)}).status_code == 201
    after = woo.get(f"orders/{order['id']}").json()
    assert after["status"] == "refunded"
    assert sum(-Decimal(r["total"]) for r in after["refunds"]) == total
    assert woo.sandbox("GET", f"orders/{order['id']}")["_sandbox"]["remaining_refund_amount"] == "0.00"


def test_duplicate_partial_refunds_are_not_prevented(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    for _ in range(2):
        assert woo.post(f"orders/{order['id']}/refunds", {"amount": "2.00", "reason": "same"}).status_code == 201
    assert len(woo.get(f"orders/{order['id']}/refunds").json()) == 2


def test_negative_amount_is_rejected_with_bare_data(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    response = woo.post(f"orders/{order['id']}/refunds", {"amount": "-1"})
    assert response.status_code == 500
    assert response.json()["code"] == "woocommerce_rest_invalid_order_refund" and response.json()["data"] == 400


def test_line_item_refund_restocks_and_computes_amount(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    line = order["line_items"][0]
    variation = line["variation_id"]
    product = line["product_id"]
    before = woo.get(f"products/{product}/variations/{variation}").json()["stock_quantity"]
    tax_id = line["taxes"][0]["id"] if line["taxes"] else 0
    body = {"line_items": [{"id": line["id"], "quantity": 1, "refund_total": "3.00",
                            "refund_tax": [{"id": tax_id, "refund_total": "0.60"}]}], "api_restock": True}
    response = woo.post(f"orders/{order['id']}/refunds", body)
    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["amount"] == "3.60"  # summed from refund_total + refund_tax when amount is omitted
    item = refund["line_items"][0]
    assert item["quantity"] == -1 and item["total"] == "-3.00"
    assert item["meta_data"][0] == {"id": item["meta_data"][0]["id"], "key": "_refunded_item_id",
                                    "value": str(line["id"])}
    after = woo.get(f"products/{product}/variations/{variation}").json()["stock_quantity"]
    assert after == before + 1
    changes = woo.sandbox("GET", "stock", params={"variation_id": variation})
    assert changes[-1]["reason"] == "refund" and changes[-1]["delta"] == 1


def test_api_restock_false_leaves_stock(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    line = order["line_items"][0]
    before = woo.get(f"products/{line['product_id']}/variations/{line['variation_id']}").json()["stock_quantity"]
    body = {"amount": "1.00", "api_restock": False, "line_items": [{"id": line["id"], "quantity": 1,
                                                                    "refund_total": "1.00"}]}
    assert woo.post(f"orders/{order['id']}/refunds", body).status_code == 201
    after = woo.get(f"products/{line['product_id']}/variations/{line['variation_id']}").json()["stock_quantity"]
    assert after == before


def test_refund_on_unknown_order_and_delete_refund(woo: Woo) -> None:
    missing = woo.post("orders/999999/refunds", {"amount": "1"})
    # real 10.0.2: HTTP 500 with a bare data 404 (the WP_Error of prepare_object_for_database)
    assert missing.status_code == 500 and missing.json() == {
        "code": "woocommerce_rest_invalid_order_id", "message": "Invalid order ID.", "data": 404}
    order = woo.order_paid_with("stripe")
    refund = woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "api_refund": False}).json()
    assert woo.delete(f"orders/{order['id']}/refunds/{refund['id']}").status_code == 501
    assert woo.delete(f"orders/{order['id']}/refunds/{refund['id']}", params={"force": "true"}).status_code == 200
    assert woo.get(f"orders/{order['id']}/refunds").json() == []


def test_setting_status_refunded_refunds_the_remainder_without_gateway(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    updated = woo.put(f"orders/{order['id']}", {"status": "refunded"}).json()
    assert updated["status"] == "refunded"
    refunds = woo.get(f"orders/{order['id']}/refunds").json()
    assert refunds[0]["amount"] == order["total"] and refunds[0]["refunded_payment"] is False


def test_refunds_across_orders_have_parent_id(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    woo.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "api_refund": False})
    listed = woo.get("refunds").json()
    assert listed[0]["parent_id"] == order["id"]


def test_slow_gateway_client_timeout_leaves_a_refund_that_completes(woo: Woo) -> None:
    """Reason is saved before the gateway call, meta_data only after it: what a timed-out client can see."""
    order = woo.order_paid_with("stripe")
    woo.sandbox("PUT", "gateways/stripe", json={"delay_ms": 800})
    body = {"amount": "3.00", "reason": "RMA-9 [k:xyz]", "meta_data": [{"key": "_rma_refund_key", "value": "xyz"}]}
    with pytest.raises(requests.ReadTimeout):
        requests.post(woo.api + f"orders/{order['id']}/refunds", json=body, auth=(KEY, SECRET), timeout=0.3)
    pending = woo.get(f"orders/{order['id']}/refunds").json()
    assert [(r["reason"], r["meta_data"], r["refunded_payment"]) for r in pending] == [("RMA-9 [k:xyz]", [], False)]
    time.sleep(0.8)
    done = woo.get(f"orders/{order['id']}/refunds").json()
    assert done[0]["refunded_payment"] is True and done[0]["meta_data"][0]["value"] == "xyz"


def test_slow_failing_gateway_shows_then_removes_the_refund(woo: Woo) -> None:
    order = woo.order_paid_with("stripe")
    woo.sandbox("PUT", "gateways/stripe", json={"delay_ms": 600, "fail_refunds": True})
    with pytest.raises(requests.ReadTimeout):
        requests.post(woo.api + f"orders/{order['id']}/refunds", json={"amount": "1.00", "reason": "ghost"},
                      auth=(KEY, SECRET), timeout=0.2)
    assert [r["reason"] for r in woo.get(f"orders/{order['id']}/refunds").json()] == ["ghost"]
    time.sleep(0.8)
    assert woo.get(f"orders/{order['id']}/refunds").json() == []


def _stock_managed_line(woo: Woo, gateway: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for page in range(1, 10):
        for order in woo.get("orders", params={"per_page": 100, "page": page}).json():
            if order["payment_method"] != gateway or order["refunds"] or order["status"] != "completed":
                continue
            for line in order["line_items"]:
                path = (f"products/{line['product_id']}/variations/{line['variation_id']}" if line["variation_id"]
                        else f"products/{line['product_id']}")
                if woo.get(path).json().get("manage_stock") is True:
                    return dict(order), dict(line)
    raise AssertionError(f"no stock-managed line paid with {gateway}")


def _restocks(woo: Woo, order_id: int) -> list[int]:
    return [c["delta"] for c in woo.sandbox("GET", "stock") if c["order_id"] == order_id and c["delta"] > 0]


def test_zero_refund_restocks_until_the_reduced_stock_is_used_up(woo: Woo) -> None:
    """Real 10.0.2 store (findings question 1): a 0.00 refund with api_refund false and api_restock true is
    accepted, puts the unit back and records it on the refund (quantity -1); the item's _reduced_stock is
    decremented, so once the order's units are all back a further refund restocks nothing."""
    order, line = _stock_managed_line(woo, "stripe")
    body = {"amount": "0.00", "reason": "restock only", "api_refund": False, "api_restock": True,
            "line_items": [{"id": line["id"], "quantity": line["quantity"], "refund_total": "0"}]}
    made = woo.post(f"orders/{order['id']}/refunds", body)
    assert made.status_code == 201, made.text
    refund = made.json()
    assert refund["amount"] == "0.00" and refund["refunded_payment"] is False
    assert [(i["quantity"], i["total"]) for i in refund["line_items"]] == [(-line["quantity"], "0.00")]
    assert _restocks(woo, order["id"]) == [line["quantity"]]
    assert woo.get(f"orders/{order['id']}").json()["status"] == "completed"  # nothing paid: still not refunded
    assert woo.post(f"orders/{order['id']}/refunds", body).status_code == 201
    assert _restocks(woo, order["id"]) == [line["quantity"]]  # _reduced_stock is 0: nothing more goes back


def test_zero_refund_through_a_gateway_without_refunds_is_refused_and_restocks_nothing(woo: Woo) -> None:
    order, line = _stock_managed_line(woo, "bacs")
    answer = woo.post(f"orders/{order['id']}/refunds", {
        "amount": "0.00", "api_refund": True, "api_restock": True,
        "line_items": [{"id": line["id"], "quantity": 1, "refund_total": "0"}]})
    assert answer.status_code == 500
    assert answer.json() == {"code": "woocommerce_rest_cannot_create_order_refund",
                             "message": "The payment gateway for this order does not support automatic refunds.",
                             "data": 500}
    assert _restocks(woo, order["id"]) == []
