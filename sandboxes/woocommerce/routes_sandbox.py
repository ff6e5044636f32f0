"""``/__sandbox/...``: look at the shop's own records and steer it (never part of WooCommerce).

Tests assert outcomes here (refunds paid, coupons issued, stock moved, webhooks sent) instead of trusting
what the connector believes it did.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandboxes.woocommerce import serialize
from sandboxes.woocommerce.auth import new_key
from sandboxes.woocommerce.orders import order_total, remaining_refund_amount, set_status, touch
from sandboxes.woocommerce.serialize import gmt, money
from sandboxes.woocommerce.shop import sandbox_error, shop
from sandboxes.woocommerce.state import Order

blueprint = Blueprint("wc_sandbox", __name__, url_prefix="/__sandbox")


def _site() -> serialize.Site:
    return shop().site()


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _order(order_id: int) -> Order | None:
    return shop().store.orders.get(order_id)


@blueprint.get("/state")
def state() -> Response:
    the_shop = shop()
    store = the_shop.store
    with store.lock:
        statuses: dict[str, int] = {}
        for order in store.orders.values():
            statuses[order.status] = statuses.get(order.status, 0) + 1
        return jsonify({
            "orders": len(store.orders), "order_statuses": statuses, "refunds": len(store.refunds),
            "coupons": len(store.coupons), "products": len(store.products), "variations": len(store.variations),
            "customers": len(store.customers), "webhooks": [_webhook(w.id) for w in store.webhooks.values()],
            "gateways": [dataclasses.asdict(g) for g in store.gateways.values()],
            "api_keys": len(store.api_keys), "stock_changes": len(store.stock_log),
            "pending_webhook_deliveries": len(the_shop.dispatcher.pending()),
            "options": {"seed": the_shop.options.seed, "timezone": the_shop.options.timezone,
                        "store_credit_type": the_shop.options.store_credit_type},
        })  # fmt: skip


@blueprint.get("/orders/<int:order_id>")
def order_detail(order_id: int) -> Response:
    """The v3 JSON plus what REST hides: stock bookkeeping, notes, full refunds, remaining amount."""
    store = shop().store
    with store.lock:
        order = _order(order_id)
        if order is None:
            return sandbox_error("no such order", 404)
        data = serialize.order(store, order, _site())
        data["_sandbox"] = {
            "stock_reduced": order.stock_reduced,
            "lines": [{"id": ln.id, "reduced_stock": ln.reduced_stock, "restocked": ln.restocked}
                      for ln in order.lines],
            "notes": [serialize.note(n, _site()) for n in store.notes.get(order.id, [])],
            "refunds": [serialize.refund(store, store.refunds[r], _site()) for r in order.refund_ids or ()],
            "total": money(order_total(order), 2),
            "remaining_refund_amount": money(remaining_refund_amount(store, order), 2),
        }  # fmt: skip
        return jsonify(data)


@blueprint.post("/orders/<int:order_id>/touch")
def touch_order(order_id: int) -> Response:
    """Modify an order as the admin would (optional ``status``/``note``) so ``order.updated`` fires."""
    the_shop = shop()
    store = the_shop.store
    body = _body()
    with store.lock:
        order = _order(order_id)
        if order is None:
            return sandbox_error("no such order", 404)
        now = the_shop.now()
        if isinstance(body.get("status"), str):
            set_status(store, order, body["status"], now)
        if isinstance(body.get("meta"), dict):
            for key, value in body["meta"].items():
                order.meta = [*(order.meta or []), store.meta(str(key), value)]
        touch(store, order, now)
        return jsonify(serialize.order(store, order, _site()))


@blueprint.post("/orders/<int:order_id>/trash")
@blueprint.post("/orders/<int:order_id>/untrash")
def trash_order(order_id: int) -> Response:
    the_shop = shop()
    store = the_shop.store
    with store.lock:
        order = _order(order_id)
        if order is None:
            return sandbox_error("no such order", 404)
        now = the_shop.now()
        if request.path.endswith("/untrash"):
            set_status(store, order, order.status_before_trash or "pending", now)
            order.modified = now
            store.emit("order", "restored", order.id)
        else:
            order.status_before_trash = order.status
            set_status(store, order, "trash", now)
            order.modified = now
            store.emit("order", "deleted", order.id)
        return jsonify(serialize.order(store, order, _site()))


@blueprint.get("/refunds")
def refunds() -> Response:
    store = shop().store
    order_id = request.args.get("order_id", type=int)
    with store.lock:
        found = [r for r in store.refunds.values() if order_id is None or r.order_id == order_id]
        return jsonify({
            "refunds": [{**serialize.refund(store, r, _site()), "order_id": r.order_id} for r in found],
            "gateway_calls": [
                {"at": gmt(c.at), "order_id": c.order_id, "refund_id": c.refund_id, "gateway": c.gateway,
                 "amount": money(c.amount, 2), "ok": c.ok, "message": c.message}
                for c in store.gateway_refunds if order_id is None or c.order_id == order_id
            ],
        })  # fmt: skip


@blueprint.get("/coupons")
def coupons() -> Response:
    store = shop().store
    with store.lock:
        return jsonify([serialize.coupon(c, _site()) for c in store.coupons.values()])


@blueprint.get("/stock")
def stock() -> Response:
    store = shop().store
    product_id = request.args.get("product_id", type=int)
    variation_id = request.args.get("variation_id", type=int)
    with store.lock:
        return jsonify([
            {"at": gmt(c.at), "product_id": c.product_id, "variation_id": c.variation_id, "delta": c.delta,
             "stock_after": c.stock_after, "reason": c.reason, "order_id": c.order_id}
            for c in store.stock_log
            if (product_id is None or c.product_id == product_id)
            and (variation_id is None or c.variation_id == variation_id)
        ])  # fmt: skip


def _webhook(webhook_id: int) -> dict[str, Any]:
    webhook = shop().store.webhooks[webhook_id]
    return {"id": webhook.id, "topic": webhook.topic, "status": webhook.status, "delivery_url": webhook.delivery_url,
            "failure_count": webhook.failure_count, "secret": webhook.secret}  # fmt: skip


@blueprint.get("/webhooks")
def webhooks() -> Response:
    store = shop().store
    with store.lock:
        return jsonify([_webhook(w) for w in store.webhooks])


@blueprint.get("/webhooks/deliveries")
def deliveries() -> Response:
    dispatcher = shop().dispatcher
    webhook_id = request.args.get("webhook_id", type=int)
    kind = request.args.get("kind")
    found = [dataclasses.asdict(d) for d in list(dispatcher.deliveries)
             if (webhook_id is None or d.webhook_id == webhook_id) and (kind is None or d.kind == kind)]  # fmt: skip
    return jsonify(found)


@blueprint.delete("/webhooks/deliveries")
def clear_deliveries() -> Response:
    shop().dispatcher.deliveries.clear()
    return jsonify({"cleared": True})


@blueprint.post("/webhooks/flush")
def flush() -> Response:
    """Wait until no webhook delivery is pending (tests call this instead of sleeping)."""
    timeout = float(_body().get("timeout", 10))
    idle = shop().dispatcher.wait_idle(timeout)
    return jsonify({"idle": idle})


@blueprint.get("/gateways")
def gateways() -> Response:
    store = shop().store
    with store.lock:
        return jsonify([dataclasses.asdict(g) for g in store.gateways.values()])


@blueprint.put("/gateways/<gateway_id>")
def put_gateway(gateway_id: str) -> Response:
    """``{"can_refund": false}`` (or ``supports_refunds``), ``{"fail_refunds": true}``, ``{"delay_ms": 6000}``."""
    store = shop().store
    body = _body()
    with store.lock:
        gateway = store.gateways.get(gateway_id)
        if gateway is None:
            return sandbox_error("no such gateway", 404)
        for name, attr in (("can_refund", "supports_refunds"), ("supports_refunds", "supports_refunds"),
                           ("fail_refunds", "fail_refunds")):  # fmt: skip
            if name in body:
                if not isinstance(body[name], bool):
                    return sandbox_error(f"{name} must be a boolean")
                setattr(gateway, attr, body[name])
        if "delay_ms" in body:
            delay = body["delay_ms"]
            if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 120_000:
                return sandbox_error("delay_ms must be an integer between 0 and 120000")
            gateway.delay_ms = delay
        return jsonify(dataclasses.asdict(gateway))


@blueprint.post("/keys")
def make_key() -> Response:
    body = _body()
    permissions = body.get("permissions", "read_write")
    if permissions not in ("read", "write", "read_write"):
        return sandbox_error("permissions must be read, write or read_write")
    key = new_key(shop().store, 1, str(body.get("description", "sandbox key")), permissions,
                  body.get("consumer_key"), body.get("consumer_secret"))  # fmt: skip
    return jsonify(dataclasses.asdict(key) | {"last_access": None})


@blueprint.get("/keys")
def keys() -> Response:
    store = shop().store
    with store.lock:
        return jsonify([{"key_id": k.key_id, "description": k.description, "permissions": k.permissions,
                         "consumer_key": k.consumer_key, "consumer_secret": k.consumer_secret}
                        for k in store.api_keys.values()])  # fmt: skip
