"""Before a refund, the store says whether the order's gateway refunds through its API (issue 16).

``GET payment_gateways/<id>`` answers ``method_supports``; ``"refunds"`` in it is exactly what
``wc_refund_payment`` checks. So a plugin gateway without refunds is recorded as manual at once (one POST,
``api_refund: false``), a gateway with refunds is asked, and when the store does not answer the adapter
falls back to the core list and the refund's own answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from platforms.woocommerce.adapter import WooCommerceAdapter
from tests.woocommerce.conftest import API, dump, order
from tests.woocommerce.test_refunds import LINE_316, instruction, refund_response

CANNOT = {"code": "woocommerce_rest_cannot_create_order_refund",
          "message": "The payment gateway for this order does not support automatic refunds.", "data": 500}


def _gateway(gateway_id: str, *supports: str) -> dict[str, Any]:
    return {"id": gateway_id, "method_supports": list(supports)}


def _shop(rsps: responses.RequestsMock, payment_method: str, *, gateway_refunds: bool) -> list[dict[str, Any]]:
    """An order paid with ``payment_method``; refund POSTs recorded, refused with the real 500 when the
    gateway is asked (``api_refund`` true) and cannot refund."""
    rsps.get(f"{API}/orders/727/refunds", json=[], headers={"X-WP-TotalPages": "1"})
    rsps.get(f"{API}/orders/727", body=dump(order(payment_method=payment_method, payment_method_title="Acme")))
    rsps.post(f"{API}/orders/727/notes", json={"id": 1})
    bodies: list[dict[str, Any]] = []

    def create(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        bodies.append(body)
        if body["api_refund"] and not gateway_refunds:
            return 500, {}, json.dumps(CANNOT)
        return 201, {}, json.dumps(refund_response(body, 900 + len(bodies), refunded_payment=body["api_refund"]))

    rsps.add_callback(responses.POST, f"{API}/orders/727/refunds", callback=create)
    return bodies


def _notes(rsps: responses.RequestsMock) -> list[str]:
    return [json.loads(c.request.body or "{}")["note"] for c in rsps.calls if str(c.request.url).endswith("/notes")]


def test_a_plugin_gateway_without_refunds_is_recorded_manual_at_once(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    bodies = _shop(rsps, "acme_pay", gateway_refunds=False)
    read = rsps.get(f"{API}/payment_gateways/acme_pay", json=_gateway("acme_pay", "products"))
    effect = adapter.refund(instruction(LINE_316))
    assert [b["api_refund"] for b in bodies] == [False]  # no doomed gateway call first
    assert effect.manual and read.call_count == 1
    assert any("could not refund automatically" in n for n in _notes(rsps))


def test_a_gateway_the_store_says_refunds_is_asked_even_if_it_is_a_core_one(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    """A plugin may teach bacs to refund: the store's answer wins over the core list."""
    bodies = _shop(rsps, "bacs", gateway_refunds=True)
    rsps.get(f"{API}/payment_gateways/bacs", json=_gateway("bacs", "products", "refunds"))
    effect = adapter.refund(instruction(LINE_316))
    assert [b["api_refund"] for b in bodies] == [True]
    assert not effect.manual


@pytest.mark.parametrize(("status", "code"), [
    (401, "woocommerce_rest_cannot_view"), (403, "woocommerce_rest_cannot_view"),
    (404, "woocommerce_rest_payment_gateway_invalid"),
])  # fmt: skip
def test_a_refused_or_unknown_gateway_read_falls_back_and_is_not_asked_again(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock, status: int, code: str
) -> None:
    """A key whose user lacks manage_woocommerce gets 401/403, a gateway the store no longer has 404: the
    gateway is asked and its refusal read (the old path). Neither changes between two refunds, so the store
    is not asked again."""
    bodies = _shop(rsps, "acme_pay", gateway_refunds=False)
    read = rsps.get(f"{API}/payment_gateways/acme_pay", status=status,
                    json={"code": code, "message": "no", "data": {"status": status}})
    assert adapter.refund(instruction(LINE_316)).manual
    assert adapter.refund(instruction(LINE_316, key="ret-1:refund:2")).manual
    assert [b["api_refund"] for b in bodies] == [True, False, True, False]
    assert read.call_count == 1


def test_the_answer_is_cached_per_gateway_until_it_expires(
    adapter: WooCommerceAdapter, rsps: responses.RequestsMock
) -> None:
    now = [1000.0]
    adapter.gateways.clock = lambda: now[0]
    bodies = _shop(rsps, "acme_pay", gateway_refunds=False)
    read = rsps.get(f"{API}/payment_gateways/acme_pay", json=_gateway("acme_pay", "products"))
    adapter.refund(instruction(LINE_316))
    adapter.refund(instruction(LINE_316, key="ret-1:refund:2"))
    assert read.call_count == 1 and [b["api_refund"] for b in bodies] == [False, False]
    now[0] += adapter.gateways.ttl_seconds + 1
    adapter.refund(instruction(LINE_316, key="ret-1:refund:3"))
    assert read.call_count == 2
    assert read.calls[0].request.params == {"_fields": "id,method_supports"}


def test_a_network_failure_is_not_cached(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    bodies = _shop(rsps, "acme_pay", gateway_refunds=False)
    url = f"{API}/payment_gateways/acme_pay"
    rsps.get(url, status=503)
    adapter.refund(instruction(LINE_316))  # no answer: asked the gateway, then manual
    rsps.replace(responses.GET, url, json=_gateway("acme_pay", "products"))
    adapter.refund(instruction(LINE_316, key="ret-1:refund:2"))
    assert [b["api_refund"] for b in bodies] == [True, False, False]


def test_an_id_the_store_cannot_route_is_not_read(adapter: WooCommerceAdapter, rsps: responses.RequestsMock) -> None:
    """No ``payment_method`` (an order made by hand) or one outside the route's ``[\\w-]+``: no request, no
    answer, so the caller falls back to the core list."""
    assert adapter.gateways.supports_refunds("") is None
    assert adapter.gateways.supports_refunds("acme/pay") is None
    assert not rsps.calls
