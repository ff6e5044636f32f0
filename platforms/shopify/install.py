"""Shopify's install routes bound to this process: the OAuth flow over the database, the config and the shop's
adapter (which subscribes the webhooks once the token is stored).

Why here and not in the core: the core app never names a platform; the wiring layer registers what
``PROVIDER.blueprints`` returns (``install_blueprints``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint

from connector.domain.orders import Platform
from connector.providers import ProcessResources
from connector.store.credentials import DbCredentialStore, DbSingleUse
from platforms.shopify import views
from platforms.shopify.auth import AppConfig, InstallFlow
from platforms.shopify.factory import token_endpoint
from platforms.shopify.settings import settings_of
from platforms.shopify.webhook_source import app_secrets

log = logging.getLogger("connector.install")


class _ShopifyCredentials(DbCredentialStore):
    """Remembers the sandbox's base URL with the token, so the adapter calls the same place."""

    def __init__(self, resources: ProcessResources) -> None:
        super().__init__(resources.uow, Platform.SHOPIFY)
        self._base = settings_of(resources.config).admin_base_url

    def save(self, address: str, creds: dict[str, str]) -> None:
        super().save(address, {**creds, "base_url": self._base} if self._base else creds)


class _AdminAwareFlow(InstallFlow):
    """Sends the merchant to the configured admin (the sandbox) instead of https://<shop domain>."""

    def __init__(self, admin_base_url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._admin = admin_base_url.rstrip("/")

    def begin(self, params: Mapping[str, Any], browser_nonce: str) -> str:
        target = super().begin(params, browser_nonce)
        shop = str(params.get("shop") or "").strip().lower()
        if self._admin and target.startswith(f"https://{shop}/"):
            target = self._admin + target[len(f"https://{shop}"):]
        return target


def shopify_flow(resources: ProcessResources) -> InstallFlow:
    settings = settings_of(resources.config)
    base = resources.config.app.base_url.rstrip("/")
    secrets = app_secrets(resources.config)
    endpoint = token_endpoint(
        settings.api_key, secrets, shop_url_for=lambda domain: settings.admin_base_url.rstrip("/") or f"https://{domain}"
    )
    webhook_url = f"{base}/webhooks/shopify"
    app_config = AppConfig(
        api_key=settings.api_key,
        api_secrets=tuple(secrets),
        scopes=settings.scopes,
        redirect_uri=f"{base}/shopify/callback",
        webhook_url=webhook_url,
    )
    states = DbSingleUse(resources.uow, "shopify-oauth")

    def subscribe(shop: str) -> None:
        _subscribe(resources, shop, webhook_url)

    return _AdminAwareFlow(
        settings.admin_base_url, app_config, states, _ShopifyCredentials(resources), endpoint, subscribe=subscribe
    )


def _subscribe(resources: ProcessResources, address: str, url: str) -> None:
    with resources.uow() as uow:
        shop = uow.shops.find(Platform.SHOPIFY, address)
        adapter = None if shop is None else resources.adapter_for(uow, shop)
    if adapter is None:
        log.warning("install.no-adapter", extra={"shop": address})
        return
    ids = adapter.subscribe_webhooks(url)
    log.info("install.subscribed", extra={"shop": address, "subscriptions": len(ids)})


def install_blueprints(resources: ProcessResources) -> Sequence[Blueprint]:
    """``/shopify/install``, ``/shopify/callback`` and ``/shopify/session``; the flow is built per request, so a
    rotated app secret is read at once."""
    return (views.create_blueprint(lambda: shopify_flow(resources)),)
