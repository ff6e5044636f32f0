"""``OPTIONS`` on a REST route answers its JSON schema, as WordPress does (no permission check).

Clients use it to discover plugins: Smart Coupons adds ``smart_coupon`` to the coupon ``discount_type``
enum, which is how the connector can tell that store credit with a balance is available.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandboxes.woocommerce.shop import shop

blueprint = Blueprint("wc_schema", __name__)
_TITLES = {"orders": "shop_order", "coupons": "shop_coupon", "products": "product", "webhooks": "webhook",
           "refunds": "shop_order_refund", "notes": "order_note", "variations": "product_variation",
           "customers": "customer"}  # fmt: skip


def _coupon_properties() -> dict[str, Any]:
    types = ["percent", "fixed_cart", "fixed_product"]
    if shop().options.store_credit_type:
        types.append("smart_coupon")
    string, integer, boolean = {"type": "string"}, {"type": ["integer", "null"]}, {"type": "boolean"}
    return {
        "id": {"type": "integer", "readonly": True}, "code": string, "amount": string,
        "discount_type": {"type": "string", "enum": types, "default": "fixed_cart"}, "description": string,
        "date_expires": {"type": ["null", "string"]}, "date_expires_gmt": {"type": ["null", "string"]},
        "usage_count": {"type": "integer", "readonly": True}, "individual_use": boolean,
        "product_ids": {"type": "array"}, "excluded_product_ids": {"type": "array"}, "usage_limit": integer,
        "usage_limit_per_user": integer, "free_shipping": boolean, "exclude_sale_items": boolean,
        "minimum_amount": string, "maximum_amount": string, "email_restrictions": {"type": "array"},
        "used_by": {"type": "array", "readonly": True}, "meta_data": {"type": "array"},
    }  # fmt: skip


def options_response() -> Response | None:
    """Before-request hook: answer OPTIONS for any known ``/wp-json/wc/v3/...`` route."""
    if request.method != "OPTIONS" or not request.path.startswith("/wp-json/wc/v3/") or request.url_rule is None:
        return None
    parts = [p for p in request.path.removeprefix("/wp-json/wc/v3/").split("/") if p and not p.isdigit()]
    resource = parts[-1] if parts else ""
    allowed = request.url_rule.map.bind_to_environ(request.environ).allowed_methods()
    methods = sorted(m for m in allowed if m not in ("OPTIONS", "HEAD"))
    properties = _coupon_properties() if resource == "coupons" else {}
    return jsonify({
        "namespace": "wc/v3", "methods": methods,
        "endpoints": [{"methods": [m], "args": {}} for m in methods],
        "schema": {"$schema": "http://json-schema.org/draft-04/schema#", "title": _TITLES.get(resource, resource),
                   "type": "object", "properties": properties},
    })  # fmt: skip


blueprint.before_app_request(options_response)
