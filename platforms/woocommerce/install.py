"""WooCommerce's connect routes bound to this process: wc-auth over the database and the config.

Why here and not in the core: the core app never names a platform; the wiring layer registers what
``PROVIDER.blueprints`` returns (``connect_blueprints``).
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, request

from connector.domain.orders import Platform
from connector.errors import ConfigError
from connector.providers import ProcessResources
from connector.shopaddress import woocommerce_store_url
from connector.store.credentials import DbCredentialStore, DbSingleUse, UnitOfWorkFactory
from platforms.woocommerce import views
from platforms.woocommerce.plugin_entry import plugin_blueprint
from platforms.woocommerce.settings import settings_of


class _StoreBoundStates(DbSingleUse):
    """wc-auth ``user_id`` values bound to the store they were issued for: a callback naming another store
    than the one the merchant started connecting is refused, whatever keys it carries."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        super().__init__(uow, "wc-auth")

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


def connect_blueprints(resources: ProcessResources) -> Sequence[Blueprint]:
    """``/woocommerce/connect``, ``/woocommerce/callback`` and ``/woocommerce/return``; and the WordPress
    plugin's entries, ``/admin/enter/woocommerce`` and ``/portal/enter/woocommerce`` (``plugin_entry``)."""
    config = resources.config
    base = config.app.base_url.rstrip("/")
    return (
        views.create_blueprint(
            states=_StoreBoundStates(resources.uow),
            credentials=DbCredentialStore(resources.uow, Platform.WOOCOMMERCE),
            public_base_url=base,
            webhook_delivery_url=lambda _store: f"{base}/webhooks/woocommerce",
            app_name=settings_of(config).app_name,
            allow_private=config.app.allow_private_store_urls,
        ),
        plugin_blueprint(),
    )
