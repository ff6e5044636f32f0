"""Records -> the JSON WooCommerce REST v3 returns (shapes from the docs and the v2/v3 controllers).

Money goes out as strings with ``dp`` decimals; line-item ``price`` is a JSON number, as in WooCommerce.
Dates have no timezone suffix: ``date_x`` is site time, ``date_x_gmt`` is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sandboxes.woocommerce.orders import totals
from sandboxes.woocommerce.routes_uploads import image_path
from sandboxes.woocommerce.state import (
    Coupon,
    LineItem,
    Meta,
    Note,
    Order,
    Product,
    Refund,
    Store,
    Variation,
    Webhook,
)
from sandboxes.woocommerce.terms import UNCATEGORIZED, term

WC_VERSION = "9.9.3"
TAX_LINE_ID_BASE = 900_000_000  # tax lines are not stored; their synthetic item ids live far above real ones
_CITIES = {"FR": "Paris", "DE": "Berlin", "IT": "Milano", "ES": "Madrid", "NL": "Amsterdam", "US": "New York",
           "GB": "London", "JP": "Tokyo"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Site:
    tz: ZoneInfo
    home_url: str  # no trailing slash
    dp: int = 2

    def with_dp(self, dp: int) -> Site:
        return Site(self.tz, self.home_url, dp)


def money(amount: Decimal, dp: int) -> str:
    return str(amount.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def local(stamp: datetime | None, site: Site) -> str | None:
    if stamp is None:
        return None
    return stamp.astimezone(site.tz).replace(tzinfo=None).isoformat(timespec="seconds")


def gmt(stamp: datetime | None) -> str | None:
    if stamp is None:
        return None
    return stamp.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def dates(prefix: str, stamp: datetime | None, site: Site) -> dict[str, str | None]:
    return {prefix: local(stamp, site), f"{prefix}_gmt": gmt(stamp)}


def meta_list(meta: list[Meta] | None) -> list[dict[str, Any]]:
    return [{"id": m.id, "key": m.key, "value": m.value} for m in meta or ()]


def links(site: Site, path: str, collection: str, up: str | None = None) -> dict[str, Any]:
    base = f"{site.home_url}/wp-json/wc/v3/"
    result: dict[str, Any] = {
        "self": [{"href": base + path}],
        "collection": [{"href": base + collection}],
    }
    if up:
        result["up"] = [{"href": base + up}]
    return result


def _address(order: Order, with_email: bool) -> dict[str, str]:
    stored = order.billing if with_email else order.shipping
    if stored is not None:
        return dict(stored)
    result = {
        "first_name": order.first_name, "last_name": order.last_name, "company": "",
        "address_1": f"{order.id % 180 + 1} Market Street", "address_2": "",
        "city": _CITIES.get(order.country, "Springfield"), "state": "", "postcode": f"{10000 + order.id % 89999}",
        "country": order.country, "phone": "",
    }  # fmt: skip
    if with_email:
        result["email"] = order.email
    return result


def _line_meta(line: LineItem) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for index, (name, option) in enumerate(line.attrs):
        out.append({
            "id": line.id * 10 + index, "key": f"pa_{name.lower()}", "value": option.lower(),
            "display_key": name, "display_value": option,
        })  # fmt: skip
    for m in line.meta or ():
        out.append({"id": m.id, "key": m.key, "value": m.value, "display_key": m.key, "display_value": m.value})
    return out


def line_item(store: Store, line: LineItem, dp: int) -> dict[str, Any]:
    product = store.products.get(line.product_id)
    taxes = (
        [{"id": line.tax_rate_id, "total": money(line.total_tax, dp), "subtotal": money(line.subtotal_tax, dp)}]
        if line.tax_rate_id else []
    )  # fmt: skip
    return {
        "id": line.id, "name": line.name, "product_id": line.product_id, "variation_id": line.variation_id,
        "quantity": line.quantity, "tax_class": "", "subtotal": money(line.subtotal, dp),
        "subtotal_tax": money(line.subtotal_tax, dp), "total": money(line.total, dp),
        "total_tax": money(line.total_tax, dp), "taxes": taxes, "meta_data": _line_meta(line), "sku": line.sku,
        "price": float(line.total / line.quantity) if line.quantity else 0,
        "image": {"id": "", "src": ""},
        "parent_name": product.name if product is not None and line.variation_id else None,
    }  # fmt: skip


def _tax_lines(store: Store, order: Order, dp: int) -> list[dict[str, Any]]:
    cart: dict[int, Decimal] = {}
    shipping: dict[int, Decimal] = {}
    for line in order.lines:
        if line.tax_rate_id:
            cart[line.tax_rate_id] = cart.get(line.tax_rate_id, Decimal(0)) + line.total_tax
    for fee in order.fee_lines or ():  # a negative fee's tax is negative: it lowers the rate's cart tax
        if fee.tax_rate_id:
            cart[fee.tax_rate_id] = cart.get(fee.tax_rate_id, Decimal(0)) + fee.total_tax
    for ship in order.shipping_lines:
        if ship.tax_rate_id:
            shipping[ship.tax_rate_id] = shipping.get(ship.tax_rate_id, Decimal(0)) + ship.total_tax
    out = []
    for index, rate_id in enumerate(sorted(set(cart) | set(shipping))):
        rate = store.tax_rates.get(rate_id)
        label = rate.name if rate else "Tax"
        country = rate.country if rate else ""
        out.append({
            "id": TAX_LINE_ID_BASE + order.id * 4 + index,
            "rate_code": f"{country}-{label.upper().replace(' ', '')}-1", "rate_id": rate_id, "label": label,
            "compound": False, "tax_total": money(cart.get(rate_id, Decimal(0)), dp),
            "shipping_tax_total": money(shipping.get(rate_id, Decimal(0)), dp),
            "rate_percent": float(rate.rate * 100) if rate else 0, "meta_data": [],
        })  # fmt: skip
    return out


def order(store: Store, record: Order, site: Site) -> dict[str, Any]:
    dp = site.dp
    t = totals(record)
    refunds = [
        {"id": rid, "reason": store.refunds[rid].reason, "total": money(-store.refunds[rid].amount, dp)}
        for rid in reversed(record.refund_ids or ())
    ]
    needs_payment = record.status in ("pending", "failed") and t.total > 0
    data: dict[str, Any] = {
        "id": record.id, "parent_id": record.parent_id, "status": record.status, "currency": record.currency,
        "version": WC_VERSION, "prices_include_tax": record.prices_include_tax,
        **dates("date_created", record.created, site), **dates("date_modified", record.modified, site),
        "discount_total": money(t.discount_total, dp), "discount_tax": money(t.discount_tax, dp),
        "shipping_total": money(t.shipping_total, dp), "shipping_tax": money(t.shipping_tax, dp),
        "cart_tax": money(t.cart_tax, dp), "total": money(t.total, dp), "total_tax": money(t.total_tax, dp),
        "customer_id": record.customer_id, "order_key": record.order_key,
        "billing": _address(record, True), "shipping": _address(record, False),
        "payment_method": record.payment_method, "payment_method_title": record.payment_method_title,
        "transaction_id": record.transaction_id, "customer_ip_address": "", "customer_user_agent": "",
        "created_via": record.created_via, "customer_note": record.customer_note,
        **dates("date_completed", record.completed, site), **dates("date_paid", record.paid, site),
        "cart_hash": "", "number": str(record.id), "meta_data": meta_list(record.meta),
        "line_items": [line_item(store, line, dp) for line in record.lines],
        "tax_lines": _tax_lines(store, record, dp),
        "shipping_lines": [
            {
                "id": s.id, "method_title": s.method_title, "method_id": s.method_id, "instance_id": "",
                "total": money(s.total, dp), "total_tax": money(s.total_tax, dp),
                "taxes": [{"id": s.tax_rate_id, "total": money(s.total_tax, dp), "subtotal": ""}]
                if s.tax_rate_id else [], "meta_data": [],
            } for s in record.shipping_lines
        ],
        "fee_lines": [
            {
                "id": f.id, "name": f.name, "tax_class": "", "tax_status": f.tax_status, "amount": money(f.total, dp),
                "total": money(f.total, dp), "total_tax": money(f.total_tax, dp), "meta_data": [],
                "taxes": [{"id": f.tax_rate_id, "total": money(f.total_tax, dp), "subtotal": ""}]
                if f.tax_rate_id else [],
            } for f in record.fee_lines or ()
        ],
        "coupon_lines": [
            {"id": c.id, "code": c.code, "discount": money(c.discount, dp),
             "discount_tax": money(c.discount_tax, dp), "meta_data": []}
            for c in record.coupon_lines or ()
        ],
        "refunds": refunds,
        "payment_url": f"{site.home_url}/checkout/order-pay/{record.id}/?pay_for_order=true&key={record.order_key}",
        "is_editable": record.status in ("pending", "on-hold", "auto-draft"),
        "needs_payment": needs_payment, "needs_processing": True,
        "currency_symbol": {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}.get(record.currency, record.currency),
        "_links": links(site, f"orders/{record.id}", "orders"),
    }  # fmt: skip
    if record.customer_id:
        data["_links"]["customer"] = [{"href": f"{site.home_url}/wp-json/wc/v3/customers/{record.customer_id}"}]
    return data


def refund(store: Store, record: Refund, site: Site) -> dict[str, Any]:
    dp = site.dp
    items, shipping, fees = [], [], []
    for line in record.lines:
        base = {
            "id": line.id, "total": money(-line.total, dp), "total_tax": money(-line.tax, dp),
            "taxes": [{"id": line.tax_rate_id, "total": money(-line.tax, dp), "subtotal": money(-line.tax, dp)}]
            if line.tax_rate_id else [],
            "meta_data": [{"id": line.id * 10, "key": "_refunded_item_id", "value": str(line.item_id)}],
        }  # fmt: skip
        if line.kind == "shipping":
            shipping.append({"method_title": line.name, "method_id": "flat_rate", **base})
        elif line.kind == "fee":
            fees.append({"name": line.name, **base})
        else:
            items.append({
                "name": line.name, "product_id": line.product_id, "variation_id": line.variation_id,
                "quantity": -line.quantity, "tax_class": "", "subtotal": money(-line.total, dp),
                "subtotal_tax": money(-line.tax, dp), "sku": line.sku,
                "price": -float(line.total / line.quantity) if line.quantity else 0, **base,
            })  # fmt: skip
    return {
        "id": record.id, **dates("date_created", record.created, site), "amount": money(record.amount, dp),
        "reason": record.reason, "refunded_by": record.refunded_by, "refunded_payment": record.refunded_payment,
        "meta_data": meta_list(record.meta), "line_items": items, "shipping_lines": shipping, "tax_lines": [],
        "fee_lines": fees,
        "_links": links(site, f"orders/{record.order_id}/refunds/{record.id}",
                        f"orders/{record.order_id}/refunds", up=f"orders/{record.order_id}"),
    }  # fmt: skip


def note(record: Note, site: Site) -> dict[str, Any]:
    return {
        "id": record.id, "author": record.author, **dates("date_created", record.created, site),
        "note": record.note, "customer_note": record.customer_note,
        "_links": links(site, f"orders/{record.order_id}/notes/{record.id}", f"orders/{record.order_id}/notes",
                        up=f"orders/{record.order_id}"),
    }  # fmt: skip


def stock_status(quantity: int | None, manage: bool, backorders: str) -> str:
    if not manage or quantity is None or quantity > 0:
        return "instock"
    return "outofstock" if backorders == "no" else "onbackorder"


def variation(record: Variation, site: Site) -> dict[str, Any]:
    price = money(record.price, site.dp)
    status = stock_status(record.stock_quantity, record.manage_stock, record.backorders)
    return {
        "id": record.id, "parent_id": record.parent_id, **dates("date_created", record.created, site),
        **dates("date_modified", record.modified, site), "description": "",
        "permalink": f"{site.home_url}/?p={record.parent_id}&variation={record.id}", "sku": record.sku,
        "price": price, "regular_price": price, "sale_price": "", "on_sale": False, "status": record.status,
        "purchasable": True, "virtual": False, "downloadable": False, "tax_status": "taxable", "tax_class": "",
        "manage_stock": record.manage_stock,
        "stock_quantity": record.stock_quantity if record.manage_stock else None, "stock_status": status,
        "backorders": record.backorders, "backorders_allowed": record.backorders != "no",
        "backordered": False, "attributes": [{"id": 0, "name": n, "option": o} for n, o in record.attrs],
        "image": None, "menu_order": 0, "meta_data": meta_list(record.meta),
        "_links": links(site, f"products/{record.parent_id}/variations/{record.id}",
                        f"products/{record.parent_id}/variations", up=f"products/{record.parent_id}"),
    }  # fmt: skip


def product(store: Store, record: Product, site: Site) -> dict[str, Any]:
    price = money(record.price, site.dp)
    if record.variation_ids:
        statuses = {
            stock_status(v.stock_quantity, v.manage_stock, v.backorders)
            for v in (store.variations[vid] for vid in record.variation_ids)
        }
        status = "instock" if "instock" in statuses else ("onbackorder" if "onbackorder" in statuses else "outofstock")
    else:
        status = stock_status(record.stock_quantity, record.manage_stock, record.backorders)
    return {
        "id": record.id, "name": record.name, "slug": record.slug,
        "permalink": f"{site.home_url}/product/{record.slug}/", **dates("date_created", record.created, site),
        **dates("date_modified", record.modified, site), "type": record.product_type, "status": record.status,
        "featured": False, "catalog_visibility": "visible", "description": "", "short_description": "",
        "sku": record.sku, "price": price, "regular_price": price, "sale_price": "", "on_sale": False,
        "purchasable": True, "total_sales": 0, "virtual": False, "downloadable": False,
        "tax_status": "taxable", "tax_class": "", "manage_stock": record.manage_stock,
        "stock_quantity": record.stock_quantity if record.manage_stock else None, "stock_status": status,
        "backorders": record.backorders, "backorders_allowed": record.backorders != "no", "backordered": False,
        "categories": [term(store, "product_cat", name) for name in record.categories or [UNCATEGORIZED]],
        "tags": [term(store, "product_tag", name) for name in record.tags],
        "attributes": [
            {"id": 0, "name": name, "position": i, "visible": True, "variation": True, "options": options}
            for i, (name, options) in enumerate(record.attributes)
        ],
        "images": [{"id": record.id, "src": site.home_url + image_path(record.id), "name": record.slug,
                    "alt": record.name}],
        "variations": list(record.variation_ids), "meta_data": meta_list(record.meta),
        "_links": links(site, f"products/{record.id}", "products"),
    }  # fmt: skip


def coupon(record: Coupon, site: Site) -> dict[str, Any]:
    dp = site.dp
    return {
        "id": record.id, "code": record.code, "amount": money(record.amount, dp), "status": record.status,
        **dates("date_created", record.created, site), **dates("date_modified", record.modified, site),
        "discount_type": record.discount_type, "description": record.description,
        **dates("date_expires", record.date_expires, site), "usage_count": record.usage_count,
        "individual_use": record.individual_use, "product_ids": list(record.product_ids),
        "excluded_product_ids": list(record.excluded_product_ids), "usage_limit": record.usage_limit,
        "usage_limit_per_user": record.usage_limit_per_user, "limit_usage_to_x_items": None,
        "free_shipping": record.free_shipping, "product_categories": [], "excluded_product_categories": [],
        "exclude_sale_items": record.exclude_sale_items, "minimum_amount": money(record.minimum_amount, dp),
        "maximum_amount": money(record.maximum_amount, dp), "email_restrictions": list(record.email_restrictions),
        "used_by": list(record.used_by), "meta_data": meta_list(record.meta),
        "_links": links(site, f"coupons/{record.id}", "coupons"),
    }  # fmt: skip


def webhook(record: Webhook, site: Site) -> dict[str, Any]:
    resource, _, event = record.topic.partition(".")
    return {
        "id": record.id, "name": record.name, "status": record.status, "topic": record.topic,
        "resource": resource, "event": event, "hooks": hooks_for(record.topic),
        "delivery_url": record.delivery_url, **dates("date_created", record.created, site),
        **dates("date_modified", record.modified, site),
        "_links": links(site, f"webhooks/{record.id}", "webhooks"),
    }  # fmt: skip


def hooks_for(topic: str) -> list[str]:
    resource, _, event = topic.partition(".")
    if resource == "action":
        return [event]
    if resource == "order" and event == "updated":
        return ["woocommerce_update_order", "woocommerce_order_refunded"]
    return {
        "created": [f"woocommerce_new_{resource}"], "updated": [f"woocommerce_update_{resource}"],
        "deleted": ["wp_trash_post"], "restored": ["untrashed_post"],
    }.get(event, [])  # fmt: skip
