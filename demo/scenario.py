"""The demo scenario: connect both shops, open returns the way real customers would, let webhooks and the
worker carry them, act as a support agent, and check the outcome in the shops' own records.

Shopify: one return is requested by the customer at Shopify (``returnRequest``), so a real
``returns/request`` webhook starts it; others come from our portal and are created at Shopify by a job.
WooCommerce has no return object, so its returns come through the connector's own return service.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from connector.domain.events import Actor, ActorKind
from connector.domain.orders import Order, Platform, Shop
from connector.domain.reasons import TO_SHOPIFY_ENUM, ReasonCode
from connector.domain.resolutions import Condition, Disposition, Resolution, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy import line_eligibility
from connector.policy.schema import policy_from_dict
from connector.services.policies import current_policy, set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.sync import sync_shop_orders
from connector.store.actions_repo import ActionState
from demo import report
from demo.customer import follow_tracking_links
from demo.portal_urls import portal_lines
from demo.records import raw_records
from demo.stack import Stack
from platforms.shopify.settings import settings_of as shopify_settings

log = logging.getLogger("connector.demo")
CUSTOMER = Actor(ActorKind.CUSTOMER, "demo-customer")
AGENT = Actor(ActorKind.AGENT, "demo-agent")
SANDBOX_TOKEN = "shpat_sandbox"  # noqa: S105 - the sandbox's well-known script token, not a secret
DEMO_POLICY = {
    "name": "Demo: one year, auto-approve, 10% bonus for credit or exchange",
    "default_action": "approve",
    # The sandboxes' orders span six months: a year lets even `--orders 5` offer three returnable orders a shop.
    "windows": {"days": 365},
    "bonus": {"kind": "percent", "percent": "10", "outcomes": ["store_credit", "exchange"]},
}


@dataclass
class Planned:
    platform: Platform
    resolution: ResolutionKind
    via: str  # "shopify-customer" | "portal"
    order_id: str
    return_id: str | None = None
    platform_return_id: str | None = None
    order_name: str = ""


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


def run_scenario(stack: Stack, *, timeout: float = 120.0, echo: Callable[[str], None] = print) -> Summary:
    shopify_id, woo_id = connect_shops(stack, echo)
    policy = policy_from_dict(DEMO_POLICY, source="demo policy")
    with stack.container.uow() as uow:
        for shop_id in (shopify_id, woo_id):
            set_policy(uow, shop_id, policy)
        uow.commit()
    for shop_id in (shopify_id, woo_id):
        echo(f"synced {first_sync(stack, shop_id)} orders from {_shop(stack, shop_id).address}")
    planned = open_returns(stack, shopify_id, woo_id, echo)
    deadline = time.monotonic() + timeout
    agent_done: set[str] = set()
    while time.monotonic() < deadline:
        _track_customer_returns(stack, shopify_id, planned)
        for item in planned:
            request = _load(stack, shopify_id if item.platform is Platform.SHOPIFY else woo_id, item.return_id)
            if request is None or item.return_id in agent_done:
                continue
            if _ready_for_agent(stack, request):
                act_as_agent(stack, request)
                agent_done.add(request.id)
        if _all_settled(stack, planned, shopify_id, woo_id):
            break
        time.sleep(0.3)
    return summarise(stack, planned, shopify_id, woo_id)


# -- connecting ----------------------------------------------------------------------------------------


def connect_shops(stack: Stack, echo: Callable[[str], None]) -> tuple[str, str]:
    browser = requests.Session()
    installed = browser.get(f"{stack.app_url}/shopify/install", params={"shop": stack.shopify_domain}, timeout=60)
    if installed.status_code >= 400:
        raise RuntimeError(f"Shopify install failed: {installed.status_code} {installed.text[:200]}")
    connected = browser.get(f"{stack.app_url}/woocommerce/connect", params={"store_url": stack.woo_url}, timeout=60)
    if connected.status_code >= 400:
        raise RuntimeError(f"WooCommerce connect failed: {connected.status_code} {connected.text[:200]}")
    with stack.container.uow() as uow:
        shopify = uow.shops.find(Platform.SHOPIFY, stack.shopify_domain)
        woo = uow.shops.find(Platform.WOOCOMMERCE, stack.woo_url)
    if shopify is None or woo is None:
        raise RuntimeError("a shop did not finish connecting")
    echo(f"installed Shopify shop {shopify.address} (OAuth, webhooks subscribed)")
    echo(f"connected WooCommerce shop {woo.address} (wc-auth, {connected.text.strip()})")
    return shopify.id, woo.id


def first_sync(stack: Stack, shop_id: str, wait: float = 90.0) -> int:
    """The shop's orders, read once: by the poll the reconciler schedules for a new shop, if it comes.

    Reading the shop here as well, while a worker polls it, makes two readers share one Shopify cost bucket,
    and the loser runs out of throttle retries (the demo then stopped with "Throttled"). So wait for that
    poll; read it ourselves only if none came in time.
    """
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with stack.container.uow() as uow:
            if uow.shops.last_synced_at(shop_id) is not None:
                return len(uow.orders(shop_id).recent(limit=100_000))
        time.sleep(0.2)
    return sync_shop_orders(stack.container, shop_id)


# -- opening returns -----------------------------------------------------------------------------------


def _candidates(stack: Stack, shop_id: str, count: int, *, needs_fulfillment_ids: bool) -> list[tuple[Order, str]]:
    """Orders with a line the policy lets the customer return today, as a portal would show them."""
    found: list[tuple[Order, str]] = []
    now = stack.container.clock()
    with stack.container.uow() as uow:
        policy = current_policy(uow, shop_id)
        orders = uow.orders(shop_id).recent(limit=500)
    for order in orders:
        for line in line_eligibility(policy, order, now):
            source = order.line(line.line_id)
            usable = source.variant_id and (source.fulfillment_line_ids or not needs_fulfillment_ids)
            if line.eligible and line.returnable_quantity >= 1 and usable:
                found.append((order, line.line_id))
                break
        if len(found) >= count:
            break
    return found


def _three_returns(stack: Stack, shop_id: str, *, needs_fulfillment_ids: bool) -> list[tuple[Order, str]]:
    """Three candidates, the last one (the exchange) for a variant in stock: as the portal, which offers an
    exchange only for a variant the shop can send (the exchange is refused at release otherwise)."""
    found = _candidates(stack, shop_id, 12, needs_fulfillment_ids=needs_fulfillment_ids)
    with stack.container.uow() as uow:
        adapter = stack.container.adapter_for(uow, uow.shops.get(shop_id))
    for index, (order, line_id) in enumerate(found[2:], start=2):
        variant = order.line(line_id).variant_id
        stock = adapter.available_stock(variant) if adapter is not None and variant else None
        if stock is None or stock >= 1:
            return [*found[:2], found[index]]
    return found[:2]


def open_returns(stack: Stack, shopify_id: str, woo_id: str, echo: Callable[[str], None]) -> list[Planned]:
    planned: list[Planned] = []
    service = ReturnService(stack.container)
    shopify_orders = _three_returns(stack, shopify_id, needs_fulfillment_ids=True)
    woo_orders = _three_returns(stack, woo_id, needs_fulfillment_ids=False)
    if len(shopify_orders) < 3 or len(woo_orders) < 3:
        raise RuntimeError("the sandboxes have too few returnable orders; try more --orders")
    order, line_id = shopify_orders[0]
    platform_id = request_return_at_shopify(stack, order, line_id, ReasonCode.SIZE_TOO_SMALL)
    planned.append(Planned(Platform.SHOPIFY, ResolutionKind.REFUND, "shopify-customer", order.id,
                           platform_return_id=platform_id, order_name=order.name))
    echo(f"customer asked Shopify to return a line of {order.name} (returns/request webhook on its way)")
    kinds = (ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE)
    for (order, line_id), kind in zip(shopify_orders[1:], kinds, strict=True):
        planned.append(_portal_return(service, shopify_id, Platform.SHOPIFY, order, line_id, kind))
    for (order, line_id), kind in zip(woo_orders, (ResolutionKind.REFUND, *kinds), strict=True):
        planned.append(_portal_return(service, woo_id, Platform.WOOCOMMERCE, order, line_id, kind))
    for item in planned[1:]:
        platform = report.PLATFORM_NAMES[item.platform]
        wants = item.resolution.value.replace("_", " ")
        label = report.order_name_label(item.order_name)
        echo(f"portal return {item.return_id} on {platform} order {label}: the customer wants {wants}")
    followed = sum(
        follow_tracking_links(stack.app_url, shop_id, order)
        for shop_id, candidates in ((shopify_id, shopify_orders[1:]), (woo_id, woo_orders))
        for order, _line in candidates
    )
    echo(f"customers opened {followed} tracking links from the portal")
    return planned


def _portal_return(
    service: ReturnService, shop_id: str, platform: Platform, order: Order, line_id: str, kind: ResolutionKind
) -> Planned:
    line = order.line(line_id)
    resolution = {
        ResolutionKind.REFUND: Resolution.refund(),
        ResolutionKind.STORE_CREDIT: Resolution.store_credit(),
        ResolutionKind.EXCHANGE: Resolution.exchange(variant_id=line.variant_id, product_id=line.product_id),
    }[kind]
    reason = ReasonCode.DEFECTIVE if kind is ResolutionKind.EXCHANGE else ReasonCode.STYLE
    outcome = service.open_return(shop_id, order.id, [LineInput(line_id, 1, reason, resolution, "demo")],
                                  ReturnMethod.RELAY_POINT, CUSTOMER)
    return Planned(platform, kind, "portal", order.id, return_id=outcome.request.id, order_name=order.name)


def request_return_at_shopify(stack: Stack, order: Order, line_id: str, reason: ReasonCode) -> str:
    line = order.line(line_id)
    mutation = """mutation($input: ReturnRequestInput!) {
      returnRequest(input: $input) { return { id status } userErrors { field message } } }"""
    variables = {"input": {"orderId": order.id, "returnLineItems": [{
        "fulfillmentLineItemId": line.fulfillment_line_ids[0], "quantity": 1,
        "returnReason": TO_SHOPIFY_ENUM[reason], "customerNote": "Too small, please refund"}]}}
    response = requests.post(
        f"{stack.shopify_url}/admin/api/{shopify_settings(stack.container.config).api_version}/graphql.json",
        json={"query": mutation, "variables": variables}, headers={"X-Shopify-Access-Token": SANDBOX_TOKEN},
        timeout=30,
    )
    body = response.json()
    if not body.get("data"):
        raise RuntimeError(f"Shopify refused the return request: {response.status_code} {body}")
    payload = body["data"]["returnRequest"]
    if payload["userErrors"]:
        raise RuntimeError(f"Shopify refused the return request: {payload['userErrors']}")
    return str(payload["return"]["id"])


# -- the agent -----------------------------------------------------------------------------------------


def _track_customer_returns(stack: Stack, shop_id: str, planned: list[Planned]) -> None:
    for item in planned:
        if item.return_id is None and item.platform_return_id:
            with stack.container.uow() as uow:
                found = uow.returns(shop_id).get_by_platform_id(item.platform_return_id)
            if found is not None:
                item.return_id = found.id


def _load(stack: Stack, shop_id: str, return_id: str | None) -> ReturnRequest | None:
    if return_id is None:
        return None
    with stack.container.uow() as uow:
        return uow.returns(shop_id).get(return_id)


def _ready_for_agent(stack: Stack, request: ReturnRequest) -> bool:
    """Approved, and the shop knows the return (Shopify) or has its note (WooCommerce)."""
    if request.status is not ReturnStatus.APPROVED:
        return False
    with stack.container.uow() as uow:
        actions = uow.actions(request.shop_id).for_return(request.id)
    return all(a.state is ActionState.SUCCEEDED for a in actions)


def act_as_agent(stack: Stack, request: ReturnRequest) -> None:
    service = ReturnService(stack.container)
    service.mark_in_transit(request.shop_id, request.id, AGENT, tracking="6A00000000001")
    service.receive(request.shop_id, request.id, AGENT, {line.id: line.quantity for line in request.lines})
    for line in request.lines:
        service.inspect(request.shop_id, request.id, AGENT, line.id, Condition.NEW, Disposition.RESTOCK)
    service.resolve(request.shop_id, request.id, AGENT, reason="inspected, as new")


def _all_settled(stack: Stack, planned: list[Planned], shopify_id: str, woo_id: str) -> bool:
    for item in planned:
        request = _load(stack, shopify_id if item.platform is Platform.SHOPIFY else woo_id, item.return_id)
        if request is None:
            return False
        with stack.container.uow() as uow:
            states = {a.state for a in uow.actions(request.shop_id).for_return(request.id)}
        if ActionState.FAILED in states:
            continue
        if request.status not in (ReturnStatus.CLOSED, ReturnStatus.DECLINED, ReturnStatus.CANCELED):
            return False
        if states - {ActionState.SUCCEEDED}:
            return False
    return True


# -- the outcome, read from the shops --------------------------------------------------------------------


def order_to_try(stack: Stack, shop_id: str, planned: list[Planned]) -> Order | None:
    """An order with a line a customer may return today that none of the demo's returns took."""
    taken = {item.order_id for item in planned}
    fresh = [order for order, _line in _candidates(stack, shop_id, 20, needs_fulfillment_ids=False)
             if order.id not in taken]
    return fresh[0] if fresh else None


def _shop(stack: Stack, shop_id: str) -> Shop:
    with stack.container.uow() as uow:
        return uow.shops.get(shop_id)


def summarise(stack: Stack, planned: list[Planned], shopify_id: str, woo_id: str) -> Summary:
    """Each shop and its returns as a merchant reads them (see ``report``), and the counts."""
    summary = Summary(expected=len(planned))
    for shop_id, platform in ((shopify_id, Platform.SHOPIFY), (woo_id, Platform.WOOCOMMERCE)):
        shop = _shop(stack, shop_id)
        summary.lines.append(report.shop_heading(shop))
        example: ReturnRequest | None = None
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
        summary.try_it += report.try_it(stack.app_url, stack.container.config.database.url, shop, example)
        summary.try_it += portal_lines(stack.app_url, stack.storefront_url, shop, order_to_try(stack, shop_id, planned))
    summary.records = shop_records(stack)
    return summary


def shop_records(stack: Stack) -> dict[str, int]:
    """Count what the shops themselves recorded (their introspection endpoints), not our own tables.

    Shopify lists refunds, store-credit transactions, gift cards and exchange fulfillment orders; the
    WooCommerce sandbox counts refunds, coupons and orders. Counted since the demo started.
    """
    now = raw_records(stack.shopify_url, stack.woo_url)
    return {key: now[key] - stack.baseline.get(key, 0) for key in now}
