"""Flask factory for the WooCommerce sandbox shop, and a helper that serves it on 127.0.0.1 in a thread.

The sandbox speaks WooCommerce REST v3 for what the connector uses, keeps everything in memory, and
adds ``/__sandbox/...`` endpoints so tests can look at the shop's records and switch faults on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from sandboxes.kit import serving
from sandboxes.kit.faults import Faults
from sandboxes.woocommerce import (
    routes_coupons,
    routes_customers,
    routes_gateways,
    routes_index,
    routes_orders,
    routes_plugin,
    routes_products,
    routes_refunds,
    routes_sandbox,
    routes_schema,
    routes_settings,
    routes_uploads,
    routes_webhooks,
    seeding,
    serialize,
    settings,
    wcauth,
)
from sandboxes.woocommerce.auth import Authenticator, new_key
from sandboxes.woocommerce.errors import ApiError, error_response, fault_body
from sandboxes.woocommerce.shop import EXTENSION, SandboxOptions, Shop, shop_of
from sandboxes.woocommerce.state import Store
from sandboxes.woocommerce.webhooks import Dispatcher


def create_app(options: SandboxOptions | None = None) -> Flask:
    opts = options or SandboxOptions()
    app = Flask("woocommerce_sandbox")
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    store = Store()
    seeding.load(store, opts.seed, opts.orders, opts.now or datetime.now(UTC))
    settings.configure(store, currency=opts.currency, calc_taxes=opts.calc_taxes,
                       prices_include_tax=opts.prices_include_tax)
    for gateway in store.gateways.values():
        gateway.delay_ms = opts.gateway_delay_ms
    key = new_key(store, 1, "sandbox default key", opts.key_permissions, opts.consumer_key, opts.consumer_secret)
    faults = Faults(opts.faults, error_body=fault_body)
    holder: dict[str, Shop] = {}

    def build(resource: str, resource_id: int) -> dict[str, Any] | None:
        return _payload(holder["shop"], resource, resource_id)

    dispatcher = Dispatcher(store, faults, build, lambda: holder["shop"].home_url,
                            batch_delay_s=opts.webhook_batch_delay_s, timeout_s=opts.webhook_timeout_s)  # fmt: skip
    tz = ZoneInfo(opts.timezone)
    the_shop = Shop(store, opts, faults, dispatcher, tz)
    holder["shop"] = the_shop
    app.extensions[EXTENSION] = the_shop
    app.config["WC_DEFAULT_KEY"] = (key.consumer_key, key.consumer_secret)

    faults.install(app, exempt_prefixes=("/__sandbox",))  # network faults come before anything else

    @app.before_request
    def remember_home() -> None:
        if not the_shop.home_url:
            the_shop.home_url = request.host_url.rstrip("/")

    Authenticator(store, basic_over_http=opts.basic_over_http).install(app)
    _register_routes(app)
    _register_errors(app)
    return app


def _payload(the_shop: Shop, resource: str, resource_id: int) -> dict[str, Any] | None:
    """Webhook payload at send time: the resource's v3 JSON (no request context here)."""
    site = serialize.Site(the_shop.tz, the_shop.home_url)
    store = the_shop.store
    if resource == "order" and resource_id in store.orders:
        return serialize.order(store, store.orders[resource_id], site)
    if resource == "coupon" and resource_id in store.coupons:
        return serialize.coupon(store.coupons[resource_id], site)
    if resource == "product" and resource_id in store.products:
        return serialize.product(store, store.products[resource_id], site)
    return None


def _register_routes(app: Flask) -> None:
    for module in (routes_schema, routes_index, routes_orders, routes_refunds, routes_coupons, routes_products,
                   routes_customers, routes_webhooks, routes_sandbox, routes_settings, routes_gateways,
                   routes_uploads, routes_plugin, wcauth):  # fmt: skip
        app.register_blueprint(module.blueprint)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error.response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if request.path.startswith("/wp-json") and status in (404, 405):
            return error_response("rest_no_route", "No route was found matching the URL and request method.", 404)
        if status == 413:
            return error_response("woocommerce_rest_request_entity_too_large", "Request entity too large.", 413)
        return error_response(f"http_{status}", error.description or error.name, status)

    @app.errorhandler(Exception)
    def crash(error: Exception) -> Response:
        app.logger.exception("sandbox error: %r", error)
        return error_response("internal_server_error", "There has been a critical error on this website.", 500)


def start_in_thread(options: SandboxOptions | None = None) -> tuple[str, Callable[[], None]]:
    """Serve on 127.0.0.1:<free port>; returns (base_url, stop)."""
    app = create_app(options)
    the_shop = shop_of(app)

    def bound(base_url: str) -> None:
        the_shop.home_url = base_url

    return serving.start_in_thread(app, name="wc-sandbox", on_bound=bound, on_stop=the_shop.dispatcher.stop)
