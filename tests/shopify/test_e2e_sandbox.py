"""End to end over real HTTP: the adapter, install flow and webhook check against the Shopify sandbox shop.

Both servers (the sandbox and a tiny webhook receiver standing in for our endpoint) bind 127.0.0.1 on a
free port and are stopped after the module. Outcomes are asserted from the sandbox's ``/__sandbox``
introspection endpoints, not from what the adapter says it did.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from connector.domain import Money, ReasonCode
from connector.domain.actions import (
    ExchangeInstruction,
    ExchangeItem,
    RefundInstruction,
    RefundLine,
    StoreCreditInstruction,
)
from connector.domain.orders import Order
from connector.domain.resolutions import Disposition, Resolution, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.errors import OutcomeUnknown
from connector.ports import IncomingEvent
from platforms.shopify import factory, webhooks
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.auth import (
    AppConfig,
    InMemoryCredentialStore,
    InMemoryLockFactory,
    InMemoryStateStore,
    TokenEndpoint,
    TokenManager,
)
from platforms.shopify.client import GraphQLClient

sandbox = pytest.importorskip("sandboxes.shopify.cli", reason="the Shopify sandbox has not landed")
options_module = pytest.importorskip("sandboxes.shopify.options")

pytestmark = pytest.mark.e2e

SHOP = "sandbox-shop.myshopify.com"
API_KEY = "e2e-api-key"
API_SECRET = "shpss_" + "e" * 32
LOCATION = "gid://shopify/Location/80100001"


class Receiver:
    """Our webhook endpoint in miniature: verify the HMAC on raw bytes, translate, remember."""

    def __init__(self) -> None:
        self.events: list[IncomingEvent] = []
        self.rejected = 0
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.port}/webhooks/shopify"

    def app(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        if not webhooks.verify_signature(body, request.headers.get(webhooks.HMAC_HEADER), [API_SECRET]):
            with self.lock:
                self.rejected += 1
            return Response("bad signature", 401)(environ, start_response)
        topic = request.headers.get(webhooks.TOPIC_HEADER, "")
        event = webhooks.translate(topic, json.loads(body, parse_float=Decimal), SHOP, "shop-e2e")
        with self.lock:
            self.events.append(event)
        return Response("ok", 200)(environ, start_response)

    def wait_for(self, kind: str, resource_id: str, timeout: float = 10.0) -> IncomingEvent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for event in self.events:
                    if event.kind == kind and event.resource_id == resource_id:
                        return event
            time.sleep(0.05)
        raise AssertionError(f"no {kind} webhook for {resource_id}; got {[e.kind for e in self.events]}")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class World:
    def __init__(self, base_url: str, receiver: Receiver) -> None:
        self.base_url = base_url
        self.receiver = receiver
        self.store = InMemoryCredentialStore()
        self.locks = InMemoryLockFactory()
        self.endpoint = TokenEndpoint(API_KEY, API_SECRET, shop_url_for=lambda _shop: base_url)
        self.subscriptions: list[str] = []

    def adapter(self, **kwargs: Any) -> ShopifyAdapter:
        tokens = TokenManager(SHOP, self.store, self.locks, self.endpoint)
        return ShopifyAdapter(
            SHOP, tokens, shop_id="shop-e2e", base_url=self.base_url, restock_location_id=LOCATION, **kwargs
        )

    def sandbox(self, path: str) -> Any:
        answer = requests.get(f"{self.base_url}/__sandbox/{path}", timeout=5)
        answer.raise_for_status()
        return answer.json()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    options = options_module.SandboxOptions(
        shop_domain=SHOP,
        api_key=API_KEY,
        api_secret=API_SECRET,
        orders=30,
        access_token=None,
        token_ttl=3600,
        strict_refresh_rotation=True,
    )
    base_url, stop = sandbox.start_in_thread(options)
    receiver = Receiver()
    world = World(base_url, receiver)
    try:
        yield world
    finally:
        receiver.stop()
        stop()


@pytest.fixture(scope="module")
def installed(world: World) -> World:
    """Authorization-code install through the sandbox's consent redirect, then webhook subscriptions."""
    app = AppConfig(
        API_KEY,
        (API_SECRET,),
        ("read_orders", "write_returns"),
        "https://connector.example.com/shopify/callback",
        world.receiver.url,
    )
    # The same wiring the app factory uses, pointed at the sandbox instead of https://<shop>.
    flow = factory.install_flow(
        app, InMemoryStateStore(), world.store, world.locks, shop_url_for=lambda _shop: world.base_url
    )
    authorize = urlparse(flow.begin({"shop": SHOP}, "browser-nonce"))
    consent = requests.get(f"{world.base_url}{authorize.path}?{authorize.query}", allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    callback = {k: v[0] for k, v in parse_qs(urlparse(consent.headers["Location"]).query).items()}
    assert flow.complete(callback, "browser-nonce") == SHOP
    world.subscriptions.extend(s["id"] for s in world.sandbox("state")["subscriptions"])
    return world


def fulfilled_order(adapter: ShopifyAdapter) -> Order:
    for order in adapter.orders_changed_since(None):
        if order.status == "open" and any(
            line.returnable_quantity >= 1 and line.fulfillment_line_ids for line in order.lines
        ):
            return order
    raise AssertionError("the sandbox seed has no returnable order")


def request_return(adapter: ShopifyAdapter, order: Order) -> tuple[str, str]:
    """What the customer does in their account: a returnRequest on one fulfilled unit."""
    line = next(ln for ln in order.lines if ln.returnable_quantity >= 1 and ln.fulfillment_line_ids)
    payload = adapter.client.mutate(
        """mutation ReturnRequest($input: ReturnRequestInput!) {
             returnRequest(input: $input) { return { id } userErrors { field message code } } }""",
        {
            "input": {
                "orderId": order.id,
                "returnLineItems": [
                    {
                        "fulfillmentLineItemId": line.fulfillment_line_ids[0],
                        "quantity": 1,
                        "returnReason": "SIZE_TOO_SMALL",
                        "customerNote": "too small",
                    }
                ],
            }
        },
        payload_key="returnRequest",
    )
    return str(payload["return"]["id"]), line.id


def test_install_stores_token_and_subscribes_once(installed: World) -> None:
    creds = installed.store.load(SHOP)
    assert creds is not None and creds["access_token"].startswith("shpat_") and creds.get("refresh_token")
    subs = installed.sandbox("state")["subscriptions"]
    assert sorted(s["topic"] for s in subs) == sorted(t.upper().replace("/", "_") for t in webhooks.SUBSCRIBED_TOPICS)
    # subscribing again creates nothing new
    again = installed.adapter().subscribe_webhooks(installed.receiver.url)
    assert sorted(again) == sorted(installed.subscriptions)
    assert len(installed.sandbox("state")["subscriptions"]) == len(subs)


def test_return_requested_approved_refunded_closed(installed: World) -> None:
    adapter = installed.adapter()
    order = fulfilled_order(adapter)
    return_id, line_id = request_return(adapter, order)
    event = installed.receiver.wait_for("return_requested", return_id)
    assert event.data is not None and event.data["order_id"] == order.id

    request = adapter.fetch_return(return_id)
    assert request.lines[0].reason is ReasonCode.SIZE_TOO_SMALL
    adapter.approve_return(request)
    adapter.approve_return(request)  # a retried job: already approved counts as done
    assert next(r for r in installed.sandbox("returns") if r["id"] == return_id)["status"] == "OPEN"

    order_line = order.line(line_id)
    paid = order_line.paid_for(1)
    credit = Money("1.00", order.currency).min(paid)
    key = f"act-{uuid.uuid4().hex[:12]}"
    instruction = RefundInstruction(
        idempotency_key=key,
        order_id=order.id,
        amount=paid - credit,
        lines=(
            RefundLine(
                line_id,
                1,
                paid,
                order_line.tax_for(1),
                Disposition.RESTOCK,
                LOCATION,
                request.lines[0].platform_line_id,
            ),
        ),
        shipping=Money.zero(order.currency),
        reason=f"Return for {order.name}",
        return_id="ret-e2e",
        platform_return_id=return_id,
        store_credit_amount=credit,
        notify_customer=False,
    )
    effect = adapter.refund(instruction)
    refunds = [r for r in installed.sandbox("refunds") if r["return_id"] == return_id]
    assert [r["id"] for r in refunds] == [effect.platform_id]
    assert Decimal(refunds[0]["amount"]) == (paid - credit).amount
    assert Decimal(refunds[0]["store_credit"]) == credit.amount
    found = adapter.find_refund(order.id, key)
    assert found is not None and found.platform_id == effect.platform_id
    assert adapter.find_refund(order.id, "act-never-sent") is None
    ret = next(r for r in installed.sandbox("returns") if r["id"] == return_id)
    assert ret["lines"][0]["dispositions"] == [{"type": "RESTOCKED", "quantity": 1}]

    adapter.close_return(request)
    assert next(r for r in installed.sandbox("returns") if r["id"] == return_id)["status"] == "CLOSED"
    installed.receiver.wait_for("return_closed", return_id)


def test_declined_return(installed: World) -> None:
    adapter = installed.adapter()
    order = fulfilled_order(adapter)
    return_id, _ = request_return(adapter, order)
    adapter.decline_return(adapter.fetch_return(return_id), "Final sale item")
    ret = next(r for r in installed.sandbox("returns") if r["id"] == return_id)
    assert ret["status"] == "DECLINED" and ret["decline_reason"] == "FINAL_SALE"


def test_portal_return_with_exchange(installed: World) -> None:
    adapter = installed.adapter()
    order = fulfilled_order(adapter)
    line = next(ln for ln in order.lines if ln.returnable_quantity >= 1 and ln.variant_id)
    assert line.variant_id is not None
    request = ReturnRequest(
        id="ret-portal",
        shop_id="shop-e2e",
        order_id=order.id,
        order_name=order.name,
        currency=order.currency,
        customer_email=order.email,
        method=ReturnMethod.PREPAID_LABEL,
        lines=[
            ReturnLine("l1", line.id, 1, ReasonCode.SIZE_TOO_LARGE, Resolution.exchange(variant_id=line.variant_id))
        ],
        created_at=order.created_at,
    )
    return_id = adapter.create_return(request, order)
    assert return_id is not None
    instruction = ExchangeInstruction(
        f"act-{uuid.uuid4().hex[:12]}",
        order.id,
        "ret-portal",
        (ExchangeItem(line.variant_id, 1, line.unit_price),),
        line.paid_for(1),
        order.email,
        return_id,
    )
    assert adapter.find_exchange(instruction) is None
    adapter.create_exchange(instruction)
    assert adapter.find_exchange(instruction) is not None
    held = [f for f in installed.sandbox("fulfillment-orders") if f["return_id"] == return_id]
    assert held and held[0]["lines"] == [{"variant_id": line.variant_id, "quantity": 1}]


def test_store_credit_outside_a_return(installed: World) -> None:
    # The sandbox has no giftCards search, so the fallback path (and its find) is covered by unit tests only.
    adapter = installed.adapter(store_credit_fallback=False)
    order = fulfilled_order(adapter)
    assert order.customer is not None and order.customer.id
    instruction = StoreCreditInstruction(
        f"act-{uuid.uuid4().hex[:12]}",
        order.email,
        order.customer.id,
        Money("7.50", order.currency),
        "ret-credit",
        order.id,
    )
    assert adapter.find_store_credit(instruction) is None
    effect = adapter.issue_store_credit(instruction)
    credits = [c for c in installed.sandbox("credits") if str(c["id"]) == effect.platform_id.rsplit("/", 1)[-1]]
    assert len(credits) == 1
    assert Decimal(credits[0]["amount"]) == Decimal("7.50") and credits[0]["currency"] == order.currency
    found = adapter.find_store_credit(instruction)
    assert found is not None and found.platform_id == effect.platform_id


def test_a_credit_bonus_is_told_apart_from_a_refunds_own_credit(installed: World) -> None:
    """The bonus goes out by storeCreditAccountCredit beside a refund to store credit of the same amount: the
    find-before-retry of the bonus must not take the refund's credit (ORDER_REFUND) for it, nor pay twice."""
    adapter = installed.adapter(store_credit_fallback=False)
    order = fulfilled_order(adapter)
    assert order.customer is not None and order.customer.id
    amount = Money("3", order.currency)
    zero = Money.zero(order.currency)
    adapter.refund(
        RefundInstruction(f"act-{uuid.uuid4().hex[:12]}", order.id, zero, (), zero, "goodwill credit", "ret-bonus",
                          store_credit_amount=amount)
    )
    bonus = StoreCreditInstruction(
        f"ret:ret-bonus:credit-bonus-{uuid.uuid4().hex[:6]}", order.email, order.customer.id, amount, "ret-bonus",
        order.id, bonus=True, not_before=_now() - timedelta(minutes=1),
    )
    assert adapter.find_store_credit(bonus) is None
    effect = adapter.issue_store_credit(bonus)
    found = adapter.find_store_credit(bonus)
    assert found is not None and found.platform_id == effect.platform_id
    same_amount = [c for c in installed.sandbox("credits") if Decimal(c["amount"]) == amount.amount
                   and c["currency"] == order.currency]
    assert {c["event"] for c in same_amount} == {"ORDER_REFUND", "ADJUSTMENT"}
    (by_hand,) = [c for c in same_amount if c["event"] == "ADJUSTMENT"]
    assert str(by_hand["id"]) == effect.platform_id.rsplit("/", 1)[-1]


def test_throttling_paces_instead_of_failing(installed: World) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    tokens = TokenManager(SHOP, installed.store, installed.locks, installed.endpoint)
    client = GraphQLClient(SHOP, tokens, base_url=installed.base_url, sleep=sleep)
    adapter = installed.adapter(client=client)
    order_id = fulfilled_order(installed.adapter()).id
    requests.put(
        f"{installed.base_url}/__sandbox/bucket", json={"currently_available": 0, "restore_rate": 500}, timeout=5
    ).raise_for_status()
    try:
        order = adapter.fetch_order(order_id)  # THROTTLED first (bucket empty), then paced and retried
        assert order.lines
        for _ in range(3):  # the next reads wait for the bucket before sending
            adapter.fetch_order(order_id)
    finally:
        requests.put(f"{installed.base_url}/__sandbox/bucket", json={"restore_rate": 100}, timeout=5)
    assert sleeps, "the client never waited"
    assert client.throttle_status is not None


def test_token_refresh_once_under_the_lock(installed: World) -> None:
    creds = installed.store.load(SHOP)
    assert creds is not None
    # Pretend the token expires in a minute: both workers must see "refresh needed".
    installed.store.save(SHOP, {**creds, "expires_at": (_now() + timedelta(minutes=1)).isoformat()})
    old_refresh = creds["refresh_token"]
    managers = [TokenManager(SHOP, installed.store, installed.locks, installed.endpoint) for _ in range(2)]
    barrier = threading.Barrier(2)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def work(manager: TokenManager) -> None:
        barrier.wait()
        try:
            tokens.append(manager.access_token())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    # strict rotation in the sandbox: a second refresh with the spent token would have failed
    assert errors == [] and len(set(tokens)) == 1 and tokens[0] != creds["access_token"]
    saved = installed.store.load(SHOP)
    assert saved is not None and saved["refresh_token"] != old_refresh
    assert (
        installed.adapter().available_stock(fulfilled_order(installed.adapter()).lines[0].variant_id or "1") is not None
    )


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


class LosesOneAnswer(requests.Session):
    """Sends the first request whose GraphQL document contains ``marker`` for real, then acts as if the
    answer was lost (read timeout): the shop applied it, the client cannot know."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.lost = 0

    def post(self, url: Any, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().post(url, data=data, json=json, **kwargs)
        if not self.lost and isinstance(data, str) and self.marker in data:
            self.lost += 1
            raise requests.ReadTimeout("answer lost after the shop applied the request")
        return response


def test_refund_create_answer_lost_is_retried_with_the_same_key(installed: World) -> None:
    session = LosesOneAnswer("mutation RefundCreate")
    adapter = installed.adapter(session=session)
    order = fulfilled_order(adapter)
    line = next(ln for ln in order.lines if ln.returnable_quantity >= 1)
    key = f"act-{uuid.uuid4().hex[:12]}"
    amount = line.paid_for(1)
    instruction = RefundInstruction(
        idempotency_key=key, order_id=order.id, amount=amount,
        lines=(RefundLine(line.id, 1, amount, line.tax_for(1)),), shipping=Money.zero(order.currency),
        reason="Goodwill", return_id="ret-goodwill",
    )  # fmt: skip
    effect = adapter.refund(instruction)
    assert session.lost == 1
    mine = [r for r in installed.sandbox("refunds") if r["idempotency_key"] == key]
    assert [r["id"] for r in mine] == [effect.platform_id]  # two sends, one refund
    assert Decimal(mine[0]["amount"]) == amount.amount


def test_return_process_answer_lost_then_found(installed: World) -> None:
    adapter = installed.adapter()
    order = fulfilled_order(adapter)
    return_id, line_id = request_return(adapter, order)
    request = adapter.fetch_return(return_id)
    adapter.approve_return(request)
    session = LosesOneAnswer("mutation ReturnProcess")
    flaky = installed.adapter(session=session)
    paid = order.line(line_id).paid_for(1)
    key = f"act-{uuid.uuid4().hex[:12]}"
    instruction = RefundInstruction(
        idempotency_key=key, order_id=order.id, amount=paid,
        lines=(RefundLine(line_id, 1, paid, Money.zero(order.currency), Disposition.DISPOSE),),
        shipping=Money.zero(order.currency), reason="Return", return_id="ret-lost", platform_return_id=return_id,
    )  # fmt: skip
    with pytest.raises(OutcomeUnknown):
        flaky.refund(instruction)
    found = adapter.find_refund(order.id, key)  # what the job does before any retry
    assert found is not None and found.amount == paid
    mine = [r for r in installed.sandbox("refunds") if r["return_id"] == return_id]
    assert [r["id"] for r in mine] == [found.platform_id]


def test_every_delivered_webhook_passed_the_signature_check(installed: World) -> None:
    deliveries = installed.sandbox("webhooks/deliveries")
    assert deliveries and installed.receiver.rejected == 0
    assert len(installed.receiver.events) >= 1
