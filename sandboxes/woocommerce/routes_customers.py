"""``/wc/v3/customers``: read-only lookups (by id, or ``email=``) for registered customers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.routes_orders import site
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Customer

blueprint = Blueprint("wc_customers", __name__, url_prefix="/wp-json/wc/v3")


def customer_json(customer: Customer, the_site: serialize.Site) -> dict[str, Any]:
    created = None  # the sandbox does not track registration dates
    return {
        "id": customer.id, **serialize.dates("date_created", created, the_site),
        **serialize.dates("date_modified", created, the_site), "email": customer.email,
        "first_name": customer.first_name, "last_name": customer.last_name, "role": "customer",
        "username": customer.email.split("@")[0],
        "billing": {"first_name": customer.first_name, "last_name": customer.last_name, "email": customer.email},
        "shipping": {"first_name": customer.first_name, "last_name": customer.last_name},
        "is_paying_customer": True, "avatar_url": "", "meta_data": [],
        "_links": serialize.links(the_site, f"customers/{customer.id}", "customers"),
    }  # fmt: skip


@blueprint.get("/customers")
def list_customers() -> Response:
    store = shop().store
    p = rest.params()
    page, per_page, offset = rest.page_window(0)
    email = str(p.get("email") or "").strip().lower()
    search = str(p.get("search") or "").strip().lower()
    with store.lock:
        if email:
            found_id = store.customer_emails.get(email)
            found = [store.customers[found_id]] if found_id is not None else []
        else:
            found = [c for c in store.customers.values()
                     if not search or search in f"{c.email} {c.first_name} {c.last_name}".lower()]  # fmt: skip
        items = [customer_json(c, site()) for c in found[offset:offset + per_page]]
    return rest.paginated(items, len(found), page, per_page)


@blueprint.get("/customers/<int:customer_id>")
def read_customer(customer_id: int) -> Response:
    store = shop().store
    with store.lock:
        customer = store.customers.get(customer_id)
        if customer is None:
            raise ApiError("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
        return jsonify(customer_json(customer, site()))
