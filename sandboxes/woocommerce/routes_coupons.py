"""``/wc/v3/coupons``: list (``code``/``search``), create, get, update, delete.

Codes are lower-cased and unique (duplicate -> 400 ``woocommerce_rest_coupon_code_already_exists``), so a
deterministic code doubles as an idempotency key. ``smart_coupon`` (Smart Coupons store credit) is only a
valid ``discount_type`` when the sandbox runs with ``store_credit_type``. As in WooCommerce 10.0.2, only
``date_expires`` (site time, or with an offset) sets the expiry: ``date_expires_gmt`` is read-only in effect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError, missing_param
from sandboxes.woocommerce.routes_orders import site
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Coupon, Store

blueprint = Blueprint("wc_coupons", __name__, url_prefix="/wp-json/wc/v3")
_CORE_TYPES = ("percent", "fixed_cart", "fixed_product")


def _types() -> tuple[str, ...]:
    return (*_CORE_TYPES, "smart_coupon") if shop().options.store_credit_type else _CORE_TYPES


def _get(coupon_id: int) -> Coupon:
    coupon = shop().store.coupons.get(coupon_id)
    if coupon is None:
        raise ApiError("woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.", 404)
    return coupon


def _optional_int(name: str, value: Any) -> int | None:
    return None if value in (None, "") else rest.as_int(name, value, 0)


def _apply(store: Store, coupon: Coupon, data: dict[str, Any], now: datetime) -> None:
    the_shop = shop()
    if "code" in data:
        code = rest.as_str("code", data["code"]).strip().lower()
        owner = store.coupon_codes.get(code)
        if owner is not None and owner != coupon.id:
            raise ApiError("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400)
        store.coupon_codes.pop(coupon.code, None)
        coupon.code = code
    if "discount_type" in data:
        coupon.discount_type = rest.as_enum("discount_type", data["discount_type"], _types())
    if "amount" in data:
        coupon.amount = rest.as_money("amount", data["amount"])
    if "description" in data:
        coupon.description = rest.as_str("description", data["description"])
    if "date_expires" in data:  # date_expires_gmt is accepted and ignored: WC_Coupon has no setter for it
        value = data["date_expires"]
        coupon.date_expires = None if value in (None, "") else rest.as_date("date_expires", value, the_shop.tz, False)
    for flag in ("individual_use", "free_shipping", "exclude_sale_items"):
        if flag in data:
            setattr(coupon, flag, rest.as_bool(flag, data[flag]))
    for name in ("usage_limit", "usage_limit_per_user"):
        if name in data:
            setattr(coupon, name, _optional_int(name, data[name]))
    for name in ("product_ids", "excluded_product_ids"):
        if name in data:
            setattr(coupon, name, [rest.as_int(name, v, 0) for v in rest.as_list(name, data[name])])
    if "email_restrictions" in data:
        emails = rest.as_list("email_restrictions", data["email_restrictions"])
        coupon.email_restrictions = [rest.as_str("email_restrictions", e).strip().lower() for e in emails]
    for name in ("minimum_amount", "maximum_amount"):
        if name in data:
            setattr(coupon, name, rest.as_money(name, data[name] or "0"))
    if "status" in data:
        coupon.status = rest.as_enum("status", data["status"], ("publish", "draft", "pending", "private"))
    if "meta_data" in data:
        for item in rest.as_meta("meta_data", data["meta_data"]):
            existing = next((m for m in coupon.meta if m.key == item["key"]), None)
            if existing is not None:
                existing.value = item.get("value")
            else:
                coupon.meta.append(store.meta(str(item["key"]), item.get("value")))
    coupon.modified = now
    store.coupon_codes[coupon.code] = coupon.id


@blueprint.get("/coupons")
def list_coupons() -> Response:
    store = shop().store
    p = rest.params()
    page, per_page, offset = rest.page_window(0)
    code = str(p.get("code") or "").strip().lower()
    search = str(p.get("search") or "").strip().lower()
    direction = rest.as_enum("order", p.get("order", "desc"), ("asc", "desc"))
    with store.lock:
        found = [c for c in store.coupons.values() if c.status != "trash"
                 and (not code or c.code == code) and (not search or search in c.code)]  # fmt: skip
        found.sort(key=lambda c: (c.created, c.id), reverse=direction == "desc")
        items = [rest.trim_fields(serialize.coupon(c, site())) for c in found[offset:offset + per_page]]
    return rest.paginated(items, len(found), page, per_page)


@blueprint.post("/coupons")
def post_coupon() -> Response:
    the_shop = shop()
    store = the_shop.store
    data = rest.body()
    if not data.get("code"):
        raise missing_param("code")
    now = the_shop.now()
    with store.lock:
        code = rest.as_str("code", data["code"]).strip().lower()
        if code in store.coupon_codes and store.coupons[store.coupon_codes[code]].status != "trash":
            raise ApiError("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400)
        coupon = Coupon(0, code, "fixed_cart", rest.as_money("amount", "0"), now, now)
        store.coupon_codes.pop(code, None)  # a trashed coupon gives its code up
        _apply(store, coupon, {**data, "code": code}, now)  # validates before the id is taken
        store.coupon_codes.pop(code, None)
        coupon.id = store.post_id()
        store.coupons[coupon.id] = coupon
        store.coupon_codes[code] = coupon.id
        store.emit("coupon", "created", coupon.id)
        return rest.created(serialize.coupon(coupon, site()), f"/wp-json/wc/v3/coupons/{coupon.id}")


@blueprint.get("/coupons/<int:coupon_id>")
def read_coupon(coupon_id: int) -> Response:
    with shop().store.lock:
        return jsonify(serialize.coupon(_get(coupon_id), site()))


@blueprint.route("/coupons/<int:coupon_id>", methods=["PUT", "PATCH", "POST"])
def put_coupon(coupon_id: int) -> Response:
    the_shop = shop()
    with the_shop.store.lock:
        coupon = _get(coupon_id)
        _apply(the_shop.store, coupon, rest.body(), the_shop.now())
        the_shop.store.emit("coupon", "updated", coupon.id)
        return jsonify(serialize.coupon(coupon, site()))


@blueprint.delete("/coupons/<int:coupon_id>")
def delete_coupon(coupon_id: int) -> Response:
    the_shop = shop()
    store = the_shop.store
    force = rest.as_bool("force", rest.params().get("force", False))
    with store.lock:
        coupon = _get(coupon_id)
        data = serialize.coupon(coupon, site())
        if force:
            del store.coupons[coupon.id]
            store.coupon_codes.pop(coupon.code, None)
        else:
            coupon.status = "trash"
            data = serialize.coupon(coupon, site())
        store.emit("coupon", "deleted", coupon.id)
        return jsonify(data)
