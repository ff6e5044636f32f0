"""``/wc/v3/orders/<id>/refunds`` (list, create, get, delete) and ``/wc/v3/refunds`` across orders."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError, invalid_param
from sandboxes.woocommerce.refunds import RefundRequest, create_refund, delete_refund
from sandboxes.woocommerce.routes_orders import get_order, site, user_id
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Order, Refund

blueprint = Blueprint("wc_refunds", __name__, url_prefix="/wp-json/wc/v3")


def _order(order_id: int) -> Order:
    return get_order(order_id, "woocommerce_rest_invalid_order_id", "Invalid order ID.")


def _refund(order: Order, refund_id: int) -> Refund:
    refund = shop().store.refunds.get(refund_id)
    if refund is None or refund.order_id != order.id:
        raise ApiError("woocommerce_rest_shop_order_refund_invalid_id", "Invalid ID.", 404)
    return refund


def _flag(data: dict[str, Any], name: str) -> bool:
    """v3 passes api_refund/api_restock on only when they are real booleans; anything else means true."""
    value = data.get(name, True)
    return value if isinstance(value, bool) else True


def _request(data: dict[str, Any]) -> RefundRequest:
    amount = rest.as_money("amount", data["amount"]) if data.get("amount") not in (None, "") else None
    line_items = rest.as_list("line_items", data.get("line_items", []))
    if not all(isinstance(item, dict) for item in line_items):
        raise invalid_param("line_items", "line_items[0] is not of type object.")
    for item in line_items:
        if "refund_tax" in item and not isinstance(item["refund_tax"], list):
            raise invalid_param("line_items", "line_items[0][refund_tax] is not of type array.")
    reason = rest.as_str("reason", data.get("reason") or "")
    meta = rest.as_meta("meta_data", data.get("meta_data", []))
    return RefundRequest(amount, reason, line_items, _flag(data, "api_refund"), _flag(data, "api_restock"), meta,
                         user_id())  # fmt: skip


@blueprint.get("/orders/<int:order_id>/refunds")
def list_refunds(order_id: int) -> Response:
    store = shop().store
    page, per_page, offset = rest.page_window(0)
    with store.lock:
        order = _order(order_id)
        refunds = [store.refunds[rid] for rid in reversed(order.refund_ids or [])]
        items = [rest.trim_fields(serialize.refund(store, r, site())) for r in refunds[offset:offset + per_page]]
    return rest.paginated(items, len(refunds), page, per_page)


@blueprint.post("/orders/<int:order_id>/refunds")
def post_refund(order_id: int) -> Response:
    the_shop = shop()
    store = the_shop.store
    with store.lock:
        order = store.orders.get(order_id)
    if order is None:  # prepare_object_for_database's WP_Error(..., 404): a bare data, so HTTP 500 (real 10.0.2)
        raise ApiError("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404, bare=True)
    refund = create_refund(store, order, _request(rest.body()), the_shop.now())  # not under the lock
    with store.lock:
        return rest.created(serialize.refund(store, refund, site()),
                            f"/wp-json/wc/v3/orders/{order.id}/refunds/{refund.id}")  # fmt: skip


@blueprint.get("/orders/<int:order_id>/refunds/<int:refund_id>")
def read_refund(order_id: int, refund_id: int) -> Response:
    store = shop().store
    with store.lock:
        return jsonify(serialize.refund(store, _refund(_order(order_id), refund_id), site()))


@blueprint.delete("/orders/<int:order_id>/refunds/<int:refund_id>")
def remove_refund(order_id: int, refund_id: int) -> Response:
    the_shop = shop()
    store = the_shop.store
    if not rest.as_bool("force", rest.params().get("force", False)):
        raise ApiError("woocommerce_rest_trash_not_supported", "Refunds do not support trashing.", 501)
    with store.lock:
        order = _order(order_id)
        refund = _refund(order, refund_id)
        data = serialize.refund(store, refund, site())
        delete_refund(store, order, refund, the_shop.now())
        return jsonify(data)


@blueprint.get("/refunds")
def all_refunds() -> Response:
    """WC 9.0+: refunds across orders, newest first, each with ``parent_id``."""
    store = shop().store
    page, per_page, offset = rest.page_window(0)
    with store.lock:
        refunds = sorted(store.refunds.values(), key=lambda r: r.id, reverse=True)
        items = [{**serialize.refund(store, r, site()), "parent_id": r.order_id}
                 for r in refunds[offset:offset + per_page]]  # fmt: skip
    return rest.paginated(items, len(refunds), page, per_page)
