"""``/wp-json/`` and ``/wp-json/wc/v3`` indexes and a minimal ``system_status``: cheap read checks."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import settings
from sandboxes.woocommerce.serialize import WC_VERSION
from sandboxes.woocommerce.shop import shop

blueprint = Blueprint("wc_index", __name__)


@blueprint.get("/wp-json/")
@blueprint.get("/wp-json")
def wp_index() -> Response:
    site = shop().site()
    return jsonify({
        "name": "Sandbox Shop", "description": "WooCommerce sandbox", "url": site.home_url,
        "home": site.home_url, "gmt_offset": 0, "timezone_string": shop().options.timezone,
        "namespaces": ["wc/v3", "wc-auth/v1"], "authentication": [], "routes": {},
    })  # fmt: skip


@blueprint.get("/wp-json/wc/v3")
@blueprint.get("/wp-json/wc/v3/")
def wc_index() -> Response:
    return jsonify({"namespace": "wc/v3", "routes": {}})


@blueprint.get("/wp-json/wc/v3/system_status")
def system_status() -> Response:
    site = shop().site()
    return jsonify({
        "environment": {"home_url": site.home_url, "site_url": site.home_url, "version": WC_VERSION,
                        "wp_version": "6.8.2", "wp_multisite": False, "default_timezone": "UTC"},
        "database": {}, "active_plugins": _plugins(), "theme": {}, "settings": {
            "api_enabled": True, "currency": settings.currency(shop().store), "currency_symbol": "€",
            "currency_position": "right_space",
            "thousand_separator": " ", "decimal_separator": ",", "number_of_decimals": 2,
            "geolocation_enabled": False, "taxonomies": {}},
        "security": {"secure_connection": False, "hide_errors": True}, "pages": [],
    })  # fmt: skip


def _plugins() -> list[dict[str, str]]:
    plugins = [{"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": WC_VERSION}]
    if shop().options.store_credit_type:
        plugins.append({"plugin": "woocommerce-smart-coupons/woocommerce-smart-coupons.php",
                        "name": "WooCommerce Smart Coupons", "version": "9.40.0"})  # fmt: skip
    return plugins
