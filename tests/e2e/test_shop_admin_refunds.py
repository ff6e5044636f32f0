"""Issue 15 §4 over real HTTP: what a merchant does in the shop's admin reaches our returns, and nothing is paid
twice. The demo's stack (both sandbox shops, the web app, the embedded queue, SQLite) with the real install;
every money assertion reads the shop's own records (``/__sandbox/state``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from connector.domain.actions import ActionKind
from connector.domain.orders import Order, Platform
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.actions_repo import ActionState
from demo.scenario import (
    CUSTOMER,
    DEMO_POLICY,
    SANDBOX_TOKEN,
    _candidates,
    connect_shops,
    first_sync,
    request_return_at_shopify,
)
from demo.stack import Stack, start_stack
from platforms.shopify.settings import settings_of as shopify_settings
from platforms.woocommerce.client import WooClient
from tests.reliability.harness import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str, list[tuple[Order, str]]]]:
    patch = pytest.MonkeyPatch()
    for name in ("DATABASE_URL", "REDIS_URL"):  # SQLite and the embedded queue: this test's own
        patch.delenv(name, raising=False)
    patch.setenv("SHOPIFY_API_SECRET", "restored-after-the-module")
    built = start_stack(tmp_path_factory.mktemp("admin") / "data", orders=40, log_level="WARNING")
    try:
        shopify_id, woo_id = connect_shops(built, echo=lambda _line: None)
        with built.container.uow() as uow:  # the demo's policy: approves these returns at once
            for shop_id in (shopify_id, woo_id):
                set_policy(uow, shop_id, policy_from_dict(DEMO_POLICY, source="demo policy"))
            uow.commit()
        first_sync(built, shopify_id)
        candidates = _candidates(built, shopify_id, 4, needs_fulfillment_ids=True)
        assert len(candidates) == 4, "the sandbox has too few returnable orders"
        yield built, shopify_id, candidates
    finally:
        built.stop()
        patch.undo()


_wait = functools.partial(wait_until, timeout=40.0)


def _ours(stack: Stack, shop_id: str, platform_id: str) -> ReturnRequest | None:
    with stack.container.uow() as uow:
        return uow.returns(shop_id).get_by_platform_id(platform_id)


def _open_at_shopify(stack: Stack, shop_id: str, order: Order, line_id: str) -> ReturnRequest:
    """A customer's return request, approved by our policy and (our approve action done) OPEN at Shopify."""
    platform_id = request_return_at_shopify(stack, order, line_id, ReasonCode.SIZE_TOO_SMALL)

    def approved_there() -> ReturnRequest | None:
        ours = _ours(stack, shop_id, platform_id)
        if ours is None or ours.status is not ReturnStatus.APPROVED:
            return None
        with stack.container.uow() as uow:
            actions = uow.actions(shop_id).for_return(ours.id)
        return ours if actions and all(a.state is ActionState.SUCCEEDED for a in actions) else None

    try:
        found: ReturnRequest = _wait("the return approved at Shopify", approved_there)
    except AssertionError:
        ours = _ours(stack, shop_id, platform_id)
        with stack.container.uow() as uow:
            actions = uow.actions(shop_id).for_return(ours.id) if ours else []
        raise AssertionError(f"{ours and ours.status} {[(a.kind, a.state, a.last_error) for a in actions]}") from None
    return found


def _shop_state(stack: Stack) -> dict[str, Any]:
    answer = requests.get(f"{stack.shopify_url}/__sandbox/state", timeout=10)
    answer.raise_for_status()
    state: dict[str, Any] = answer.json()
    return state


def test_a_refund_in_shopify_admin_settles_our_return_once(stack: tuple[Stack, str, list[tuple[Order, str]]]) -> None:
    built, shop_id, candidates = stack
    order, line_id = candidates[0]
    ours = _open_at_shopify(built, shop_id, order, line_id)
    platform_id = ours.platform_return_id
    assert platform_id is not None

    number = platform_id.rsplit("/", 1)[-1]
    processed = requests.post(f"{built.shopify_url}/__sandbox/returns/{number}/process", json={}, timeout=10)
    assert processed.status_code == 200, processed.text

    closed: ReturnRequest = _wait(
        "our return closed", lambda: (r := _ours(built, shop_id, platform_id)) and r.status is ReturnStatus.CLOSED and r
    )
    time.sleep(1.5)  # room for anything that would (wrongly) pay it again
    refunds = [r for r in _shop_state(built)["refunds"] if r["return_id"] == platform_id]
    assert len(refunds) == 1, refunds
    admin_refund = refunds[0]
    assert admin_refund["idempotency_key"] is None  # made in the admin, not by us
    paid = Decimal(admin_refund["amount"])
    assert paid > 0
    recorded = [e for e in closed.events if e.action == "refund_at_shop"]
    assert len(recorded) == 1
    assert Decimal(recorded[0].data["amount"]) == paid and recorded[0].data["platform_refund_id"] == admin_refund["id"]
    assert recorded[0].data["restocked"] is True
    assert [ln["quantity"] for ln in recorded[0].data["lines"]] == [1]
    assert closed.money_moved
    assert [line.disposition.value for line in closed.lines if line.disposition] == ["restock"]
    with built.container.uow() as uow:
        kinds = [a.kind for a in uow.actions(shop_id).for_return(closed.id)]
    assert ActionKind.REFUND not in kinds  # we never tried to pay it
    returns = {r["id"]: r for r in _shop_state(built)["returns"]}
    assert returns[platform_id]["status"] == "CLOSED"  # and told Shopify it is done, as after paying it ourselves


def test_a_return_closed_in_shopify_admin_closes_ours(stack: tuple[Stack, str, list[tuple[Order, str]]]) -> None:
    built, shop_id, candidates = stack
    order, line_id = candidates[1]
    ours = _open_at_shopify(built, shop_id, order, line_id)
    mutation = "mutation($id: ID!) { returnClose(id: $id) { return { id status } userErrors { message } } }"
    answer = requests.post(
        f"{built.shopify_url}/admin/api/{shopify_settings(built.container.config).api_version}/graphql.json",
        json={"query": mutation, "variables": {"id": ours.platform_return_id}},
        headers={"X-Shopify-Access-Token": SANDBOX_TOKEN}, timeout=10,
    )
    assert answer.json()["data"]["returnClose"]["userErrors"] == []
    closed: ReturnRequest = _wait(
        "our return closed", lambda: (r := _ours(built, shop_id, str(ours.platform_return_id)))
        and r.status is ReturnStatus.CLOSED and r,
    )
    assert closed.events[-1].action == "close_at_shop"
    assert not [r for r in _shop_state(built)["refunds"] if r["return_id"] == ours.platform_return_id]


def test_a_return_shipping_fee_on_the_shopify_request_is_in_our_fees(
    stack: tuple[Stack, str, list[tuple[Order, str]]],
) -> None:
    built, shop_id, candidates = stack
    order, line_id = candidates[2]
    line = order.line(line_id)
    mutation = """mutation($input: ReturnRequestInput!) {
      returnRequest(input: $input) { return { id } userErrors { field message } } }"""
    variables = {"input": {"orderId": order.id, "returnShippingFee": {"amount": {"amount": "4.50",
                                                                                  "currencyCode": order.currency}},
                           "returnLineItems": [{"fulfillmentLineItemId": line.fulfillment_line_ids[0], "quantity": 1,
                                                "returnReason": "SIZE_TOO_SMALL"}]}}
    answer = requests.post(
        f"{built.shopify_url}/admin/api/{shopify_settings(built.container.config).api_version}/graphql.json",
        json={"query": mutation, "variables": variables}, headers={"X-Shopify-Access-Token": SANDBOX_TOKEN},
        timeout=10,
    ).json()
    assert answer["data"]["returnRequest"]["userErrors"] == [], answer
    platform_id = answer["data"]["returnRequest"]["return"]["id"]
    ours: ReturnRequest = _wait("our return", lambda: _ours(built, shop_id, platform_id))
    assert ours.fees is not None and ours.fees.return_shipping.amount == Decimal("4.50")
    assert ours.fees.return_shipping.currency == order.currency
    assert ours.amounts is not None and ours.amounts.return_shipping_fee == ours.fees.return_shipping


def test_a_refund_by_hand_on_the_woocommerce_order_screen_settles_the_open_return(
    stack: tuple[Stack, str, list[tuple[Order, str]]],
) -> None:
    built, _shopify_id, _candidates_shopify = stack
    with built.container.uow() as uow:
        woo = uow.shops.find(Platform.WOOCOMMERCE, built.woo_url)
    assert woo is not None
    first_sync(built, woo.id)
    order, line_id = _candidates(built, woo.id, 1, needs_fulfillment_ids=False)[0]
    opened = ReturnService(built.container).open_return(
        woo.id, order.id, [LineInput(line_id, 1, ReasonCode.STYLE, Resolution.refund(), "portal")],
        ReturnMethod.RELAY_POINT, CUSTOMER,
    ).request
    assert opened.status is ReturnStatus.APPROVED
    # The merchant, with a key of their own, refunds that line through the gateway as the order screen does.
    key = requests.post(f"{built.woo_url}/__sandbox/keys", json={"description": "merchant"}, timeout=10).json()
    merchant = WooClient(built.woo_url, key["consumer_key"], key["consumer_secret"], allow_private=True)
    line = order.line(line_id)
    amount = line.paid_for(1)
    merchant.post(f"orders/{order.id}/refunds", {
        "amount": str(amount.amount), "reason": "Refunded by hand", "api_refund": True, "api_restock": True,
        "line_items": [{"id": int(line_id), "quantity": 1, "refund_total": str(amount.amount)}],
    })
    requests.post(f"{built.woo_url}/__sandbox/webhooks/flush", json={}, timeout=15)

    def settled() -> ReturnRequest | None:
        with built.container.uow() as uow:
            found = uow.returns(woo.id).get(opened.id)
        return found if found is not None and found.status is ReturnStatus.CLOSED else None

    closed: ReturnRequest = _wait("the WooCommerce return closed (order.updated, else the poll)", settled)
    time.sleep(1.5)  # room for anything that would (wrongly) pay it again
    refunds = requests.get(f"{built.woo_url}/__sandbox/refunds", params={"order_id": order.id}, timeout=10).json()
    assert len(refunds["refunds"]) == 1 and refunds["refunds"][0]["reason"] == "Refunded by hand"
    assert [c["ok"] for c in refunds["gateway_calls"]] == [True]  # one payment back, the merchant's
    recorded = [e for e in closed.events if e.action == "refund_at_shop"]
    assert len(recorded) == 1 and Decimal(recorded[0].data["amount"]) == amount.amount
    with built.container.uow() as uow:
        kinds = [a.kind for a in uow.actions(woo.id).for_return(closed.id)]
    assert ActionKind.REFUND not in kinds


def _graphql(stack: Stack, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = requests.post(
        f"{stack.shopify_url}/admin/api/{shopify_settings(stack.container.config).api_version}/graphql.json",
        json={"query": query, "variables": variables}, headers={"X-Shopify-Access-Token": SANDBOX_TOKEN}, timeout=10,
    ).json()
    data: dict[str, Any] = answer["data"]
    return data


def test_a_decline_in_shopify_admin_of_a_return_we_never_saw_shows_it_declined(
    stack: tuple[Stack, str, list[tuple[Order, str]]],
) -> None:
    """Last in the module: it drops our returns/request subscription so that the request is never seen."""
    built, shop_id, candidates = stack
    for subscription in _shop_state(built)["subscriptions"]:
        if subscription["topic"] in ("RETURNS_REQUEST", "returns/request"):
            _graphql(built, "mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }",
                     {"id": subscription["id"]})
    order, line_id = candidates[3]
    platform_id = request_return_at_shopify(built, order, line_id, ReasonCode.STYLE)
    declined = _graphql(built, """mutation($input: ReturnDeclineRequestInput!) {
      returnDeclineRequest(input: $input) { return { status } userErrors { message } } }""",
                        {"input": {"id": platform_id, "declineReason": "FINAL_SALE", "declineNote": "Final sale"}})
    assert declined["returnDeclineRequest"]["userErrors"] == []

    seen: ReturnRequest = _wait("the declined return", lambda: _ours(built, shop_id, platform_id))
    assert seen.status is ReturnStatus.DECLINED and seen.decline_reason == "Final sale"
    assert [line.order_line_id for line in seen.lines] == [line_id]
    assert seen.events[0].action == "request" and seen.events[-1].action == "decline_at_shop"
    with built.container.uow() as uow:
        assert uow.actions(shop_id).for_return(seen.id) == []  # nothing said back to the shop
    shopify_return = next(r for r in _shop_state(built)["returns"] if r["id"] == platform_id)
    assert shopify_return["status"] == "DECLINED" and not shopify_return["refunds"]
