"""The platform registry: build a shop's adapter and read its webhooks, keyed by platform name.

This is the only place the core's wiring meets platform packages (Sentry's small registry pattern).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from connector.bootstrap import Container
from connector.domain.orders import Platform, Shop
from connector.errors import ConfigError
from connector.locks import LockFactory
from connector.ports import EventKind, IncomingEvent, ShopAdapter
from connector.store.credentials import DbCredentialStore
from platforms.shopify import webhooks as shopify_webhooks
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.auth import TokenManager
from platforms.shopify.factory import token_endpoint
from platforms.woocommerce import webhooks as woo_webhooks
from platforms.woocommerce.adapter import WooCommerceAdapter
from platforms.woocommerce.echo import RedisEchoRegistry
from platforms.woocommerce.products import FinalSaleRule

_cache: dict[str, tuple[str, ShopAdapter]] = {}
_cache_guard = threading.Lock()
_locks: dict[int, LockFactory] = {}


def _fingerprint(credentials: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(dict(credentials), sort_keys=True).encode()).hexdigest()


def shopify_app_secrets(container: Container) -> list[str]:
    """The app secret(s), newest first, from the env var the config names (comma-separated for rotation)."""
    raw = container.config.secret(container.config.shopify.api_secret_env) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def lock_factory(container: Container) -> LockFactory:
    key = id(container)
    if key not in _locks:
        _locks[key] = LockFactory(container.redis)
    return _locks[key]


def build_adapter(container: Container, shop: Shop, credentials: dict[str, str]) -> ShopAdapter:
    """One adapter per shop and credential set, reused so its HTTP connection pool is reused too."""
    fingerprint = _fingerprint({k: v for k, v in credentials.items() if k not in ("access_token", "expires_at",
                                                                                  "refresh_token")})
    with _cache_guard:
        cached = _cache.get(shop.id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    adapter = _build(container, shop, credentials)
    with _cache_guard:
        _cache[shop.id] = (fingerprint, adapter)
    return adapter


def _build(container: Container, shop: Shop, credentials: dict[str, str]) -> ShopAdapter:
    base_url = credentials.get("base_url") or None
    if shop.platform is Platform.SHOPIFY:
        secrets = shopify_app_secrets(container)
        endpoint = token_endpoint(
            container.config.shopify.api_key, secrets, shop_url_for=lambda domain: base_url or f"https://{domain}"
        )
        tokens = TokenManager(shop.address, DbCredentialStore(container, Platform.SHOPIFY), lock_factory(container),
                              endpoint)
        return ShopifyAdapter(
            shop.address,
            tokens,
            api_version=container.config.shopify.api_version,
            shop_id=shop.id,
            base_url=base_url,
            restock_location_id=credentials.get("location_id") or None,
        )
    if shop.platform is Platform.WOOCOMMERCE:
        echoes = None if container.redis is None else RedisEchoRegistry(container.redis, namespace=shop.address)
        settings = container.config.woocommerce
        return WooCommerceAdapter.from_credentials(
            base_url or shop.address, credentials, shop_id=shop.id, echo_registry=echoes,
            allow_private=container.config.app.allow_private_store_urls,
            final_sale=FinalSaleRule(frozenset(settings.final_sale_tags), settings.final_sale_meta_key or None),
            product_cache_seconds=settings.product_cache_seconds,
        )
    raise ConfigError(f"no adapter for platform {shop.platform}")


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


