"""Refunds: body shape, restock flags, marker, no duplicate after a lost answer, manual fallback."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import requests
import responses

from connector.domain.actions import ActionKind, RefundInstruction, RefundLine
from connector.domain.money import Money
from connector.domain.resolutions import Disposition
from connector.errors import OutcomeUnknown, PermanentError
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.markers import meta_value
from platforms.woocommerce.refunds import (
    RefundExceedsRemaining,
    build_refund_body,
    build_restock_body,
    restock_plan,
)
from tests.woocommerce.conftest import API, dump, load, order


def usd(x: str) -> Money:
    return Money(x, "USD")


def instruction(
    *lines: RefundLine, shipping: str = "0", key: str = "ret-1:refund:1", amount: str | None = None
) -> RefundInstruction:
    total = Money.sum((line.amount for line in lines), "USD") + usd(shipping)
    return RefundInstruction(
        idempotency_key=key,
        order_id="727",
        amount=usd(amount) if amount else total,
        lines=lines,
        shipping=usd(shipping),
        reason="Wrong size",
        return_id="R-123",
    )


LINE_316 = RefundLine("316", 1, usd("19.35"), usd("1.35"), Disposition.RESTOCK)
LINE_315 = RefundLine("315", 1, usd("3.22"), usd("0.22"), Disposition.DISPOSE)


def refund_response(body: dict[str, Any], refund_id: int = 801, refunded_payment: bool = True) -> dict[str, Any]:
    return {
        "id": refund_id,
        "amount": body["amount"],
        "reason": body["reason"],
        "refunded_payment": refunded_payment,
        "meta_data": [{"id": 1, **m} for m in body["meta_data"]],
        "line_items": [],
    }


def test_body_lines_taxes_marker_and_meta() -> None:
    body = build_refund_body(order(), instruction(LINE_316))
    assert body["amount"] == "19.35"
    assert body["api_refund"] is True and body["api_restock"] is True
    assert body["line_items"] == [
        {"id": 316, "quantity": 1, "refund_total": "18.00", "refund_tax": [{"id": 75, "refund_total": "1.35"}]}
    ]
    assert body["reason"] == "Wrong size (return R-123) [rc:ret-1:refund:1]"
    assert meta_value(body["meta_data"], "_returns_connector_key") == "ret-1:refund:1"
    assert json.loads(meta_value(body["meta_data"], "_returns_connector_lines")) == {"316": 1}


def test_shipping_refund_goes_on_the_shipping_item() -> None:
    body = build_refund_body(order(), instruction(LINE_316, shipping="10.00"))
    assert body["amount"] == "29.35"
    assert body["line_items"][1] == {"id": 319, "quantity": 0, "refund_total": "10.00", "refund_tax": []}


def test_unknown_line_is_refused() -> None:
    with pytest.raises(PermanentError):
        build_refund_body(order(), instruction(RefundLine("999", 1, usd("1.00"), usd("0"))))


@pytest.mark.parametrize(
    ("dispositions", "flag", "with_qty"),
    [
        ((Disposition.RESTOCK, Disposition.RESTOCK), True, {"315", "316"}),
        ((Disposition.DISPOSE, None), False, {"315", "316"}),
        ((Disposition.RESTOCK, Disposition.MISSING), True, {"316"}),
    ],
)
def test_restock_plan(dispositions: tuple[Disposition | None, ...], flag: bool, with_qty: set[str]) -> None:
    lines = [
        RefundLine("316", 1, usd("19.35"), usd("1.35"), dispositions[0]),
        RefundLine("315", 1, usd("3.22"), usd("0.22"), dispositions[1]),
    ]
    assert restock_plan(lines) == (flag, with_qty)
    body = build_refund_body(order(), instruction(*lines))
    assert body["api_restock"] is flag
    sent = {str(item["id"]): item["quantity"] for item in body["line_items"]}
    assert {k for k, q in sent.items() if q} == with_qty
    # every returned unit is recorded, restocked or not
    assert json.loads(meta_value(body["meta_data"], "_returns_connector_lines")) == {"316": 1, "315": 1}


def _stub_order(rsps: responses.RequestsMock, refunds: list[dict[str, Any]]) -> None:
    rsps.get(f"{API}/orders/727/refunds", json=refunds, headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order()))


def test_refund_happy_path(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stub_order(rsps, [])
    sent: list[dict[str, Any]] = []

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        sent.append(body)
        return 201, {}, json.dumps(refund_response(body))

    rsps.add_callback(responses.POST, f"{API}/orders/727/refunds", callback=create)
    notes = rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = adapter.refund(instruction(LINE_316))
    assert effect.kind is ActionKind.REFUND and effect.platform_id == "801"
    assert effect.amount == usd("19.35") and not effect.manual
    assert len(sent) == 1 and sent[0]["api_refund"] is True
    assert notes.call_count == 1
    assert "refund 801" in json.loads(rsps.calls[-1].request.body)["note"]


def test_lost_answer_then_find_refund_no_second_post(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    ins = instruction(LINE_316)
    body = build_refund_body(order(), ins)
    # first attempt: Woo saved the refund but the answer never came back
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order()))
    post = rsps.post(f"{API}/orders/727/refunds", body=requests.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknown):
        adapter.refund(ins)
    assert post.call_count == 1
    # the executor looks for the effect: Woo now lists the refund with our marker in its reason
    rsps.replace(
        responses.GET,
        f"{API}/orders/727/refunds",
        json=[
            {**load("refund_726.json")},
            {**refund_response(body, 802), "meta_data": []},  # meta not saved yet, only the reason
        ],
        headers={"X-WP-TotalPages": "1"},
    )
    rsps.replace(responses.GET, f"{API}/orders/727", json={"currency": "USD"})
    found = adapter.find_refund("727", ins.idempotency_key)
    assert found is not None and found.platform_id == "802" and found.amount == usd("19.35")
    # and a retry of refund() itself finds it too, without posting again
    again = adapter.refund(ins)
    assert again.platform_id == "802"
    assert post.call_count == 1


def test_find_refund_ignores_other_keys(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    other = build_refund_body(order(), instruction(LINE_316, key="ret-9:refund:1"))
    rsps.get(f"{API}/orders/727/refunds", json=[refund_response(other)], headers={"X-WP-TotalPages": "1"})
    assert adapter.find_refund("727", "ret-1:refund:1") is None
    # "ret-1:refund:1" is a prefix-safe match: a longer key is not ours
    assert adapter.find_refund("727", "ret-9:refund") is None


def test_gateway_cannot_refund_falls_back_to_manual(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stub_order(rsps, [])
    bodies: list[dict[str, Any]] = []

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        bodies.append(body)
        if body["api_refund"]:
            return (
                500,
                {},
                json.dumps(
                    {
                        "code": "woocommerce_rest_cannot_create_order_refund",
                        "message": "The payment gateway for this order does not support automatic refunds.",
                        "data": 500,
                    }
                ),
            )
        return 201, {}, json.dumps(refund_response(body, 803, refunded_payment=False))

    rsps.add_callback(responses.POST, f"{API}/orders/727/refunds", callback=create)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = adapter.refund(instruction(LINE_316))
    assert [b["api_refund"] for b in bodies] == [True, False]
    assert effect.manual and effect.platform_id == "803"
    assert "merchant must pay" in effect.detail
    notes = [json.loads(c.request.body)["note"] for c in rsps.calls if c.request.url.endswith("/notes")]
    assert any("could not refund automatically" in n for n in notes)


def test_no_fallback_when_disabled(client: Any, rsps: responses.RequestsMock) -> None:
    adapter = WooCommerceAdapter(client, shop_id="s", manual_refund_fallback=False)
    _stub_order(rsps, [])
    post = rsps.post(
        f"{API}/orders/727/refunds",
        status=500,
        json={"code": "woocommerce_rest_cannot_create_order_refund", "message": "no", "data": 500},
    )
    with pytest.raises(PermanentError):
        adapter.refund(instruction(LINE_316))
    assert post.call_count == 1


def test_other_refusals_are_not_retried_as_manual(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stub_order(rsps, [])
    post = rsps.post(
        f"{API}/orders/727/refunds",
        status=400,
        json={"code": "rest_invalid_param", "message": "Invalid parameter(s): line_items", "data": {"status": 400}},
    )
    with pytest.raises(PermanentError):
        adapter.refund(instruction(LINE_316))
    assert post.call_count == 1


def test_currency_mismatch_refused_before_posting(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    _stub_order(rsps, [])
    post = rsps.post(f"{API}/orders/727/refunds", json={})
    eur = RefundInstruction("k", "727", Money("1.00", "EUR"), (), Money.zero("EUR"), "r", "R-1")
    with pytest.raises(PermanentError):
        adapter.refund(eur)
    assert post.call_count == 0


def test_amount_is_decimal_string() -> None:
    body = build_refund_body(order(), instruction(LINE_316, amount="19.35"))
    assert isinstance(body["amount"], str) and Decimal(body["amount"]) == Decimal("19.35")


def _refused(message: str) -> dict[str, Any]:
    return {"code": "woocommerce_rest_cannot_create_order_refund", "message": message, "data": 500}


def test_over_refund_is_refused_before_posting_naming_what_is_left(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order(refunds=[{"id": 9, "reason": "by hand", "total": "-40.00"}])))
    post = rsps.post(f"{API}/orders/727/refunds", json={})
    with pytest.raises(RefundExceedsRemaining) as caught:
        adapter.refund(instruction(LINE_316))
    assert caught.value.remaining == usd("5.80") and "5.80 USD is left" in str(caught.value)
    assert post.call_count == 0


def test_over_refund_answer_is_not_taken_for_a_gateway_refusal(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    """The order moved between our read and the POST: WooCommerce's "Invalid refund amount." 500 has the
    gateway refusal's code; it must never become a second POST with api_refund=false."""
    _stub_order(rsps, [])
    post = rsps.post(f"{API}/orders/727/refunds", status=500, json=_refused("Invalid refund amount."))
    with pytest.raises(RefundExceedsRemaining):
        adapter.refund(instruction(LINE_316))
    assert post.call_count == 1


def test_translated_over_refund_answer_is_recognised_by_what_is_left(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order()))
    rsps.get(f"{API}/orders/727", body=dump(order(refunds=[{"id": 9, "reason": "", "total": "-45.80"}])))
    post = rsps.post(f"{API}/orders/727/refunds", status=500, json=_refused("Montant du remboursement non valide."))
    with pytest.raises(RefundExceedsRemaining):
        adapter.refund(instruction(LINE_316))
    assert post.call_count == 1


def test_core_gateway_without_refunds_is_recorded_manually_at_once(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order(payment_method="bacs", payment_method_title="Direct bank transfer")))
    bodies: list[dict[str, Any]] = []

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        bodies.append(json.loads(request.body))
        return 201, {}, json.dumps(refund_response(bodies[-1], 804, refunded_payment=False))

    rsps.add_callback(responses.POST, f"{API}/orders/727/refunds", callback=create)
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    effect = adapter.refund(instruction(LINE_316))
    assert [b["api_refund"] for b in bodies] == [False]
    assert effect.manual


RESTOCK = RefundInstruction("ret:R-1:restock", "727", usd("0"),
                            (RefundLine("316", 1, usd("0"), usd("0"), Disposition.RESTOCK),), usd("0"),
                            "Return R-1: returned goods back in stock", "R-1")


def test_restock_body_pays_nothing_and_restocks_the_units() -> None:
    body = build_restock_body(order(), RESTOCK)
    assert (body["amount"], body["api_refund"], body["api_restock"]) == ("0.00", False, True)
    assert body["line_items"] == [{"id": 316, "quantity": 1, "refund_total": "0.00", "refund_tax": []}]
    assert json.loads(meta_value(body["meta_data"], "_returns_connector_lines")) == {"316": 1}
    assert "[rc:ret:R-1:restock]" in body["reason"]
    with pytest.raises(PermanentError):
        build_restock_body(order(), RefundInstruction("k", "727", usd("1.00"), RESTOCK.lines, usd("0"), "r", "R-1"))


def test_restock_is_found_before_it_is_posted_again(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    earlier = refund_response(build_restock_body(order(), RESTOCK), 805, refunded_payment=False)
    rsps.get(f"{API}/orders/727/refunds", json=[earlier], headers={"X-WP-TotalPages": "1"})
    post = rsps.post(f"{API}/orders/727/refunds", json={})
    effect = adapter.restock(RESTOCK)
    assert (effect.kind, effect.platform_id, post.call_count) == (ActionKind.RESTOCK, "805", 0)
