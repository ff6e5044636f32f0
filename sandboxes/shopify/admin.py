"""``/__sandbox/*``: what the shop recorded (for assertions) and admin helpers that act like a merchant."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandboxes.shopify import admin_returns, oauth, payloads
from sandboxes.shopify.cost import LeakyBucket
from sandboxes.shopify.refunds import credit_record
from sandboxes.shopify.state import (
    ORDER_BASE,
    FulfillmentState,
    Shop,
    TransactionState,
    gid,
    parse_gid,
    utcnow,
)
from sandboxes.shopify.webhooks import COMPLIANCE_TOPICS, Dispatcher


def _bad(message: str, status: int = 400) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _order_index(shop: Shop, ref: str) -> int | None:
    """Accept an Order GID, a numeric id, or an order number like 1001 / #1001."""
    number = parse_gid(ref, "Order")
    if number is None and ref.lstrip("#").isdigit():
        value = int(ref.lstrip("#"))
        number = value if value >= ORDER_BASE else ORDER_BASE + value - 1001
    if number is None or not 0 <= number - ORDER_BASE < shop.order_count():
        return None
    return number - ORDER_BASE


def blueprint(
    shop: Shop, dispatcher: Dispatcher, tokens: oauth.TokenStore, bucket: LeakyBucket, api_key: str, api_secret: str
) -> Blueprint:
    bp = Blueprint("sandbox_admin", __name__, url_prefix="/__sandbox")

    def refunds() -> list[dict[str, Any]]:
        out = []
        for r in shop.refunds.values():
            order = shop.order(r.order_index)
            assert order is not None
            out.append(
                {
                    "id": gid("Refund", r.id),
                    "order_id": gid("Order", order.id),
                    "currency": order.currency,
                    "amount": str(sum((t.amount for t in r.transactions), order.seed.shipping * 0)),
                    "store_credit": str(r.store_credit),
                    "shipping": str(r.shipping),
                    "idempotency_key": r.idempotency_key,
                    "return_id": gid("Return", r.return_id) if r.return_id else None,
                    "lines": [
                        {
                            "line_item_id": gid("LineItem", shop.line_item_id(order.index, rl.line_index)),
                            "quantity": rl.quantity,
                            "restock_type": rl.restock_type,
                            "subtotal": str(rl.subtotal),
                            "tax": str(rl.tax),
                        }
                        for rl in r.lines
                    ],
                    "transactions": [
                        {
                            "id": gid("OrderTransaction", t.id),
                            "amount": str(t.amount),
                            "gateway": t.gateway,
                            "parent_id": gid("OrderTransaction", t.parent_id) if t.parent_id else None,
                        }
                        for t in r.transactions
                    ],
                    "created_at": r.created_at.isoformat(),
                }
            )
        return out

    def returns() -> list[dict[str, Any]]:
        return [
            {
                "id": gid("Return", r.id),
                "name": r.name,
                "status": r.status,
                "order_id": gid("Order", ORDER_BASE + r.order_index),
                "lines": [
                    {
                        "id": gid("ReturnLineItem", rl.id),
                        "quantity": rl.quantity,
                        "processed": rl.processed,
                        "refunded": rl.refunded,
                        "reason": rl.reason,
                        "dispositions": [{"type": d["type"], "quantity": d["quantity"]} for d in rl.dispositions],
                    }
                    for rl in (shop.return_lines[i] for i in r.lines)
                ],
                "exchange_lines": [
                    {
                        "id": gid("ExchangeLineItem", el.id),
                        "variant_id": gid("ProductVariant", el.variant_id),
                        "quantity": el.quantity,
                        "processed": el.processed,
                    }
                    for el in (shop.exchange_lines[i] for i in r.exchange_lines)
                ],
                "refunds": [gid("Refund", i) for i in r.refunds],
                "reverse_deliveries": [
                    {
                        "id": gid("ReverseDelivery", d.id),
                        "tracking_number": d.tracking_number,
                        "tracking_url": d.tracking_url,
                        "label_url": d.label_url,
                        "notify_customer": d.notify_customer,
                        "lines": [
                            {"id": gid("ReverseFulfillmentOrderLineItem", line), "quantity": qty}
                            for line, qty in d.lines
                        ],
                    }
                    for d in (shop.reverse_deliveries[i] for i in r.reverse_deliveries)
                ],
                "decline_reason": r.decline_reason,
            }
            for r in shop.returns.values()
        ]

    def credits() -> list[dict[str, Any]]:
        return [credit_record(shop, t) for t in shop.credit_transactions.values()]

    def gift_cards() -> list[dict[str, Any]]:
        return [
            {
                "id": gid("GiftCard", c.id),
                "code": c.code,
                "currency": c.currency,
                "initial_value": str(c.initial_value),
                "customer_id": c.customer_id,
                "recipient_id": c.recipient_id,
                "note": c.note,
            }
            for c in shop.gift_cards.values()
        ]

    def fulfillment_orders() -> list[dict[str, Any]]:
        return [
            {
                "id": gid("FulfillmentOrder", f.id),
                "order_id": gid("Order", ORDER_BASE + f.order_index),
                "return_id": gid("Return", f.return_id) if f.return_id else None,
                "status": f.status,
                "hold": f.hold,
                "lines": [{"variant_id": gid("ProductVariant", v), "quantity": q} for _l, v, q in f.lines],
            }
            for f in shop.fulfillment_orders.values()
        ]

    @bp.get("/state")
    def state() -> Response:
        with shop.lock:
            return jsonify(
                {
                    "shop": {"domain": shop.domain, "currency": shop.currency, "orders": shop.order_count()},
                    "refunds": refunds(),
                    "returns": returns(),
                    "credits": credits(),
                    "gift_cards": gift_cards(),
                    "fulfillment_orders": fulfillment_orders(),
                    "restocks": list(shop.restocks),
                    "outstanding": [
                        {"order_id": gid("Order", o.id), "amount": str(o.outstanding), "currency": o.currency}
                        for o in shop.touched_orders()
                        if o.outstanding
                    ],
                    "payments": list(shop.payments),
                    "idempotency_keys": sorted(shop.idempotency),
                    "subscriptions": [
                        {"id": gid("WebhookSubscription", s.id), "topic": s.topic, "uri": s.uri}
                        for s in shop.subscriptions.values()
                    ],
                    "bucket": bucket.status(),
                }
            )

    for name, fn in (
        ("refunds", refunds),
        ("returns", returns),
        ("credits", credits),
        ("gift-cards", gift_cards),
        ("fulfillment-orders", fulfillment_orders),
    ):

        def view(fn: Any = fn) -> Response:
            with shop.lock:
                return jsonify(fn())

        bp.add_url_rule(f"/{name}", f"list_{name}", view, methods=["GET"])

    @bp.get("/restocks")
    def restocks() -> Response:
        with shop.lock:
            return jsonify(list(shop.restocks))

    @bp.get("/webhooks/deliveries")
    def deliveries() -> Response:
        with shop.lock:
            return jsonify(list(dispatcher.deliveries))

    @bp.post("/webhooks/trigger")
    def trigger() -> Response:
        body = request.get_json(silent=True) or {}
        topic = body.get("topic")
        if not isinstance(topic, str):
            return _bad("topic is required")
        uri = body.get("uri")
        with shop.lock:
            index = _order_index(shop, str(body.get("order_id", "1001")))
            order = shop.order(index) if index is not None else None
            if "payload" in body:
                payload = body["payload"]
            elif topic in COMPLIANCE_TOPICS:
                payload = payloads.compliance_payload(shop, topic, order)
            elif topic == "app/uninstalled":
                payload = payloads.shop_payload(shop)
            elif topic.startswith("orders/") and order is not None:
                payload = payloads.order_payload(shop, order)
            else:
                return _bad(f"no default payload for {topic}; pass one in 'payload'")
        event_id = dispatcher.publish(topic, payload, uri=uri if isinstance(uri, str) else None)
        return jsonify({"event_id": event_id, "payload": payload})

    @bp.post("/orders/<ref>/fulfill")
    def fulfill(ref: str) -> Response:
        with shop.lock:
            index = _order_index(shop, ref)
            if index is None:
                return _bad("order not found", 404)
            order = shop.mutable_order(index)
            remaining = {ln.index: ln.quantity - ln.refunded - order.fulfilled(ln.index) for ln in order.lines}
            remaining = {k: v for k, v in remaining.items() if v > 0}
            if not remaining:
                return _bad("nothing left to fulfill", 409)
            now = utcnow()
            order.fulfillments.append(
                FulfillmentState(
                    order.id * 10 + len(order.fulfillments) + 1,
                    now,
                    None,
                    remaining,
                    f"1Z{order.id}{len(order.fulfillments)}",
                )
            )
            shop.touch(order, now)
            dispatcher.publish("orders/updated", payloads.order_payload(shop, order))
            return jsonify(
                {"order_id": gid("Order", order.id), "fulfillment_id": gid("Fulfillment", order.fulfillments[-1].id)}
            )

    @bp.post("/orders/<ref>/pay")
    def pay(ref: str) -> Response:
        """The customer pays the order's outstanding balance (Shopify's invoice checkout): a SALE transaction,
        the balance cleared, the exchange's AWAITING_PAYMENT holds released, orders/updated published."""
        with shop.lock:
            index = _order_index(shop, ref)
            if index is None:
                return _bad("order not found", 404)
            order = shop.mutable_order(index)
            if order.outstanding <= 0:
                return _bad("nothing outstanding", 409)
            now = utcnow()
            paid = order.outstanding
            order.transactions.append(TransactionState(shop.next_id(), "SALE", "SUCCESS", "manual", paid, None, now))
            order.outstanding = Decimal(0)
            for fo_id in order.fulfillment_orders:
                fo = shop.fulfillment_orders[fo_id]
                if fo.hold == "AWAITING_PAYMENT":
                    fo.status, fo.hold, fo.updated_at = "OPEN", None, now
            payment = {"order_id": gid("Order", order.id), "amount": str(paid), "currency": order.currency,
                       "at": now.isoformat()}
            shop.payments.append(payment)
            shop.touch(order, now)
            dispatcher.publish("orders/updated", payloads.order_payload(shop, order))
            return jsonify(payment)

    @bp.post("/orders/<ref>/deliver")
    def deliver(ref: str) -> Response:
        body = request.get_json(silent=True) or {}
        with shop.lock:
            index = _order_index(shop, ref)
            if index is None:
                return _bad("order not found", 404)
            order = shop.mutable_order(index)
            if not order.fulfillments:
                return _bad("order has no fulfillment", 409)
            days_ago = body.get("days_ago", 0)
            when = utcnow() - timedelta(days=float(days_ago))
            for f in order.fulfillments:
                f.delivered_at = when
            shop.touch(order)
            dispatcher.publish("orders/updated", payloads.order_payload(shop, order))
            return jsonify({"order_id": gid("Order", order.id), "delivered_at": when.isoformat()})

    @bp.post("/orders")
    def create_order() -> Response:
        """A new order copied from a seed order (``like``, default #1001), announced by orders/create."""
        body = request.get_json(silent=True) or {}
        with shop.lock:
            index = _order_index(shop, str(body.get("like", "1001")))
            if index is None:
                return _bad("template order not found", 404)
            template = shop.seed_orders[index]
            now = utcnow()
            seed = replace(
                template,
                number=1001 + shop.order_count(),
                created_at=now,
                fulfilled_at=now if body.get("fulfilled", True) else None,
                delivered_at=None,
                email=body.get("email", template.email),
            )
            if not body.get("fulfilled", True):
                seed = replace(seed, lines=tuple(replace(ln, fulfilled_quantity=0) for ln in seed.lines))
            order = shop.add_order(seed)
            dispatcher.publish("orders/create", payloads.order_payload(shop, order))
            return jsonify({"order_id": gid("Order", order.id), "name": f"#{seed.number}"})

    @bp.post("/app/uninstall")
    def uninstall() -> Response:
        tokens.revoke_all()
        event_id = dispatcher.publish("app/uninstalled", payloads.shop_payload(shop))
        return jsonify({"event_id": event_id})

    @bp.post("/session-token")
    def mint_session_token() -> Response:
        body = request.get_json(silent=True) or {}
        token = oauth.session_token(
            api_key, api_secret, shop.domain, str(body.get("sub", "42")), int(body.get("ttl", 60))
        )
        return jsonify({"session_token": token})

    admin_returns.register(bp, shop, dispatcher)

    @bp.put("/bucket")
    def set_bucket() -> Response:
        body = request.get_json(silent=True) or {}
        if "currently_available" in body:
            bucket.take(int(bucket.available()))
            bucket.give_back(float(body["currently_available"]))
        if "restore_rate" in body:
            bucket.restore_rate = float(body["restore_rate"])
        return jsonify(bucket.status())

    return bp
