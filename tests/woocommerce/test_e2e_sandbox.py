"""End to end over real HTTP: the adapter against the WooCommerce sandbox, asserting the shop's own records.

Two servers on 127.0.0.1 (free ports): the sandbox shop, and a small connector app with our connect
blueprint and a webhook receiver that verifies signatures with the stored secret.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from werkzeug.serving import make_server

from connector.domain.actions import (
    ExchangeInstruction,
    ExchangeItem,
    RefundInstruction,
    RefundLine,
    StoreCreditInstruction,
)
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.resolutions import Disposition
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.auth import InMemoryCredentialStore, InMemoryStateStore, finish_connect
from platforms.woocommerce.markers import coupon_code
from platforms.woocommerce.views import create_blueprint
from platforms.woocommerce.webhooks import dedup_key, is_ping, verify_signature

sandbox_app = pytest.importorskip("sandboxes.woocommerce.app")
sandbox_shop = pytest.importorskip("sandboxes.woocommerce.shop")

pytestmark = pytest.mark.e2e


@dataclass
class Connector:
    base_url: str
    credentials: InMemoryCredentialStore
    received: list[dict[str, Any]] = field(default_factory=list)
    pings: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class World:
    shop_url: str
    connector: Connector

    def sandbox(self, path: str, method: str = "GET", body: Any = None) -> Any:
        reply = requests.request(method, f"{self.shop_url}/__sandbox/{path}", json=body, timeout=10)
        reply.raise_for_status()
        return reply.json()

    def flush(self) -> None:
        assert self.sandbox("webhooks/flush", "POST", {"timeout": 10})["idle"]

    def adapter(self) -> WooCommerceAdapter:
        creds = self.connector.credentials.load(self.shop_url)
        assert creds is not None
        return WooCommerceAdapter.from_credentials(self.shop_url, creds, shop_id="shop-1", allow_private=True)


def _connector_app(base: str, shop_url: str, connector: Connector) -> Flask:
    creds = connector.credentials
    delivery = f"{base}/webhooks/woocommerce/shop-1"
    app = Flask("connector-under-test")
    app.register_blueprint(
        create_blueprint(
            states=InMemoryStateStore(),
            credentials=creds,
            public_base_url=base,
            webhook_delivery_url=lambda store: delivery,
            allow_private=True,  # the sandbox listens on 127.0.0.1
        )
    )

    @app.post("/webhooks/woocommerce/shop-1")
    def receive() -> Response:
        raw = request.get_data()
        if is_ping(request.headers, raw):
            with connector.lock:
                connector.pings += 1
            return Response("", 200)
        secret = (creds.load(shop_url) or {}).get("webhook_secret", "")
        if not verify_signature(raw, request.headers.get("X-WC-Webhook-Signature"), [secret]):
            return Response("bad signature", 401)
        payload = json.loads(raw, parse_float=Decimal)
        with connector.lock:
            connector.received.append(
                {
                    "topic": request.headers.get("X-WC-Webhook-Topic"),
                    "payload": payload,
                    "key": dedup_key(request.headers, payload),
                }
            )
        return Response("", 200)

    return app


@pytest.fixture
def world() -> Iterator[World]:
    shop_url, stop_shop = sandbox_app.start_in_thread(sandbox_shop.SandboxOptions(orders=60, seed=7))
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)  # real app set below
    base = f"http://127.0.0.1:{server.server_port}"
    connector = Connector(base, InMemoryCredentialStore())
    server.app = _connector_app(base, shop_url, connector)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        reply = requests.get(f"{base}/woocommerce/connect", params={"store_url": shop_url}, timeout=30)
        assert reply.status_code == 200, reply.text
        assert "4 webhooks active" in reply.text
        yield World(shop_url, connector)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        stop_shop()


def _orders(adapter: WooCommerceAdapter) -> list[tuple[Order, dict[str, Any]]]:
    raws = list(adapter.client.paginate("orders", {"status": "completed"}))
    return [(adapter.fetch_order(str(r["id"])), r) for r in raws]


def _refundable(adapter: WooCommerceAdapter, gateway_ok: bool) -> tuple[Order, dict[str, Any]]:
    for order, raw in _orders(adapter):
        if raw["refunds"] or not order.lines or order.lines[0].returnable_quantity < 1:
            continue
        if (raw["payment_method"] in ("stripe", "paypal")) == gateway_ok:
            return order, raw
    raise AssertionError("no suitable order in the sandbox seed")


def _refund_for(order: Order, key: str) -> RefundInstruction:
    line = order.lines[0]
    amount = line.paid_for(1)
    return RefundInstruction(
        idempotency_key=key,
        order_id=order.id,
        amount=amount,
        lines=(RefundLine(line.id, 1, amount, line.tax_for(1), Disposition.RESTOCK),),
        shipping=Money.zero(order.currency),
        reason="Too small",
        return_id="R-E2E",
    )


def test_connect_creates_signed_webhooks_idempotently(world: World) -> None:
    creds = world.connector.credentials.load(world.shop_url)
    assert creds is not None and creds["key_permissions"] == "read_write"
    hooks = world.sandbox("webhooks")
    ours = [h for h in hooks if h["delivery_url"] == f"{world.connector.base_url}/webhooks/woocommerce/shop-1"]
    assert sorted(h["topic"] for h in ours) == ["order.created", "order.deleted", "order.restored", "order.updated"]
    assert all(h["secret"] == creds["webhook_secret"] and h["status"] == "active" for h in ours)
    assert world.connector.pings >= 1  # the unsigned ping was recognised and answered 200
    again = finish_connect(world.shop_url, ours[0]["delivery_url"], credentials=world.connector.credentials,
                           allow_private=True)
    assert again.created == [] and len(again.updated) == 4
    assert len(world.sandbox("webhooks")) == len(hooks)


def test_signed_webhook_arrives_for_an_admin_change(world: World) -> None:
    order_id = _orders(world.adapter())[0][0].id
    world.sandbox(f"orders/{order_id}/touch", "POST", {"meta": {"gift_wrap": "yes"}})
    world.flush()
    got = [r for r in world.connector.received if str(r["payload"].get("id")) == order_id]
    assert got and got[-1]["topic"] == "order.updated"
    assert got[-1]["key"].startswith(f"wc:order:{order_id}:")
    assert not world.adapter().is_own_echo(got[-1]["payload"])


def test_refund_through_gateway_and_its_echo(world: World) -> None:
    adapter = world.adapter()
    order, _ = _refundable(adapter, gateway_ok=True)
    instruction = _refund_for(order, "e2e:refund:1")
    effect = adapter.refund(instruction)
    assert not effect.manual and effect.amount == instruction.amount
    records = world.sandbox(f"refunds?order_id={order.id}")
    assert [r["id"] for r in records["refunds"]] == [int(effect.platform_id)]
    assert "[rc:e2e:refund:1]" in records["refunds"][0]["reason"]
    assert [c["ok"] for c in records["gateway_calls"]] == [True]
    restocked = [c for c in world.sandbox("stock") if c["order_id"] == int(order.id) and c["delta"] > 0]
    assert [c["delta"] for c in restocked] == [1]  # disposition restock -> api_restock
    # retrying the same instruction finds it: still one refund, one gateway call
    assert adapter.refund(instruction).platform_id == effect.platform_id
    assert len(world.sandbox(f"refunds?order_id={order.id}")["gateway_calls"]) == 1
    # the shop now reports the unit as returned
    assert adapter.fetch_order(order.id).lines[0].quantity_returned == 1
    # Woo sends our own write back as order.updated: recognised as an echo
    world.flush()
    echoes = [r for r in world.connector.received if str(r["payload"].get("id")) == order.id]
    assert echoes and adapter.is_own_echo(echoes[-1]["payload"])
    assert adapter.translate_webhook("order.updated", echoes[-1]["payload"]).data["own_write"] is True  # type: ignore[index]
    notes = world.sandbox(f"orders/{order.id}")["_sandbox"]["notes"]
    assert any(f"refund {effect.platform_id}" in n["note"] for n in notes)


def test_gateway_that_refuses_a_refund_falls_back_to_manual(world: World) -> None:
    """The store says the gateway refunds, so it is asked; it fails, and the refund is recorded manual."""
    adapter = world.adapter()
    order, raw = _refundable(adapter, gateway_ok=True)
    world.sandbox(f"gateways/{raw['payment_method']}", "PUT", {"fail_refunds": True})
    effect = adapter.refund(_refund_for(order, "e2e:refund:manual"))
    assert effect.manual
    detail = world.sandbox(f"orders/{order.id}")
    refunds = detail["_sandbox"]["refunds"]
    assert len(refunds) == 1 and refunds[0]["refunded_payment"] is False
    assert any("could not refund automatically" in n["note"] for n in detail["_sandbox"]["notes"])
    assert [c["ok"] for c in world.sandbox(f"refunds?order_id={order.id}")["gateway_calls"]] == [False]


def test_gateway_the_store_says_cannot_refund_is_never_asked(world: World) -> None:
    """``payment_gateways/<id>`` lists no ``refunds``: one POST with ``api_refund: false``, no gateway call."""
    adapter = world.adapter()
    order, raw = _refundable(adapter, gateway_ok=True)
    world.sandbox(f"gateways/{raw['payment_method']}", "PUT", {"can_refund": False})
    posts: list[bool] = []

    def record(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.request.method == "POST" and str(response.request.url).split("?")[0].endswith("/refunds"):
            posts.append(json.loads(response.request.body or "{}")["api_refund"])

    adapter.client.session.hooks["response"].append(record)
    effect = adapter.refund(_refund_for(order, "e2e:refund:store-says-manual"))
    assert effect.manual and posts == [False]
    records = world.sandbox(f"refunds?order_id={order.id}")
    assert records["gateway_calls"] == []
    assert [r["id"] for r in records["refunds"]] == [int(effect.platform_id)]
    assert records["refunds"][0]["refunded_payment"] is False
    notes = world.sandbox(f"orders/{order.id}")["_sandbox"]["notes"]
    assert any("could not refund automatically" in n["note"] for n in notes)


def test_store_credit_coupon_is_created_once(world: World) -> None:
    adapter = world.adapter()
    order, raw = _refundable(adapter, gateway_ok=True)
    instruction = StoreCreditInstruction(
        idempotency_key="e2e:credit:1",
        customer_email=raw["billing"]["email"],
        customer_id=None,
        amount=Money("30.00", order.currency),
        return_id="R-E2E",
        order_id=order.id,
    )
    first = adapter.issue_store_credit(instruction)
    second = adapter.issue_store_credit(instruction)
    assert first.platform_id == second.platform_id
    coupons = [c for c in world.sandbox("coupons") if c["code"].lower() == coupon_code("e2e:credit:1").lower()]
    assert len(coupons) == 1
    coupon = coupons[0]
    assert coupon["discount_type"] == "fixed_cart" and Decimal(coupon["amount"]) == Decimal("30.00")
    assert coupon["email_restrictions"] == [raw["billing"]["email"]] and coupon["usage_limit"] == 1


def test_exchange_order_is_created_paid_with_stock_checked(world: World) -> None:
    adapter = world.adapter()
    order, _ = _refundable(adapter, gateway_ok=True)
    product = next(p for p in adapter.client.get("products", {"type": "variable", "per_page": 20}) if p["variations"])
    variation = adapter.client.get(f"products/{product['id']}/variations/{product['variations'][0]}")
    stock = adapter.available_stock(str(variation["id"]), str(product["id"]))
    assert stock is None or stock >= 1
    price = Money(variation["price"], order.currency)
    instruction = ExchangeInstruction(
        idempotency_key="e2e:exchange:1",
        order_id=order.id,
        return_id="R-E2E",
        items=(ExchangeItem(str(variation["id"]), 1, price, str(product["id"])),),
        credit_value=price,
        customer_email=order.email,
    )
    effect = adapter.create_exchange(instruction)
    assert effect.extra["amount_due"] == "0"
    created = world.sandbox(f"orders/{effect.platform_id}")
    assert created["parent_id"] == int(order.id) and created["status"] == "processing"
    meta = {m["key"]: m["value"] for m in created["meta_data"]}
    assert meta["_returns_connector_exchange_for"] == order.id and meta["_returns_connector_key"] == "e2e:exchange:1"
    assert created["line_items"][0]["variation_id"] == variation["id"]
    assert Decimal(created["total"]) == 0
    assert adapter.find_exchange(instruction).platform_id == effect.platform_id  # type: ignore[union-attr]
    assert adapter.create_exchange(instruction).platform_id == effect.platform_id
    if stock is not None:
        assert adapter.available_stock(str(variation["id"]), str(product["id"])) == stock - 1


def test_polling_sees_changes_after_a_point(world: World) -> None:
    adapter = world.adapter()
    everything = list(adapter.orders_changed_since(None))
    assert len(everything) == world.sandbox("state")["orders"]
    newest = max(o.updated_at for o in everything if o.updated_at is not None)
    target = everything[0].id
    world.sandbox(f"orders/{target}/touch", "POST", {"status": "on-hold"})
    changed = list(adapter.orders_changed_since(newest))
    assert target in [o.id for o in changed]
    assert len(changed) < len(everything)


def test_mixed_dispositions_restock_only_the_restocked_line(world: World) -> None:
    adapter = world.adapter()
    order, raw = next(
        (o, r)
        for o, r in _orders(adapter)
        if len(o.lines) >= 2
        and not r["refunds"]
        and r["payment_method"] in ("stripe", "paypal")
        and all(line.returnable_quantity >= 1 for line in o.lines[:2])
    )
    keep, toss = order.lines[0], order.lines[1]
    lines = (
        RefundLine(keep.id, 1, keep.paid_for(1), keep.tax_for(1), Disposition.RESTOCK),
        RefundLine(toss.id, 1, toss.paid_for(1), toss.tax_for(1), Disposition.DISPOSE),
    )
    amount = Money.sum((line.amount for line in lines), order.currency)
    adapter.refund(
        RefundInstruction("e2e:refund:mixed", order.id, amount, lines, Money.zero(order.currency), "Mixed", "R-E2E")
    )
    restocked = [c for c in world.sandbox("stock") if c["order_id"] == int(order.id) and c["delta"] > 0]
    toss_product = int(raw["line_items"][1]["variation_id"] or raw["line_items"][1]["product_id"])
    assert len(restocked) == 1
    assert toss_product not in (restocked[0]["variation_id"], restocked[0]["product_id"])
    after = adapter.fetch_order(order.id)
    assert after.line(keep.id).quantity_returned == 1 and after.line(toss.id).quantity_returned == 1
    paid = world.sandbox(f"refunds?order_id={order.id}")["gateway_calls"]
    assert [Decimal(c["amount"]) for c in paid] == [amount.amount]
