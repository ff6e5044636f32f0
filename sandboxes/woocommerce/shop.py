"""The sandbox shop as the views see it: its options, its state (``Shop``), and ``shop()`` to reach it.

Why apart from ``app``: the routes need the shop while ``app`` registers the routes; with both in one module
the routes imported the app and the app imported them back (hidden by a lazy import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, jsonify, request

from sandboxes.kit.faults import FaultConfig, Faults
from sandboxes.woocommerce import serialize
from sandboxes.woocommerce.state import Store
from sandboxes.woocommerce.webhooks import Dispatcher

EXTENSION = "wc_sandbox"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class SandboxOptions:
    seed: int = 1
    orders: int = 200
    consumer_key: str | None = None  # fixed credentials for scripts; random when None
    consumer_secret: str | None = None
    key_permissions: str = "read_write"
    store_credit_type: bool = False  # Smart Coupons installed: discount_type "smart_coupon" is accepted
    timezone: str = "Europe/Paris"  # site time for date_x; date_x_gmt is always UTC
    currency: str = "EUR"  # woocommerce_currency: the seed prices its catalogue in EUR
    calc_taxes: bool = True  # woocommerce_calc_taxes (seeded orders are taxed)
    prices_include_tax: bool = True  # woocommerce_prices_include_tax (an EU store)
    now: datetime | None = None  # anchor of the seeded history (default: now)
    basic_over_http: bool = True  # accept Basic/query keys on plain HTTP (as if behind a TLS proxy)
    wc_auth_auto_approve: bool = True  # False: /wc-auth shows an approve page first
    wc_auth_require_https: bool = False
    allow_external_urls: bool = False  # webhooks/callbacks only to loopback unless set
    webhook_timeout_s: float = 60.0
    webhook_batch_delay_s: float = 0.05
    gateway_delay_ms: int = 0  # every gateway's refund call takes this long (per gateway: /__sandbox/gateways)
    faults: FaultConfig = field(default_factory=FaultConfig)


@dataclass
class Shop:
    """Everything the views need, stored in ``app.extensions``."""

    store: Store
    options: SandboxOptions
    faults: Faults
    dispatcher: Dispatcher
    tz: ZoneInfo
    home_url: str = ""

    def site(self) -> serialize.Site:
        return serialize.Site(self.tz, self.home_url or request.host_url.rstrip("/"))

    def now(self) -> datetime:
        return datetime.now(UTC)

    def url_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return self.options.allow_external_urls or parts.hostname in LOOPBACK_HOSTS


def shop() -> Shop:
    result: Shop = current_app.extensions[EXTENSION]
    return result


def shop_of(app: Flask) -> Shop:
    result: Shop = app.extensions[EXTENSION]
    return result


def sandbox_error(message: str, status: int = 400) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response
