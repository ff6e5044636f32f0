"""Issue 19: the other ways back, on both sandbox shops with the sandbox carrier, over real HTTP.

- Relay point: the customer's point comes from the shop's carrier (the portal's own search), is stored on the
  return's parcel, and the label is made at the carrier for a drop-off with the account's relay option for the
  point's own network (Sendcloud's v3 return has no field naming the point: it stays in our records); the search
  lists only the networks the account has a relay option for.
- Home pickup: a window among those the carrier's account offers, the label made for a pickup
  (``delivery_option: pickup`` in the carrier's record), the pickup booked after it; the window stays in our
  records (no field for it in Sendcloud's v3 return either); the driver's steps move the return.
- In store: no carrier at all; staff sign in to the store page with an API key, open the return from the signed
  address its QR code carries (``store_return_url``), receive and inspect it there; the refund lands at the shop.
"""

from __future__ import annotations

import html
import re

import pytest
import requests

from connector.domain.orders import Platform
from connector.domain.resolutions import Condition, Disposition, ReturnMethod
from connector.domain.states import ReturnStatus
from connector.pages.store.links import store_return_url
from connector.services.portal_logistics import Pick, pickup_offer, relay_points
from connector.services.returns import ReturnService
from connector.services.shipments import LogisticsChoice
from demo.scenario import AGENT
from tests.e2e_logistics.stack import RELAY_OPTION, RELAY_OPTIONS, LogisticsStack
from tests.reliability.harness import Tracked, assert_shop_invariants

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]
PLATFORMS = pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE], ids=lambda p: p.value)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _moved_by_carrier(stack: LogisticsStack, item: Tracked) -> list[str]:
    request = stack.h.load(item)
    assert request is not None
    return [e.action for e in request.events if str(e.actor) == "system:carrier"]


@PLATFORMS
def test_a_relay_point_return(stack: LogisticsStack, platform: Platform) -> None:
    order, line_id = stack.order(platform, "FR")  # the sandbox carrier's points are French
    search = relay_points(stack.container, stack.h.shop_id(platform), order.id, "75011")
    assert search.pick is Pick.RELAY_POINT and search.problem is None, search
    carriers = {point.carrier for point in search.points}
    assert carriers == set(RELAY_OPTIONS), carriers  # the networks the account ships relay returns with, only
    chosen = [point for point in search.points if point.carrier == "mondial_relay"][1]  # not simply the nearest
    choice = LogisticsChoice(service_point=chosen)
    item, _ = stack.open_settled(platform, ReturnMethod.RELAY_POINT, choice, (order, line_id))

    shipment = stack.shipment(item)
    assert shipment.method == "relay_point" and shipment.service_point == chosen
    (made,) = stack.at_carrier(item)
    assert (made["id"], made["delivery_option"]) == (int(shipment.carrier_ref or 0), "drop_off_point")
    assert made["shipping_option"]["code"] == RELAY_OPTION  # a label the chosen point's carrier takes
    assert made["tracking_number"] == shipment.tracking_number
    assert [s["tracking_number"] for s in stack.shown_at_shop(item)] == [shipment.tracking_number]

    stack.advance(item, steps=5)
    stack.status(item, ReturnStatus.RECEIVED)
    assert _moved_by_carrier(stack, item) == ["mark_in_transit", "receive"]


@PLATFORMS
def test_a_pickup_return(stack: LogisticsStack, platform: Platform) -> None:
    order, line_id = stack.order(platform)
    offer = pickup_offer(stack.container, stack.h.shop_id(platform), order.id)
    assert offer.pick is Pick.PICKUP_WINDOW and len(offer.windows) == 3, offer  # the account's pickup_days
    chosen = offer.windows[1]
    choice = LogisticsChoice(pickup_window=chosen)
    item, _ = stack.open_settled(platform, ReturnMethod.HOME_PICKUP, choice, (order, line_id))  # label, pickup booked

    kinds = [kind for kind, _state in stack.h.action_states(item)]
    assert kinds.count("create_label") == kinds.count("book_pickup") == 1
    shipment = stack.shipment(item)
    (made,) = stack.at_carrier(item)
    assert made["delivery_option"] == "pickup" and made["shipping_option"]["code"] == "colissimo:return/pickup"
    assert shipment.pickup_ref == f"sendcloud return {made['id']}"
    assert shipment.pickup_window == chosen  # Sendcloud's v3 returns carry no window: it stays ours
    assert order.shipping_address is not None
    assert made["from_address"]["postal_code"] == order.shipping_address.postal_code  # collected where it went

    assert stack.advance(item, steps=5) == [92, 22, 5, 91, 11]  # driver on the way, picked up, ... delivered
    stack.status(item, ReturnStatus.RECEIVED)
    assert _moved_by_carrier(stack, item) == ["mark_in_transit", "receive"]
    stack.inspect_and_resolve(item)
    closed = stack.closed(item)
    assert closed.amounts is not None and stack.refunds_at_shop(item) == [closed.amounts.refund.amount]


def _form(session: requests.Session, url: str) -> tuple[str, str]:
    """The page at ``url`` (after its redirects) and its form token."""
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    found = _CSRF.search(page.text)
    assert found is not None, "the page has no form"
    return page.url, found.group(1)


@PLATFORMS
def test_an_in_store_return_received_and_inspected_at_the_store_page(stack: LogisticsStack, platform: Platform) -> None:
    item, return_id = stack.open_settled(platform, ReturnMethod.IN_STORE)
    shipment = stack.shipment(item)
    assert (shipment.carrier, shipment.status.value) == ("", "awaiting_dropoff")
    assert stack.at_carrier(item) == []  # no carrier was asked for anything
    with stack.container.uow() as uow:
        _record, key = uow.api_keys.issue(item.shop_id, "store counter", stack.container.clock())
        uow.commit()

    scanned = store_return_url(stack.h.config, item.shop_id, return_id)  # what the customer's QR carries
    staff = requests.Session()
    sign_in = staff.get(scanned, timeout=30)  # the code asks for the staff's sign-in first
    assert "/sign-in" in sign_in.url, sign_in.url
    form = {name: html.unescape(value) for name, value in _HIDDEN.findall(sign_in.text)}
    assert set(form) == {"csrf", "next"}, form
    signed_in = staff.post(sign_in.url, data={**form, "api_key": key, "staff_name": "Ana"}, timeout=30)
    assert signed_in.status_code == 200 and signed_in.url.endswith(f"/returns/{return_id}"), signed_in.url
    assert return_id in signed_in.text

    page, token = _form(staff, scanned)
    received = staff.post(f"{page}/receive", data={"csrf": token, "all": "1"}, timeout=30)
    assert received.status_code == 200 and received.url.endswith("?done=received"), received.text[:300]
    _, token = _form(staff, page)
    inspected = staff.post(
        f"{page}/inspect",
        timeout=30,
        data={"csrf": token, "line": "1", "condition-1": "new", "disposition-1": "restock"},
    )
    assert inspected.status_code == 200 and inspected.url.endswith("?done=inspected"), inspected.text[:300]

    request = stack.status(item, ReturnStatus.INSPECTED)
    (line,) = request.lines
    assert (line.received_quantity, line.condition, line.disposition) == (1, Condition.NEW, Disposition.RESTOCK)
    assert request.events[-1].actor.id.endswith(":Ana")
    ReturnService(stack.container).resolve(item.shop_id, return_id, AGENT, reason="inspected in store")
    closed = stack.closed(item)
    assert closed.amounts is not None and stack.refunds_at_shop(item) == [closed.amounts.refund.amount]
    assert_shop_invariants(stack.h, [item])
