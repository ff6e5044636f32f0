"""Shopify as the core sees it: how a shop's adapter is built, how often it is polled, what it can do.

Shopify keeps a return record of its own (created, approved, declined, canceled and closed there), counts the
returns it holds in the order's returned quantities, and pays store credit with the return's refund.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint

from connector.config.model import Config
from connector.domain.orders import Platform, Shop
from connector.locks import LockFactory
from connector.ports import ShopAdapter
from connector.providers import Capability, PlatformProvider, ProcessResources
from connector.shopaddress import shopify_shop_domain
from connector.store.credentials import DbCredentialStore
from platforms.shopify.adapter import ShopifyAdapter
from platforms.shopify.auth import TokenManager
from platforms.shopify.embedded import create_embedded_blueprint
from platforms.shopify.factory import token_endpoint
from platforms.shopify.install import install_blueprints, shopify_flow
from platforms.shopify.proxy_views import create_proxy_blueprint
from platforms.shopify.session_token import read_session_token
from platforms.shopify.settings import SECTION, settings_of
from platforms.shopify.webhook_source import ShopifySource, app_secrets, translate_webhook

_locks: dict[int, LockFactory] = {}


def shopify_app_secrets(container: ProcessResources) -> list[str]:
    """The app secret(s), newest first (``webhook_source.app_secrets``)."""
    return app_secrets(container.config)


def lock_factory(container: ProcessResources) -> LockFactory:
    """One lock factory per container: the token refresh of a shop is serialised across threads and workers."""
    key = id(container)
    if key not in _locks:
        _locks[key] = LockFactory(container.redis)
    return _locks[key]


def build_adapter(container: ProcessResources, shop: Shop, credentials: dict[str, str]) -> ShopAdapter:
    base_url = credentials.get("base_url") or None
    secrets = shopify_app_secrets(container)
    settings = settings_of(container.config)
    endpoint = token_endpoint(
        settings.api_key, secrets, shop_url_for=lambda domain: base_url or f"https://{domain}"
    )
    tokens = TokenManager(shop.address, DbCredentialStore(container.uow, Platform.SHOPIFY), lock_factory(container),
                          endpoint)
    return ShopifyAdapter(
        shop.address,
        tokens,
        api_version=settings.api_version,
        shop_id=shop.id,
        base_url=base_url,
        restock_location_id=credentials.get("location_id") or None,
    )


def shopify_blueprints(resources: ProcessResources) -> Sequence[Blueprint]:
    """The install routes, the storefront portal through the app proxy (``/proxy``) and the embedded admin (the
    app's URL, its bounce pages and the admin pages' authenticator)."""
    embedded = create_embedded_blueprint(resources, lambda: shopify_flow(resources))
    return (*install_blueprints(resources), create_proxy_blueprint(resources), embedded)


def _poll_interval(config: Config) -> int:
    return config.queue.reconcile_every_seconds


def _admit_address(raw: str, _config: Config) -> str:
    return shopify_shop_domain(raw)


PROVIDER = PlatformProvider(
    webhook_source=ShopifySource(),
    translate_webhook=translate_webhook,
    key=Platform.SHOPIFY.value,
    adapter_factory=build_adapter,
    poll_interval=_poll_interval,
    admit_address=_admit_address,
    blueprints=shopify_blueprints,
    read_session_token=read_session_token,
    config_section=SECTION,
    capabilities=frozenset({
        Capability.RETURNS_MIRRORED_AT_SHOP,
        Capability.CREDIT_FOLDED_INTO_REFUND,
        Capability.ORDER_COUNTS_MIRRORED_RETURNS,
    }),
)
