"""The demo's stack run in this process (both sandbox shops, the web app, the embedded worker), for tests that
drive the demo scenario, or their own returns, against the sandboxes and then read the shops' own records.

In-process, not ``returns-connector demo`` in a subprocess: the same code path without a fresh interpreter
and its imports per run. The Shopify sandbox runs on a Plus plan's bucket (1000 points a second instead of
100) unless asked otherwise, because the first sync of a shop is bound by the query-cost bucket, and tests
that start a stack per ``--orders`` value would spend most of their time waiting for it to refill.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from connector.domain.orders import Order, Platform, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy.schema import policy_from_dict
from connector.services.policies import set_policy
from connector.store.actions_repo import ActionState
from demo import stack as demo_stack
from demo.scenario import _candidates, connect_shops, first_sync
from platforms.woocommerce.client import WooClient
from sandboxes.shopify.options import SandboxOptions

PLUS_PLAN: Mapping[str, float] = {"bucket_size": 20_000.0, "restore_rate": 1_000.0}


@contextmanager
def running_stack(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, orders: int, *, plus_plan: bool = True
) -> Iterator[demo_stack.Stack]:
    monkeypatch.setenv("SHOPIFY_API_SECRET", demo_stack.SHOPIFY_SECRET)  # restored afterwards
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if plus_plan:
        monkeypatch.setattr(demo_stack, "ShopifyOptions", functools.partial(SandboxOptions, **PLUS_PLAN))
    stack = demo_stack.start_stack(data_dir, orders=orders, port=0, log_level="WARNING")
    try:
        yield stack
    finally:
        stack.stop()
        # The embedded Redis lives as long as this process: no job of this stack may reach the next one's.
        stack.queue.connection.flushall()


def connected(stack: demo_stack.Stack, policy: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """Install both shops as the demo does, give them ``policy`` (else the demo's) and sync their orders."""
    shopify_id, woo_id = connect_shops(stack, lambda _line: None)
    if policy is not None:
        with stack.container.uow() as uow:
            for shop_id in (shopify_id, woo_id):
                set_policy(uow, shop_id, policy_from_dict(dict(policy), source="test policy"))
            uow.commit()
    for shop_id in (shopify_id, woo_id):
        first_sync(stack, shop_id)
    return shopify_id, woo_id


def load(stack: demo_stack.Stack, shop_id: str, return_id: str) -> ReturnRequest:
    with stack.container.uow() as uow:
        found = uow.returns(shop_id).get(return_id)
    assert found is not None, return_id
    return found


def wait_until_closed(stack: demo_stack.Stack, shop_id: str, return_id: str, timeout: float = 60.0) -> ReturnRequest:
    """The return once it is closed and every action succeeded; fails with its actions otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        request = load(stack, shop_id, return_id)
        with stack.container.uow() as uow:
            actions = uow.actions(shop_id).for_return(return_id)
        settled = all(a.state is ActionState.SUCCEEDED for a in actions)
        if request.status is ReturnStatus.CLOSED and settled:
            return request
        failed = [a for a in actions if a.state is ActionState.FAILED]
        if failed or time.monotonic() > deadline:
            pytest.fail(
                f"return {return_id} is {request.status.value}: "
                + ", ".join(f"{a.kind.value}:{a.state.value} {a.last_error or ''}" for a in actions)
            )
        time.sleep(0.2)


def shopify_state(stack: demo_stack.Stack) -> dict[str, Any]:
    state: dict[str, Any] = requests.get(f"{stack.shopify_url}/__sandbox/state", timeout=30).json()
    return state


def woo_shop_and_merchant(stack: demo_stack.Stack) -> tuple[Shop, WooClient]:
    """The WooCommerce shop as the connector knows it, and a REST client acting as its merchant (the order
    screen's refunds, by hand)."""
    with stack.container.uow() as uow:
        shop = uow.shops.find(Platform.WOOCOMMERCE, stack.woo_url)
    assert shop is not None
    key = requests.post(f"{stack.woo_url}/__sandbox/keys", json={"description": "merchant"}, timeout=10).json()
    return shop, WooClient(stack.woo_url, key["consumer_key"], key["consumer_secret"], allow_private=True)


def agent_key(stack: demo_stack.Stack, shop_id: str) -> str:
    with stack.container.uow() as uow:
        _record, plain = uow.api_keys.issue(shop_id, "test agent", stack.container.clock())
        uow.commit()
    return plain


def agent_view(stack: demo_stack.Stack, shop_id: str, return_id: str, key: str, locale: str = "en") -> dict[str, Any]:
    answer = requests.get(
        f"{stack.app_url}/api/v1/shops/{shop_id}/returns/{return_id}",
        params={"locale": locale},
        headers={"X-API-Key": key},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def portal_token(stack: demo_stack.Stack, shop_id: str, order_name: str, email: str) -> str:
    found = requests.post(
        f"{stack.app_url}/api/v1/portal/{shop_id}/lookup",
        json={"order_number": order_name, "email": email},
        timeout=30,
    )
    assert found.status_code == 200, found.text
    return str(found.json()["token"])


def portal_post(stack: demo_stack.Stack, shop_id: str, token: str, body: Mapping[str, Any],
                locale: str = "en") -> requests.Response:
    return requests.post(
        f"{stack.app_url}/api/v1/portal/{shop_id}/returns",
        params={"locale": locale},
        json=dict(body),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=30,
    )


def requested_return(stack: demo_stack.Stack, shop_id: str, method: str, *,
                     needs_fulfillment_ids: bool = False) -> tuple[str, Order, str]:
    """A return of one unit of an order the policy lets the customer return, asked for by the customer through
    the portal's API (``method``, a refund) and waiting for an agent: its id, the order, the line."""
    ((order, line_id),) = _candidates(stack, shop_id, 1, needs_fulfillment_ids=needs_fulfillment_ids)
    token = portal_token(stack, shop_id, order.name, order.email)
    body = {"lines": [{"order_line_id": line_id, "quantity": 1, "reason": "size_too_small",
                       "resolution": {"kind": "refund"}}], "method": method}
    answer = portal_post(stack, shop_id, token, body)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()["return"]
    assert created["status"] == "requested", created
    return str(created["id"]), order, line_id
