"""``/wc/v3/payment_gateways[/<id>]`` (read): whether a gateway can refund, as the real store tells it.

Shape of WooCommerce 10.0.2 (``WC_REST_Payment_Gateways_Controller``, and the keys the real store adds):
``method_supports`` is the gateway's ``supports``, ``["products", "refunds"]`` for one that refunds through
its API and ``["products"]`` for bacs, cheque and cod, so a sandbox gateway switched to ``can_refund: false``
(``/__sandbox/gateways/<id>``) answers what the connector must read before a refund. An unknown id answers
404 ``woocommerce_rest_payment_gateway_invalid`` "Resource does not exist." (``get_item``); an id outside the
route's ``[\\w-]+`` matches no route at all.
"""

from __future__ import annotations

import re
from typing import Any, Final

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.routes_orders import site
from sandboxes.woocommerce.serialize import Site, links
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Gateway

blueprint = Blueprint("wc_payment_gateways", __name__, url_prefix="/wp-json/wc/v3")
ROUTE_ID: Final = re.compile(r"[\w-]+")


def _json(gateway: Gateway, order: int, where: Site) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": gateway.id, "title": gateway.title, "description": "", "order": order, "enabled": True,
        "method_title": gateway.title, "method_description": "",
        "method_supports": ["products", "refunds"] if gateway.supports_refunds else ["products"],
        "settings": {"title": {"id": "title", "label": "Title", "description": "", "type": "safe_text",
                               "value": gateway.title, "default": gateway.title, "tip": "", "placeholder": ""}},
        "needs_setup": False, "post_install_scripts": [],
        "settings_url": f"{where.home_url}/wp-admin/admin.php?page=wc-settings&tab=checkout&section={gateway.id}",
        "connection_url": "", "setup_help_text": "", "required_settings_keys": [],
    }  # fmt: skip
    data["_links"] = links(where, f"payment_gateways/{gateway.id}", "payment_gateways")
    return rest.trim_fields(data)


@blueprint.get("/payment_gateways")
def list_gateways() -> Response:
    store = shop().store
    where = site()
    with store.lock:
        found = [_json(g, n, where) for n, g in enumerate(store.gateways.values())]
    response = jsonify(found)
    response.headers["X-WP-Total"] = str(len(found))
    response.headers["X-WP-TotalPages"] = "1" if found else "0"
    return response


@blueprint.get("/payment_gateways/<gateway_id>")
def read_gateway(gateway_id: str) -> Response:
    if not ROUTE_ID.fullmatch(gateway_id):
        raise ApiError("rest_no_route", "No route was found matching the URL and request method.", 404)
    store = shop().store
    where = site()
    with store.lock:
        for n, gateway in enumerate(store.gateways.values()):
            if gateway.id == gateway_id:
                return jsonify(_json(gateway, n, where))
    raise ApiError("woocommerce_rest_payment_gateway_invalid", "Resource does not exist.", 404)
