"""``/wc/v3/orders``: list (filters, pagination headers), get, create, update, delete, batch, notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.order_writes import create_order, update_order
from sandboxes.woocommerce.orders import STATUSES, add_note, set_status
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Order, Store

blueprint = Blueprint("wc_orders", __name__, url_prefix="/wp-json/wc/v3")
BATCH_LIMIT = 100
_ORDERBY = ("date", "id", "include", "title", "slug", "modified")


def user_id() -> int:
    key = g.get("api_key")
    return key.user_id if key is not None else 1


def site() -> serialize.Site:
    p = rest.params()
    base = shop().site()
    return base.with_dp(rest.as_int("dp", p["dp"], 0, 8)) if "dp" in p else base


def get_order(order_id: int, code: str = "woocommerce_rest_shop_order_invalid_id",
              message: str = "Invalid ID.") -> Order:  # fmt: skip
    order = shop().store.orders.get(order_id)
    if order is None:
        raise ApiError(code, message, 404)
    return order


def order_json(order: Order) -> dict[str, Any]:
    return rest.trim_fields(serialize.order(shop().store, order, site()))


def _filter_key(p: dict[str, Any]) -> tuple[Any, ...]:
    the_shop = shop()
    gmt = rest.as_bool("dates_are_gmt", p.get("dates_are_gmt", False))
    dates = tuple(
        rest.as_date(name, p[name], the_shop.tz, gmt) if name in p else None
        for name in ("after", "before", "modified_after", "modified_before")
    )
    raw_status = p.get("status", "any")
    status = tuple(sorted(rest.as_list("status", raw_status))) if raw_status else ("any",)
    for value in status:
        if value not in (*STATUSES, "any"):
            raise rest.invalid_param_error("status", f"status[0] is not one of any, {', '.join(STATUSES)}.")
    ints = {
        name: tuple(rest.as_int(name, v, 0) for v in rest.as_list(name, p[name])) if name in p else ()
        for name in ("include", "exclude", "parent")
    }
    customer = rest.as_int("customer", p["customer"], 0) if "customer" in p and p["customer"] != "" else None
    product = rest.as_int("product", p["product"], 0) if "product" in p else None
    search = str(p.get("search") or "").strip().lower()
    orderby = rest.as_enum("orderby", p.get("orderby", "date"), _ORDERBY)
    direction = rest.as_enum("order", p.get("order", "desc"), ("asc", "desc"))
    return (dates, status, ints["include"], ints["exclude"], ints["parent"], customer, product, search, orderby,
            direction)  # fmt: skip


def _matches(store: Store, order: Order, key: tuple[Any, ...]) -> bool:
    (after, before, mod_after, mod_before), status, include, exclude, parent, customer, product, search = key[:8]
    if "any" in status:
        if order.status in ("trash", "checkout-draft"):
            return False
    elif order.status not in status:
        return False
    if (after and order.created <= after) or (before and order.created >= before):
        return False
    if (mod_after and order.modified <= mod_after) or (mod_before and order.modified >= mod_before):
        return False
    if (include and order.id not in include) or (exclude and order.id in exclude):
        return False
    if (parent and order.parent_id not in parent) or (customer is not None and order.customer_id != customer):
        return False
    if product is not None and not any(line.product_id == product for line in order.lines):
        return False
    if search:
        haystack = f"{order.id} {order.email} {order.first_name} {order.last_name}".lower()
        if search not in haystack and not any(search in line.name.lower() for line in order.lines):
            return False
    return True


def _sorted_ids(store: Store, key: tuple[Any, ...]) -> list[int]:
    cache_key = (store.version, key)
    cached = store.list_cache.get(cache_key)
    if cached is not None:
        return cached
    orderby, direction = key[8], key[9]
    found = [o for o in store.orders.values() if _matches(store, o, key)]
    if orderby == "id":
        found.sort(key=lambda o: o.id)
    elif orderby == "include" and key[2]:
        position = {order_id: index for index, order_id in enumerate(key[2])}
        found.sort(key=lambda o: position.get(o.id, 0))
    elif orderby == "modified":
        found.sort(key=lambda o: (o.modified, o.id))
    else:
        found.sort(key=lambda o: (o.created, o.id))
    if direction == "desc" and orderby != "include":
        found.reverse()
    ids = [o.id for o in found]
    if len(store.list_cache) > 32 or any(k[0] != store.version for k in store.list_cache):
        store.list_cache.clear()
    store.list_cache[cache_key] = ids
    return ids


@blueprint.get("/orders")
def list_orders() -> Response:
    the_shop = shop()
    store = the_shop.store
    key = _filter_key(rest.params())
    page, per_page, offset = rest.page_window(0)
    with store.lock:
        ids = _sorted_ids(store, key)
        window = ids[offset:offset + per_page]
        items = [order_json(store.orders[i]) for i in window]
    return rest.paginated(items, len(ids), page, per_page)


@blueprint.get("/orders/<int:order_id>")
def read_order(order_id: int) -> Response:
    with shop().store.lock:
        return jsonify(order_json(get_order(order_id)))


@blueprint.post("/orders")
def post_order() -> Response:
    the_shop = shop()
    order = create_order(the_shop.store, rest.body(), the_shop.now(), user_id())
    with the_shop.store.lock:
        return rest.created(order_json(order), f"/wp-json/wc/v3/orders/{order.id}")


@blueprint.route("/orders/<int:order_id>", methods=["PUT", "PATCH", "POST"])
def put_order(order_id: int) -> Response:
    the_shop = shop()
    with the_shop.store.lock:
        order = update_order(the_shop.store, get_order(order_id), rest.body(), the_shop.now(), user_id())
        return jsonify(order_json(order))


def delete(store: Store, order: Order, force: bool, now: datetime) -> dict[str, Any]:
    data = serialize.order(store, order, site())
    if force:
        del store.orders[order.id]
        for refund_id in order.refund_ids or ():  # refunds are children of the order and go with it
            store.refunds.pop(refund_id, None)
    else:
        order.status_before_trash = order.status
        set_status(store, order, "trash", now)
        order.modified = now
        data = serialize.order(store, order, site())
    store.emit("order", "deleted", order.id)
    return data


@blueprint.delete("/orders/<int:order_id>")
def delete_order(order_id: int) -> Response:
    the_shop = shop()
    force = rest.as_bool("force", rest.params().get("force", False))
    with the_shop.store.lock:
        return jsonify(delete(the_shop.store, get_order(order_id), force, the_shop.now()))


@blueprint.post("/orders/batch")
def batch_orders() -> Response:
    data = rest.body()
    groups: dict[str, list[Any]] = {}
    for name in ("create", "update", "delete"):
        items = data.get(name, [])
        if not isinstance(items, list):
            raise rest.invalid_param_error(name, f"{name} is not of type array.")
        groups[name] = items
    if sum(len(items) for items in groups.values()) > BATCH_LIMIT:
        raise ApiError("woocommerce_rest_request_entity_too_large",
                       f"Unable to accept more than {BATCH_LIMIT} items for this request.", 413)  # fmt: skip
    result: dict[str, list[dict[str, Any]]] = {}
    for name, items in groups.items():
        if name in data:
            result[name] = [_batch_item(name, item) for item in items]
    return jsonify(result)


def _batch_item(action: str, item: Any) -> dict[str, Any]:
    """Each item succeeds or carries its own error: the batch itself always answers 200."""
    the_shop = shop()
    store = the_shop.store
    try:
        with store.lock:
            if action == "create":
                if not isinstance(item, dict):
                    raise rest.invalid_param_error("create", "create[0] is not of type object.")
                return order_json(create_order(store, item, the_shop.now(), user_id()))
            if action == "update":
                if not isinstance(item, dict):
                    raise rest.invalid_param_error("update", "update[0] is not of type object.")
                order = get_order(rest.as_int("id", item.get("id"), 1))
                return order_json(update_order(store, order, item, the_shop.now(), user_id()))
            order_id = rest.as_int("id", item, 1)
            return delete(store, get_order(order_id), True, the_shop.now())
    except ApiError as error:
        ident = item.get("id", 0) if isinstance(item, dict) else item
        return {"id": ident, "error": {"code": error.code, "message": error.message,
                                       "data": {"status": error.status}}}  # fmt: skip


@blueprint.get("/orders/<int:order_id>/notes")
def list_notes(order_id: int) -> Response:
    the_shop = shop()
    kind = rest.as_enum("type", rest.params().get("type", "any"), ("any", "customer", "internal"))
    with the_shop.store.lock:
        order = get_order(order_id, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        notes = [n for n in reversed(the_shop.store.notes.get(order.id, []))
                 if kind == "any" or n.customer_note == (kind == "customer")]  # fmt: skip
        return jsonify([serialize.note(n, site()) for n in notes])


@blueprint.post("/orders/<int:order_id>/notes")
def post_note(order_id: int) -> Response:
    the_shop = shop()
    data = rest.body()
    if not data.get("note"):
        raise ApiError("woocommerce_rest_invalid_order_note", "Cannot create order note, please try again.", 500,
                       bare=True)  # fmt: skip
    with the_shop.store.lock:
        order = get_order(order_id, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        by_user = rest.as_bool("added_by_user", data.get("added_by_user", False))
        note = add_note(the_shop.store, order, rest.as_str("note", data["note"]), the_shop.now(),
                        customer_note=rest.as_bool("customer_note", data.get("customer_note", False)),
                        author="admin" if by_user else "WooCommerce", by_user=by_user)  # fmt: skip
        return rest.created(serialize.note(note, site()), f"/wp-json/wc/v3/orders/{order.id}/notes/{note.id}")


@blueprint.get("/orders/<int:order_id>/notes/<int:note_id>")
def read_note(order_id: int, note_id: int) -> Response:
    the_shop = shop()
    with the_shop.store.lock:
        order = get_order(order_id, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
        for note in the_shop.store.notes.get(order.id, []):
            if note.id == note_id:
                return jsonify(serialize.note(note, site()))
    raise ApiError("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
