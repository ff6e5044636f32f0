"""WooCommerce's webhooks as the intake reads them: signed with a secret of the store's own, so the store is
found first, and deduplicated on the resource id plus its modified date, because the delivery id changes on
every attempt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector.config.model import Config
from connector.domain.orders import Platform, Shop
from connector.ports import IncomingEvent
from connector.providers import ProcessResources
from connector.shopaddress import normalize_source
from connector.webhook_source import NO_NAMED_SHOP, NamedShop
from platforms.woocommerce import webhooks as woo_webhooks
from platforms.woocommerce.adapter import WooCommerceAdapter

ORDER_TOPICS = frozenset(woo_webhooks.ORDER_TOPICS)


@dataclass(frozen=True)
class WooSource:
    platform: str = Platform.WOOCOMMERCE.value
    verify_before_lookup: bool = False
    kept_header_prefixes: tuple[str, ...] = ("x-wc-webhook-",)

    def shop_address(self, headers: Mapping[str, str]) -> str | None:
        source = headers.get("X-WC-Webhook-Source")
        return normalize_source(source) if source else None

    def topic(self, headers: Mapping[str, str]) -> str | None:
        return headers.get("X-WC-Webhook-Topic")

    def handles(self, topic: str) -> bool:
        return topic in ORDER_TOPICS

    def secrets(self, config: Config, credentials: Mapping[str, str] | None) -> list[str]:
        creds = credentials or {}
        return [creds[k] for k in ("webhook_secret", "webhook_secret_previous") if creds.get(k)]

    def verify(self, body: bytes, headers: Mapping[str, str], secrets: list[str]) -> bool:
        return woo_webhooks.verify_signature(body, headers.get("X-WC-Webhook-Signature"), secrets)

    def dedup_key(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str | None:
        return woo_webhooks.dedup_key(headers, payload)

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        return woo_webhooks.is_ping(headers, body)

    def named_shop(self, topic: str, payload: Mapping[str, Any]) -> NamedShop:
        return NO_NAMED_SHOP  # an order body names no store: the store's own secret signed it

    def destructive(self, topic: str) -> bool:
        return False


def translate_webhook(resources: ProcessResources, shop: Shop, topic: str, payload: Mapping[str, Any]) -> IncomingEvent:
    """A stored delivery as the common event. Only the adapter adds the products' facts (final sale...):
    without one, the order is a hint to read later, never a snapshot stored without them (a final-sale item
    would become returnable). The adapter also recognises the echo of our own writes."""
    with resources.uow() as uow:
        adapter = resources.adapter_for(uow, shop)
    woo = adapter if isinstance(adapter, WooCommerceAdapter) else None
    return woo_webhooks.translate(
        topic, payload, shop_address=shop.address,
        own_write=woo is not None and woo.is_own_echo(payload),
        map_order=woo.map_webhook_order if woo is not None else None,
    )
