"""``POST /orders`` and ``PUT /orders/<id>`` bodies applied to the store (v2/v3 orders controllers).

Created orders are taxed as WooCommerce taxes them (``taxes.calculate_totals``, by the store's tax settings
and the order's country). Without prices a line costs the product's price excluding tax x quantity, as
WooCommerce does; send ``subtotal``/``total`` ``"0"`` for a free exchange. A ``fixed_cart`` coupon in
``coupon_lines`` comes off before or after tax as the store's settings say (``coupon_apply``). There is no
stock check, and stock is taken once the order is paid.
"""

from __future__ import annotations

import fnmatch
import hashlib
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sandboxes.woocommerce import rest, settings, taxes
from sandboxes.woocommerce.coupon_apply import apply_fixed_cart
from sandboxes.woocommerce.errors import ApiError, invalid_param
from sandboxes.woocommerce.orders import STATUSES, add_note, remaining_refund_amount, set_status
from sandboxes.woocommerce.refunds import RefundRequest, create_refund
from sandboxes.woocommerce.state import (
    ZERO,
    Coupon,
    CouponLine,
    FeeLine,
    LineItem,
    Meta,
    Order,
    ShippingLine,
    Store,
)

ADDRESS_FIELDS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode",
                  "country", "email", "phone")  # fmt: skip
CENT = Decimal("0.01")


def _line(store: Store, raw: Any) -> LineItem:
    if not isinstance(raw, dict):
        raise invalid_param("line_items", "line_items[0] is not of type object.")
    product_id = rest.as_int("product_id", raw.get("product_id") or 0, 0)
    variation_id = rest.as_int("variation_id", raw.get("variation_id") or 0, 0)
    sku = raw.get("sku")
    if not product_id and not variation_id and isinstance(sku, str) and sku:
        variation_id = next((v.id for v in store.variations.values() if v.sku == sku), 0)
        product_id = next((p.id for p in store.products.values() if p.sku == sku), 0)
    variation = store.variations.get(variation_id) if variation_id else None
    if variation_id and variation is None:
        raise ApiError("woocommerce_rest_invalid_product_id", "Product ID provided is invalid.", 400)
    if variation is not None:
        product_id = variation.parent_id
    product = store.products.get(product_id)
    if product is None:
        raise ApiError("woocommerce_rest_invalid_product_id", "Product ID provided is invalid.", 400)
    quantity = rest.as_int("quantity", raw.get("quantity", 1), 1)
    price = variation.price if variation is not None else product.price
    net = taxes.net_price(store, price, quantity)
    subtotal = rest.as_money("subtotal", raw["subtotal"]) if "subtotal" in raw else net
    total = rest.as_money("total", raw["total"]) if "total" in raw else subtotal
    attrs = variation.attrs if variation is not None else ()
    name = raw.get("name") if isinstance(raw.get("name"), str) else None
    if name is None:
        name = product.name + (" - " + ", ".join(option for _, option in attrs) if attrs else "")
    meta = [store.meta(str(m["key"]), m.get("value")) for m in rest.as_meta("meta_data", raw.get("meta_data", []))]
    return LineItem(store.item_id(), name, product_id, variation_id, quantity, subtotal, ZERO, total, ZERO, 0,
                    variation.sku if variation is not None else product.sku, attrs, meta or None)  # fmt: skip


def _address(raw: Any, name: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise invalid_param(name, f"{name} is not of type object.")
    return {key: rest.as_str(f"{name}[{key}]", raw.get(key, "")) for key in ADDRESS_FIELDS
            if key != "email" or name == "billing"}  # fmt: skip


def _meta_update(store: Store, current: list[Meta] | None, raw: Any) -> list[Meta] | None:
    """WooCommerce: an entry with ``id`` updates that row; without, it replaces the key's value or adds it."""
    rows = list(current or [])
    for item in rest.as_meta("meta_data", raw):
        key, value = str(item["key"]), item.get("value")
        target = next((m for m in rows if "id" in item and m.id == item["id"]), None)
        target = target or next((m for m in rows if "id" not in item and m.key == key), None)
        if target is not None:
            target.key, target.value = key, value
        else:
            rows.append(store.meta(key, value))
    return rows or None


def create_order(store: Store, data: dict[str, Any], now: datetime, user_id: int) -> Order:
    with store.lock:
        customer_id = rest.as_int("customer_id", data.get("customer_id", 0) or 0, 0)
        if customer_id and customer_id != 1 and customer_id not in store.customers:
            raise ApiError("woocommerce_rest_invalid_customer_id", "Customer ID is invalid.", 400)
        status = rest.as_enum("status", data.get("status", "pending"), STATUSES)
        billing = _address(data.get("billing", {}), "billing")
        shipping = _address(data.get("shipping", {}), "shipping")
        lines = [_line(store, raw) for raw in rest.as_list("line_items", data.get("line_items", []))]
        ships = [
            ShippingLine(store.item_id(), rest.as_str("method_id", s.get("method_id", "")),
                         rest.as_str("method_title", s.get("method_title", "")),
                         rest.as_money("total", s.get("total", "0")), ZERO, 0)
            for s in rest.as_list("shipping_lines", data.get("shipping_lines", [])) if isinstance(s, dict)
        ]  # fmt: skip
        fees = [
            FeeLine(store.item_id(), rest.as_str("name", f.get("name", "")),
                    rest.as_money("total", f.get("total", "0")), ZERO,
                    rest.as_str("tax_status", f.get("tax_status", "none")))
            for f in rest.as_list("fee_lines", data.get("fee_lines", [])) if isinstance(f, dict)
        ]  # fmt: skip
        gateway_id = rest.as_str("payment_method", data.get("payment_method", ""))
        gateway = store.gateways.get(gateway_id)
        title = data.get("payment_method_title") or (gateway.title if gateway else "")
        order_id = store.post_id()
        currency = rest.as_str("currency", data.get("currency") or settings.currency(store))  # the store's
        order = Order(
            order_id, "pending", currency, now, now, customer_id,
            billing.get("first_name", ""), billing.get("last_name", ""), billing.get("email", ""),
            billing.get("country", ""), gateway_id, rest.as_str("payment_method_title", title),
            settings.prices_include_tax(store),
            "wc_order_" + hashlib.sha256(f"{order_id}".encode()).hexdigest()[:13], lines, ships,
            parent_id=rest.as_int("parent_id", data.get("parent_id", 0) or 0, 0), created_via="rest-api",
            transaction_id=rest.as_str("transaction_id", data.get("transaction_id", "")),
            customer_note=rest.as_str("customer_note", data.get("customer_note", "")), fee_lines=fees or None,
            meta=_meta_update(store, None, data.get("meta_data", [])), billing=billing, shipping=shipping,
        )  # fmt: skip
        codes = [c.get("code") for c in rest.as_list("coupon_lines", data.get("coupon_lines", []))
                 if isinstance(c, dict)]  # fmt: skip
        for code in codes:
            apply_coupon(store, order, rest.as_str("code", code), now)
        taxes.calculate_totals(store, order)
        store.orders[order_id] = order
        set_paid = rest.as_bool("set_paid", data.get("set_paid", False))
        if set_paid:
            order.paid = now
            status = "processing" if status == "pending" else status
        if status != "pending":
            set_status(store, order, status, now)
        store.emit("order", "created", order.id)
        return order


def update_order(store: Store, order: Order, data: dict[str, Any], now: datetime, user_id: int) -> Order:
    with store.lock:
        if "billing" in data:
            billing = {**(order.billing or {}), **_address_partial(data["billing"], "billing")}
            order.billing = billing
            order.email = billing.get("email", order.email)
        if "shipping" in data:
            order.shipping = {**(order.shipping or {}), **_address_partial(data["shipping"], "shipping")}
        if "meta_data" in data:
            order.meta = _meta_update(store, order.meta, data["meta_data"])
        if "customer_note" in data:
            order.customer_note = rest.as_str("customer_note", data["customer_note"])
        if "transaction_id" in data:
            order.transaction_id = rest.as_str("transaction_id", data["transaction_id"])
        if "parent_id" in data:
            order.parent_id = rest.as_int("parent_id", data["parent_id"], 0)
        if rest.as_bool("set_paid", data.get("set_paid", False)) and order.paid is None:
            order.paid = now
            if order.status in ("pending", "failed", "on-hold"):
                set_status(store, order, "processing", now)
        if "status" in data:
            status = rest.as_enum("status", data["status"], STATUSES)
            if status == "refunded" and remaining_refund_amount(store, order) > 0:
                # wc_order_fully_refunded: the remainder is refunded without the gateway
                create_refund(store, order, RefundRequest(
                    remaining_refund_amount(store, order),
                    "Order status set to refunded. To return funds to the customer you will need to issue a "
                    "refund through your payment gateway.", [], False, False, [], user_id,
                ), now)  # fmt: skip
            set_status(store, order, status, now)
        order.modified = now
        store.emit("order", "updated", order.id)
        return order


def _address_partial(raw: Any, name: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise invalid_param(name, f"{name} is not of type object.")
    return {key: rest.as_str(f"{name}[{key}]", value) for key, value in raw.items() if key in ADDRESS_FIELDS}


def _coupon_error(message: str) -> ApiError:
    return ApiError("woocommerce_rest_invalid_coupon", message, 400)


def check_coupon(store: Store, code: str, email: str, now: datetime) -> Coupon:
    """``WC_Discounts::is_coupon_valid`` for the checks the connector can trip over."""
    coupon_id = store.coupon_codes.get(code.lower())
    coupon = store.coupons.get(coupon_id) if coupon_id is not None else None
    if coupon is None or coupon.status != "publish":
        raise _coupon_error(f'Coupon "{code}" does not exist!')
    if coupon.date_expires is not None and coupon.date_expires < now:
        raise _coupon_error(f"Coupon &quot;{coupon.code}&quot; has expired.")  # WooCommerce 10.0.2, HTML-escaped
    if coupon.usage_limit is not None and coupon.usage_count >= coupon.usage_limit:
        raise _coupon_error("Coupon usage limit has been reached.")
    if coupon.email_restrictions and not any(
        fnmatch.fnmatch(email.lower(), pattern.lower()) for pattern in coupon.email_restrictions
    ):
        raise _coupon_error(f'Sorry, it seems the coupon "{code}" is not yours - it has now been removed from '
                            "your order.")  # fmt: skip
    if coupon.discount_type == "smart_coupon" and coupon.amount <= 0:
        raise _coupon_error(f'Coupon "{code}" has no balance left.')
    return coupon


def apply_coupon(store: Store, order: Order, code: str, now: datetime) -> None:
    coupon = check_coupon(store, code, order.email, now)
    if coupon.discount_type == "fixed_cart":  # before or after tax by the store's settings: coupon_apply.py
        discount, discount_tax = apply_fixed_cart(store, order, coupon.amount)
    else:
        discount, discount_tax = _apply_to_totals(order, coupon), ZERO
    if coupon.discount_type == "smart_coupon":
        coupon.amount -= discount  # Smart Coupons draws the balance down
    coupon.usage_count += 1
    coupon.used_by.append(order.email or str(order.customer_id))
    coupon.modified = now
    order.coupon_lines = [*(order.coupon_lines or []), CouponLine(store.item_id(), coupon.code, discount, discount_tax)]
    add_note(store, order, f"Coupon code applied: {coupon.code}", now)


def _apply_to_totals(order: Order, coupon: Coupon) -> Decimal:
    """Percent, fixed_product and smart_coupon (store credit): taken off the lines' net totals."""
    base = sum((line.total for line in order.lines), ZERO)
    if coupon.discount_type == "percent":
        wanted = (base * coupon.amount / 100).quantize(CENT, rounding=ROUND_DOWN)
    elif coupon.discount_type == "fixed_product":
        wanted = sum((min(line.total, coupon.amount * line.quantity) for line in order.lines), ZERO)
    else:  # smart_coupon: a fixed amount off the cart
        wanted = coupon.amount
    discount = min(wanted, base)
    _spread(order.lines, discount)
    return discount


def _spread(lines: list[LineItem], discount: Decimal) -> None:
    """Allocate a cart discount over the lines pro rata; the last line takes the rounding remainder."""
    base = sum((line.total for line in lines), ZERO)
    if not base or not discount:
        return
    left = discount
    for index, line in enumerate(lines):
        share = left if index == len(lines) - 1 else (discount * line.total / base).quantize(CENT, ROUND_DOWN)
        share = min(share, line.total)
        line.total -= share
        left -= share
