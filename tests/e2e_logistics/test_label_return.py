"""Issue 19: a label return from approval to closed, on both sandbox shops with the sandbox carrier, over real HTTP.

The customer asks through the portal's API; the policy's approval makes the label at the carrier once (its
record under our key), the shop shows it (Shopify: a reverse delivery on the return; WooCommerce: a private order
note and order meta), and from then on the carrier's signed webhooks alone move the return: first scan -> in
transit, delivered -> received. The agent inspects and resolves;
the refund lands in the shop's records and the return closes. With refund on first scan (the shop's carrier
account asks for it, under the policy's cap) tracking alone takes the return to closed: paid at the first scan,
and the later delivery records the units without paying anything more.
"""

from __future__ import annotations

import pytest
import requests

from connector.domain.orders import Platform
from connector.domain.resolutions import ReturnMethod
from connector.domain.states import ReturnStatus
from tests.e2e_logistics.stack import LogisticsStack
from tests.reliability.harness import Tracked, assert_shop_invariants, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
PLATFORMS = pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE], ids=lambda p: p.value)


def _by_carrier(stack: LogisticsStack, return_id: str, shop_id: str) -> list[tuple[str, str]]:
    with stack.container.uow() as uow:
        found = uow.returns(shop_id).get(return_id)
    assert found is not None
    return [(e.action, e.to_status.value) for e in found.events if str(e.actor) == "system:carrier"]


def check_label_made_once_and_shown(stack: LogisticsStack, item: Tracked) -> None:
    """One return at the carrier under our key, the shipment holding its id and number, the shop showing both
    and the label link serving the PDF."""
    return_id, platform = item.return_id, item.platform
    item_shipment = stack.shipment(item)
    made = stack.at_carrier(item)
    assert item_shipment.idempotency_key == f"ret:{return_id}:label"
    assert [(r["id"], r["tracking_number"], r["order_number"]) for r in made] == [
        (int(item_shipment.carrier_ref or 0), item_shipment.tracking_number, return_id)
    ]
    assert made[0]["to_address"]["postal_code"] == "69007"  # the shop's warehouse
    shown = stack.shown_at_shop(item)
    assert [s["tracking_number"] for s in shown] == [item_shipment.tracking_number]
    label_url = shown[0]["label_url"]
    assert label_url.startswith(f"{stack.h.app_url}/labels/")
    pdf = requests.get(label_url, timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    if platform is Platform.SHOPIFY:
        assert shown[0]["tracking_url"] == item_shipment.tracking_url and shown[0]["notify_customer"] is False
    else:
        note = shown[0]["note"]
        assert note["customer_note"] is False  # private: WooCommerce e-mails nobody
        for fact in (str(return_id), item_shipment.tracking_number, item_shipment.tracking_url, label_url):
            assert fact in note["note"]


@PLATFORMS
def test_a_label_return_goes_from_approved_to_closed_moved_by_tracking(
    stack: LogisticsStack, platform: Platform
) -> None:
    item = stack.open_by_portal(platform, ReturnMethod.PREPAID_LABEL)  # the customer asks, over HTTP
    return_id = str(item.return_id)
    stack.settled(item)  # the label made, shown at the shop
    check_label_made_once_and_shown(stack, item)
    assert stack.shipment(item).status.value == "awaiting_dropoff"

    assert stack.advance(item) == [3]  # the carrier's first scan
    stack.status(item, ReturnStatus.IN_TRANSIT)
    assert stack.advance(item, steps=4) == [7, 5, 91, 11]  # ... delivered to the warehouse
    received = stack.status(item, ReturnStatus.RECEIVED)
    assert received.fully_received and stack.shipment(item).status.value == "delivered"
    assert _by_carrier(stack, return_id, item.shop_id) == [("mark_in_transit", "in_transit"),
                                                                ("receive", "received")]  # fmt: skip
    assert {d["status"] for d in stack.carriers[platform].deliveries()} == {200}
    assert stack.refunds_at_shop(item) == []  # nothing paid before the inspection

    stack.inspect_and_resolve(item)
    closed = stack.closed(item)
    assert closed.amounts is not None
    assert stack.refunds_at_shop(item) == [closed.amounts.refund.amount]
    assert len(stack.at_carrier(item)) == 1
    assert_shop_invariants(stack.h, [item])  # closed at the shop too, paid once, nothing over-refunded


@PLATFORMS
def test_refund_on_first_scan_closes_the_return_on_tracking_alone_and_pays_once(
    stack: LogisticsStack, platform: Platform
) -> None:
    stack.use_carrier(platform, refund_on_first_scan=True)
    try:
        item, _ = stack.open_settled(platform, ReturnMethod.PREPAID_LABEL)
        check_label_made_once_and_shown(stack, item)

        assert stack.advance(item) == [3]  # first scan: paid now, before the parcel is back
        closed = stack.closed(item)
        assert closed.amounts is not None and closed.received_quantity == 0
        paid = [closed.amounts.refund.amount]
        assert stack.refunds_at_shop(item) == paid
        resolve = next(e for e in closed.events if e.action == "resolve_at_first_scan")
        assert str(resolve.actor) == "system:carrier" and resolve.data["refund_on_first_scan"] is True

        assert stack.advance(item, steps=4) == [7, 5, 91, 11]
        later = wait_until(
            "the delivery to be recorded",
            lambda: (found := stack.h.load(item)) is not None and found.received_quantity == 1 and found,
            30,
        )
        assert later.status is ReturnStatus.CLOSED  # nothing decided again
        stack.settled(item)
        assert stack.refunds_at_shop(item) == paid  # and nothing paid again
        kinds = [kind for kind, _state in stack.h.action_states(item)]
        assert kinds.count("refund") == 1
        assert_shop_invariants(stack.h, [item])
    finally:
        stack.use_carrier(platform)
