"""The demo scenario: connect both shops, give each its carrier, open returns the way real customers would, let
webhooks, the carrier's tracking and the worker carry them, act as a support agent and as the store's staff, and
check the outcome in the shops' and the carrier's own records.

Shopify: one return is requested by the customer at Shopify (``returnRequest``), so a real
``returns/request`` webhook starts it; others come from our portal and are created at Shopify by a job.
WooCommerce has no return object, so its returns come through the connector's own return service. Each shop has
one return per way back (``orders.PLAN``): prepaid label, relay point, in store, home pickup; their parcels are
moved as ``logistics`` tells.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests

from connector.domain.events import Actor, ActorKind
from connector.domain.orders import Order, Platform
from connector.domain.reasons import TO_SHOPIFY_ENUM, ReasonCode
from connector.domain.resolutions import Condition, Disposition, Resolution, ResolutionKind
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.services.sync import sync_shop_orders
from connector.store.actions_repo import ActionState
from demo import report
from demo.admin_urls import link_wordpress_plugin
from demo.carrier import tracking_address, use_carriers
from demo.counter import Counter
from demo.customer import follow_tracking_links
from demo.logistics import METHOD_WORDS, Parcels, customer_choice, issue_store_keys, shipment_of
from demo.orders import Fitted, Planned, _candidates, _load, _shop, orders_for_plan
from demo.stack import Stack
from demo.summary import Summary, summarise
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
    # Every way back; each shop's carrier narrows them per country (demo.carrier.METHODS).
    "methods": ["prepaid_label", "relay_point", "in_store", "home_pickup"],
}
__all__ = [  # with what the tests and benchmarks that drive the demo's stack import from here
    "AGENT", "CUSTOMER", "DEMO_POLICY", "SANDBOX_TOKEN", "Planned", "_candidates", "_load", "_ready_for_agent",
    "_track_customer_returns", "act_as_agent", "connect_shops", "first_sync", "request_return_at_shopify",
    "run_scenario",
]  # fmt: skip


def run_scenario(stack: Stack, *, timeout: float = 120.0, echo: Callable[[str], None] = print) -> Summary:
    shopify_id, woo_id = connect_shops(stack, echo)
    policy = policy_from_dict(DEMO_POLICY, source="demo policy")
    with stack.container.uow() as uow:
        for shop_id in (shopify_id, woo_id):
            set_policy(uow, shop_id, policy)
        uow.commit()
    for shop_id in (shopify_id, woo_id):
        echo(f"synced {first_sync(stack, shop_id)} orders from {_shop(stack, shop_id).address}")
    parcels = Parcels(Counter(stack.app_url, set_up_logistics(stack, shopify_id, woo_id, echo)))
    planned = open_returns(stack, shopify_id, woo_id, echo)
    deadline = time.monotonic() + timeout
    agent_done: set[str] = set()
    while time.monotonic() < deadline:
        _track_customer_returns(stack, shopify_id, planned)
        for item in planned:
            request = _load(stack, shopify_id if item.platform is Platform.SHOPIFY else woo_id, item.return_id)
            if request is None or item.return_id in agent_done:
                continue
            parcels.move(stack, request)
            if parcels.ready_for_agent(stack, request):
                act_as_agent(stack, _load(stack, request.shop_id, request.id) or request)
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
    link_wordpress_plugin(stack.container.uow, stack.app_url, woo)
    echo(f"WordPress plugin of {woo.address} set up (its shared secret stored encrypted)")
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


def set_up_logistics(stack: Stack, shopify_id: str, woo_id: str, echo: Callable[[str], None]) -> dict[str, str]:
    """Each shop's Sendcloud account at its sandbox carrier, and an API key for its store page (by shop id)."""
    carriers = {shopify_id: stack.carriers[Platform.SHOPIFY], woo_id: stack.carriers[Platform.WOOCOMMERCE]}
    use_carriers(stack.container, stack.app_url, carriers)
    for shop_id, carrier in carriers.items():
        echo(f"carrier of {_shop(stack, shop_id).address}: Sendcloud (sandbox {carrier.url}), tracking webhooks "
             f"to {tracking_address(stack.app_url, shop_id)}")
    return issue_store_keys(stack, {shop_id: _shop(stack, shop_id).address for shop_id in carriers})


# -- opening returns -----------------------------------------------------------------------------------


def open_returns(stack: Stack, shopify_id: str, woo_id: str, echo: Callable[[str], None]) -> list[Planned]:
    """One return per way back on each shop (``orders.PLAN``); on Shopify the first is asked for at Shopify."""
    planned: list[Planned] = []
    service = ReturnService(stack.container)
    shopify_orders = orders_for_plan(stack, shopify_id, needs_fulfillment_ids=True)
    woo_orders = orders_for_plan(stack, woo_id, needs_fulfillment_ids=False)
    order = shopify_orders[0].order
    platform_id = request_return_at_shopify(stack, order, shopify_orders[0].line_id, ReasonCode.SIZE_TOO_SMALL)
    planned.append(Planned(Platform.SHOPIFY, ResolutionKind.REFUND, "shopify-customer", order.id,
                           platform_return_id=platform_id, order_name=order.name))
    echo(f"customer asked Shopify to return a line of {order.name} (returns/request webhook on its way)")
    for fitted in shopify_orders[1:]:
        planned.append(_portal_return(stack, service, shopify_id, Platform.SHOPIFY, fitted))
    for fitted in woo_orders:
        planned.append(_portal_return(stack, service, woo_id, Platform.WOOCOMMERCE, fitted))
    shop_ids = {Platform.SHOPIFY: shopify_id, Platform.WOOCOMMERCE: woo_id}
    for item in planned[1:]:
        platform = report.PLATFORM_NAMES[item.platform]
        wants = item.resolution.value.replace("_", " ")
        label = report.order_name_label(item.order_name)
        echo(f"portal return {item.return_id} on {platform} order {label}: the customer wants {wants}, "
             f"{METHOD_WORDS[item.method]}{_picked(stack, shop_ids[item.platform], item)}")
    followed = sum(
        follow_tracking_links(stack.app_url, shop_id, fitted.order)
        for shop_id, candidates in ((shopify_id, shopify_orders[1:]), (woo_id, woo_orders))
        for fitted in candidates
    )
    echo(f"customers opened {followed} tracking links from the portal")
    return planned


def _portal_return(stack: Stack, service: ReturnService, shop_id: str, platform: Platform, fitted: Fitted) -> Planned:
    order, line_id, kind, method = fitted.order, fitted.line_id, fitted.kind, fitted.method
    line = order.line(line_id)
    resolution = {
        ResolutionKind.REFUND: Resolution.refund(),
        ResolutionKind.STORE_CREDIT: Resolution.store_credit(),
        ResolutionKind.EXCHANGE: Resolution.exchange(variant_id=line.variant_id, product_id=line.product_id),
    }[kind]
    reason = ReasonCode.DEFECTIVE if kind is ResolutionKind.EXCHANGE else ReasonCode.STYLE
    choice = customer_choice(stack.container, shop_id, order.id, method)
    outcome = service.open_return(shop_id, order.id, [LineInput(line_id, 1, reason, resolution, "demo")],
                                  method, CUSTOMER, logistics=choice)
    return Planned(platform, kind, "portal", order.id, return_id=outcome.request.id, order_name=order.name,
                   method=method)


def _picked(stack: Stack, shop_id: str, item: Planned) -> str:
    """`` at <relay point>`` or `` collected <window>``: what the customer picked, as the shipment keeps it."""
    request = _load(stack, shop_id, item.return_id)
    shipment = shipment_of(stack, request) if request is not None else None
    if shipment is not None and shipment.service_point is not None:
        return f" at {shipment.service_point.name} ({shipment.service_point.address.postal_code})"
    if shipment is not None and shipment.pickup_window is not None:
        return f" collected {shipment.pickup_window.starts_at:%a %d %b from %H:%M} UTC"
    return ""


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


def _ready_for_agent(stack: Stack, request: ReturnRequest) -> bool:
    """Approved, and the shop knows the return (Shopify) or has its note (WooCommerce)."""
    if request.status is not ReturnStatus.APPROVED:
        return False
    with stack.container.uow() as uow:
        actions = uow.actions(request.shop_id).for_return(request.id)
    return all(a.state is ActionState.SUCCEEDED for a in actions)


def act_as_agent(stack: Stack, request: ReturnRequest) -> None:
    """Take the return from where it is (approved, in transit, received or inspected) to resolved: by hand what
    the carrier's tracking or the store counter did not do, the parcel's real tracking number when it has one."""
    service = ReturnService(stack.container)
    status = request.status
    if status is ReturnStatus.APPROVED:
        shipment = shipment_of(stack, request)
        tracking = shipment.tracking_number if shipment is not None and shipment.tracking_number else "6A00000000001"
        service.mark_in_transit(request.shop_id, request.id, AGENT, tracking=tracking)
    if status in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT):
        service.receive(request.shop_id, request.id, AGENT, {line.id: line.quantity for line in request.lines})
    if status is not ReturnStatus.INSPECTED:
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
