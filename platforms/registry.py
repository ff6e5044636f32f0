"""The platform registry: register the platforms' providers, build a shop's adapter and read its webhooks.

This is the only place the core's wiring meets platform packages (Sentry's small registry pattern). Each
platform describes itself in ``platforms/<key>/provider.py``; ``register_platforms`` makes them known to
``connector.providers``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from connector import providers
from connector.bootstrap import Container
from connector.domain.orders import Platform, Shop
from connector.ports import EventKind, IncomingEvent, ShopAdapter
from platforms.shopify import provider as shopify_provider
from platforms.shopify import webhooks as shopify_webhooks
from platforms.shopify.provider import lock_factory, shopify_app_secrets
from platforms.woocommerce import provider as woo_provider
from platforms.woocommerce import webhooks as woo_webhooks
from platforms.woocommerce.adapter import WooCommerceAdapter

__all__ = ["build_adapter", "lock_factory", "register_platforms", "shopify_app_secrets", "translate_webhook"]

_cache: dict[str, tuple[str, ShopAdapter]] = {}
_cache_guard = threading.Lock()


def _fingerprint(credentials: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(dict(credentials), sort_keys=True).encode()).hexdigest()


def register_platforms() -> None:
    """Register the built-in platforms' providers; a platform a test registered under its own key stays."""
    for provider in (shopify_provider.PROVIDER, woo_provider.PROVIDER):
        if not providers.is_registered(provider.key):
            providers.register(provider)


def build_adapter(container: Container, shop: Shop, credentials: dict[str, str]) -> ShopAdapter:
    """One adapter per shop and credential set, reused so its HTTP connection pool is reused too."""
    fingerprint = _fingerprint({k: v for k, v in credentials.items() if k not in ("access_token", "expires_at",
                                                                                  "refresh_token")})
    with _cache_guard:
        cached = _cache.get(shop.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    adapter = container.provider_for(shop.platform).adapter_factory(container, shop, credentials)
    with _cache_guard:
        _cache[shop.id] = (fingerprint, adapter)
    return adapter


# -- webhooks ----------------------------------------------------------------------------------------


def translate_webhook(container: Container, shop: Shop, topic: str, payload: Mapping[str, Any]) -> IncomingEvent:
    if shop.platform is Platform.SHOPIFY:
        event = shopify_webhooks.translate(topic, payload, shop.address, shop.id)
        # A REST-style orders/* body knows nothing of the order's returns (returned quantities would read 0)
        # and its timestamps are finer than the Admin API's: treat it as a hint and re-read the order.
        return replace(event, order=None) if event.kind is EventKind.ORDER_CHANGED else event
    with container.uow() as uow:
        adapter = container.adapter_for(uow, shop)
    own_write = isinstance(adapter, WooCommerceAdapter) and adapter.is_own_echo(payload)
    # Only the adapter adds the products' facts (final sale...): without one, the order is a hint to read later,
    # never a snapshot stored without them (a final-sale item would become returnable).
    map_order = adapter.map_webhook_order if isinstance(adapter, WooCommerceAdapter) else None
    return woo_webhooks.translate(
        topic, payload, shop_address=shop.address, own_write=own_write, map_order=map_order,
    )


