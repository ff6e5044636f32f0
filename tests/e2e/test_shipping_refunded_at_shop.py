"""Shipping a merchant already refunded in the shop is not offered again on a return (issue 16, real store).

On a real WooCommerce store the merchant refunded an order's shipping by hand; a return for a defective item
then asked for the whole shipping again, and its refund failed ("only 26.81 is left"). The order's refunds
are read from the shop, so the quote now offers only the shipping that is left. Checked over real HTTP on
the WooCommerce sandbox, with the merchant's refund made through the shop's own REST API.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from connector.domain.money import Money
from connector.domain.orders import Order, Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.services.returns import LineInput, ReturnService
from demo.scenario import CUSTOMER, _candidates
from demo.stack import Stack
from platforms.woocommerce.client import WooClient
from tests.e2e.demo_stack import connected, running_stack
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e

POLICY = {
    "name": "shipping back when it is our fault",
    "default_action": "approve",
    "windows": {"days": 3650},
    "fees": {"shipping_refund": "merchant_fault"},
}


def _defective(stack: Stack, shop_id: str, order: Order, line_id: str) -> ReturnRequest:
    return ReturnService(stack.container).open_return(
        shop_id, order.id, [LineInput(line_id, 1, ReasonCode.DEFECTIVE, Resolution.refund(), "portal")],
        ReturnMethod.RELAY_POINT, CUSTOMER,
    ).request


def _known_stale(stack: Stack, shop_id: str, order_id: str) -> bool:
    """The webhook marked our snapshot stale, so the return reads the order (and its refunds) again."""
    with stack.container.uow() as uow:
        return uow.orders(shop_id).get(order_id, fresh=True) is None


def test_shipping_refunded_by_the_merchant_is_not_refunded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_stack(tmp_path / "demo", monkeypatch, 20) as stack:
        connected(stack, POLICY)
        with stack.container.uow() as uow:
            shop = uow.shops.find(Platform.WOOCOMMERCE, stack.woo_url)
        assert shop is not None
        shipped = [(o, line) for o, line in _candidates(stack, shop.id, 20, needs_fulfillment_ids=False)
                   if o.shipping_total]
        assert len(shipped) >= 2, "the sandbox seeds orders with shipping"
        (untouched, untouched_line), (refunded, refunded_line) = shipped[:2]
        made = requests.post(f"{stack.woo_url}/__sandbox/keys", json={"description": "merchant"}, timeout=10).json()
        merchant = WooClient(stack.woo_url, made["consumer_key"], made["consumer_secret"], allow_private=True)
        raw = merchant.get(f"orders/{refunded.id}")
        ship = raw["shipping_lines"][0]
        merchant.post(f"orders/{refunded.id}/refunds", {
            "amount": str(refunded.shipping_total.amount), "reason": "Shipping refunded by hand", "api_refund": False,
            "line_items": [{"id": ship["id"], "refund_total": ship["total"],
                            "refund_tax": [{"id": t["id"], "refund_total": t["total"]} for t in ship["taxes"]]}],
        })
        wait_until("the shop's order.updated to reach us", lambda: _known_stale(stack, shop.id, refunded.id))

        offered = _defective(stack, shop.id, untouched, untouched_line)
        not_again = _defective(stack, shop.id, refunded, refunded_line)

        assert offered.amounts is not None and offered.amounts.shipping_refund == untouched.shipping_total
        assert not_again.amounts is not None
        assert not_again.amounts.shipping_refund == Money.zero(refunded.currency)
        shop_refunds = merchant.get(f"orders/{refunded.id}/refunds")
        assert [r["reason"] for r in shop_refunds] == ["Shipping refunded by hand"]  # the shop's own record
