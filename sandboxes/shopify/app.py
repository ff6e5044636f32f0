"""Flask app factory for the Shopify sandbox shop."""

from __future__ import annotations

import gc
from typing import Final

from flask import Flask, Response, jsonify

from sandboxes.kit.faults import Faults
from sandboxes.kit.seed import orders
from sandboxes.shopify import admin, admin_catalogue, admin_frame, oauth
from sandboxes.shopify.cost import LeakyBucket
from sandboxes.shopify.graphql_endpoint import GraphQLEndpoint, throttled_body
from sandboxes.shopify.options import SandboxOptions
from sandboxes.shopify.schema import load_schema
from sandboxes.shopify.state import Shop, utcnow
from sandboxes.shopify.webhooks import COMPLIANCE_TOPICS, Dispatcher

_FREEZE_FROM: Final = 10_000


def _error_body(status: int) -> Response:
    """Shopify's 5xx answers carry a short ``errors`` string."""
    text = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
    response = jsonify({"errors": text})
    response.status_code = status
    return response


def create_app(options: SandboxOptions | None = None) -> Flask:
    """Build the shop (seeded, streamed in), its GraphQL endpoint, OAuth, webhooks and /__sandbox helpers."""
    options = options or SandboxOptions()
    shop = Shop(name=options.shop_name, domain=options.shop_domain, seed=options.seed, products=options.products,
                currency=options.currency)  # fmt: skip
    shop.load(orders(options.seed, options.orders, shop.catalogue, options.now or utcnow()))
    if options.orders >= _FREEZE_FROM:
        gc.freeze()  # the seed lives as long as the process: keep the collector from rescanning it
    faults = Faults(options.faults, error_body=_error_body)
    extra = dict.fromkeys(COMPLIANCE_TOPICS, options.compliance_uri) if options.compliance_uri else {}
    dispatcher = Dispatcher(shop, options.api_secret, faults, options.webhook_retry_schedule,
                            options.min_api_version, extra, options.webhook_timeout)  # fmt: skip
    tokens = oauth.TokenStore(options.access_token, options.token_ttl, options.strict_refresh_rotation)
    bucket = LeakyBucket(options.bucket_size, options.restore_rate)
    endpoint = GraphQLEndpoint(load_schema(), shop, tokens, bucket, dispatcher, options.min_api_version)

    app = Flask(__name__)
    app.config["SANDBOX_SHOP"] = shop
    app.config["SANDBOX_DISPATCHER"] = dispatcher
    app.config["SANDBOX_TOKENS"] = tokens
    app.config["SANDBOX_BUCKET"] = bucket
    app.config["SANDBOX_FAULTS"] = faults
    app.config["SANDBOX_OPTIONS"] = options
    faults.install(app, throttle_response=lambda: jsonify(throttled_body(bucket, 0)), error_body=_error_body)
    app.add_url_rule("/admin/api/<version>/graphql.json", "graphql", endpoint, methods=["POST"])
    app.register_blueprint(oauth.blueprint(tokens, options.api_key, options.api_secret, options.shop_domain))
    app.register_blueprint(admin.blueprint(shop, dispatcher, tokens, bucket, options.api_key, options.api_secret))
    app.register_blueprint(admin_catalogue.blueprint(shop))
    app.register_blueprint(admin_frame.blueprint(options))
    app.config[admin_frame.APP_URL_KEY] = options.app_url
    return app
