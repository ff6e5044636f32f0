"""Wire the platforms' install and connect blueprints to the database, the config and the queue."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, request

from connector.bootstrap import Container
from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.shopaddress import woocommerce_store_url
from connector.store.credentials import DbCredentialStore, DbSingleUse
from platforms.shopify import views as shopify_views
from platforms.shopify.auth import AppConfig, InstallFlow
from platforms.shopify.factory import token_endpoint
from platforms.shopify.provider import shopify_app_secrets
from platforms.woocommerce import views as woo_views

log = logging.getLogger("connector.install")


class _ShopifyCredentials(DbCredentialStore):
    """Remembers the sandbox's base URL with the token, so the adapter calls the same place."""

    def __init__(self, container: Container) -> None:
        super().__init__(container.uow, Platform.SHOPIFY)
        self._base = container.config.shopify.admin_base_url

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


def shopify_flow(container: Container) -> InstallFlow:
    settings = container.config.shopify
    base = container.config.app.base_url.rstrip("/")
    secrets = shopify_app_secrets(container)
    endpoint = token_endpoint(
        settings.api_key, secrets, shop_url_for=lambda domain: settings.admin_base_url.rstrip("/") or f"https://{domain}"
    )
    app_config = AppConfig(
        api_key=settings.api_key,
        api_secrets=tuple(secrets),
        scopes=settings.scopes,
        redirect_uri=f"{base}/shopify/callback",
        webhook_url=f"{base}/webhooks/shopify",
    )
    credentials = _ShopifyCredentials(container)
    states = DbSingleUse(container.uow, "shopify-oauth")
    webhook_url = f"{base}/webhooks/shopify"

    def subscribe(shop: str) -> None:
        _subscribe(container, Platform.SHOPIFY, shop, webhook_url)

    return _AdminAwareFlow(settings.admin_base_url, app_config, states, credentials, endpoint, subscribe=subscribe)


def _subscribe(container: Container, platform: Platform, address: str, url: str) -> None:
    with container.uow() as uow:
        shop = uow.shops.find(platform, address)
        adapter = None if shop is None else container.adapter_for(uow, shop)
    if adapter is None:
        log.warning("install.no-adapter", extra={"shop": address})
        return
    ids = adapter.subscribe_webhooks(url)
    log.info("install.subscribed", extra={"shop": address, "subscriptions": len(ids)})


class _StoreBoundStates(DbSingleUse):
    """wc-auth ``user_id`` values bound to the store they were issued for: a callback naming another store
    than the one the merchant started connecting is refused, whatever keys it carries."""

    def __init__(self, container: Container) -> None:
        super().__init__(container.uow, "wc-auth")

    @staticmethod
    def _store() -> str:
        try:
            return woocommerce_store_url(request.args.get("store_url", ""))
        except ConfigError:
            return ""

    def issue(self, subject: str = "") -> str:
        return super().issue(subject or self._store())

    def consume(self, value: str, subject: str | None = None) -> bool:
        store = subject if subject is not None else self._store()
        return bool(store) and super().consume(value, store)


def register_install_blueprints(app: Flask, container: Container) -> None:
    base = container.config.app.base_url.rstrip("/")
    app.register_blueprint(shopify_views.create_blueprint(lambda: shopify_flow(container)))
    app.register_blueprint(
        woo_views.create_blueprint(
            states=_StoreBoundStates(container),
            credentials=DbCredentialStore(container.uow, Platform.WOOCOMMERCE),
            public_base_url=base,
            webhook_delivery_url=lambda _store: f"{base}/webhooks/woocommerce",
            app_name=container.config.woocommerce.app_name,
            allow_private=container.config.app.allow_private_store_urls,
        )
    )
