"""The demo's summary, read from the store and the outside world's own records once the returns settled: each shop
and its returns as a merchant reads them (``report``), each return's way back and parcel (``logistics``), counts
that add up, what the shops recorded, and what a person can open while the demo runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connector.domain.orders import Order, Platform, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.states import ReturnStatus
from connector.pages.labels import label_url
from connector.store.actions_repo import ActionState
from demo import report
from demo.admin_urls import admin_lines
from demo.logistics import METHOD_WORDS, parcel_line, shipment_of, store_keys_path
from demo.orders import Planned, _candidates, _load, _shop
from demo.portal_urls import portal_lines
from demo.records import raw_records
from demo.stack import SHOPIFY_API_KEY, Stack

PARCEL_INDENT = " " * 10
"""Under the return's id on the line above."""


@dataclass
class Summary:
    """What the demo prints at the end: ``lines`` (each shop and its returns), one outcome per return
    (``outcomes``, so the counts add up), and what the shops themselves recorded (``records``)."""

    received: int = 0
    approved: int = 0
    closed: int = 0
    failed: int = 0
    expected: int = 0
    lines: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    try_it: list[str] = field(default_factory=list)

    @property
    def counts(self) -> str:
        return report.counts_line(self.outcomes, self.expected)

    @property
    def ok(self) -> bool:
        return self.expected > 0 and self.closed == self.expected and self.failed == 0


def order_to_try(stack: Stack, shop_id: str, planned: list[Planned]) -> Order | None:
    """An order with a line a customer may return today that none of the demo's returns took."""
    taken = {item.order_id for item in planned}
    fresh = [order for order, _line in _candidates(stack, shop_id, 20, needs_fulfillment_ids=False)
             if order.id not in taken]
    return fresh[0] if fresh else None


def summarise(stack: Stack, planned: list[Planned], shopify_id: str, woo_id: str) -> Summary:
    """Each shop and its returns as a merchant reads them (see ``report``), and the counts."""
    summary = Summary(expected=len(planned))
    for shop_id, platform in ((shopify_id, Platform.SHOPIFY), (woo_id, Platform.WOOCOMMERCE)):
        shop = _shop(stack, shop_id)
        summary.lines.append(report.shop_heading(shop))
        example: ReturnRequest | None = None
        labelled: tuple[ReturnRequest, Shipment] | None = None
        for item in (p for p in planned if p.platform is platform):
            request = _load(stack, shop_id, item.return_id)
            if request is None:
                summary.lines.append(f"  {item.order_name or item.order_id}: the {item.via} return never reached "
                                     "the connector")
                continue
            summary.received += 1
            example = example or request
            summary.outcomes.append(report.outcome(request))
            if any(e.action == "approve" for e in request.events):
                summary.approved += 1
            with stack.container.uow() as uow:
                actions = uow.actions(shop_id).for_return(request.id)
            summary.failed += 1 if any(a.state is ActionState.FAILED for a in actions) else 0
            summary.closed += 1 if request.status is ReturnStatus.CLOSED else 0
            summary.lines.append("  " + report.return_line(request, actions))
            shipment = shipment_of(stack, request)
            summary.lines.append(PARCEL_INDENT + parcel_line(request, shipment))
            if labelled is None and shipment is not None and "A6" in shipment.paper_sizes:
                labelled = (request, shipment)
        summary.try_it += report.try_it(stack.app_url, stack.container.config.database.url, shop, example)
        summary.try_it += portal_lines(stack.app_url, stack.storefront_url, shop, order_to_try(stack, shop_id, planned))
        summary.try_it += logistics_lines(stack, shop, labelled)
        summary.try_it += admin_lines(stack.shopify_url, SHOPIFY_API_KEY, shop)
    summary.records = shop_records(stack)
    return summary


def logistics_lines(stack: Stack, shop: Shop, labelled: tuple[ReturnRequest, Shipment] | None) -> list[str]:
    """Indented lines under the shop's heading of ``try_it``: one of its labels, its store page and how to sign
    in, and its account at the sandbox carrier."""
    lines: list[str] = []
    if labelled is not None:
        request, shipment = labelled
        link = label_url(stack.container.config, shop.id, shipment.id)
        lines.append(f"  label PDF (A6) of return {request.id}, {METHOD_WORDS[request.method]}, "
                     f"{report.order_label(request)}: {link}")
    lines.append(f"  store page (staff): {stack.app_url}/store/{shop.id}/   (sign in with the API key the demo "
                 f"issued, in {store_keys_path(stack)})")
    carrier = stack.carriers.get(shop.platform)
    if carrier is not None:
        lines.append(f"  carrier: the Sendcloud sandbox of this shop's account, {carrier.url}/__sandbox/returns "
                     "(its own records; parcels move with POST .../returns/<id>/advance)")
    return lines


def shop_records(stack: Stack) -> dict[str, int]:
    """Count what the shops themselves recorded (their introspection endpoints), not our own tables.

    Shopify lists refunds, store-credit transactions, gift cards and exchange fulfillment orders; the
    WooCommerce sandbox counts refunds, coupons and orders. Counted since the demo started.
    """
    now = raw_records(stack.shopify_url, stack.woo_url)
    return {key: now[key] - stack.baseline.get(key, 0) for key in now}
