"""What differs per platform at intake: where the shop, topic and signature are, and how to deduplicate.

Shopify signs with the app's secret (so we verify before looking up the shop); WooCommerce signs with a
secret per shop (so we find the shop first). Shopify repeats ``X-Shopify-Event-Id`` on duplicates;
WooCommerce's delivery id changes per attempt, so we key on resource id plus modified date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from connector.bootstrap import Container
from connector.domain.orders import Platform, Shop
from connector.shopaddress import normalize_source
from platforms.registry import shopify_app_secrets
from platforms.shopify import webhooks as shopify_webhooks
from platforms.woocommerce import webhooks as woo_webhooks
from webhooks.deliveries import NamedShop

SHOPIFY_TOPICS = shopify_webhooks.ACCEPTED_TOPICS
WOO_TOPICS = frozenset(woo_webhooks.ORDER_TOPICS)
"""Intake accepts what each platform's webhooks module lists, so subscribing and accepting use one list."""
NO_NAMED_SHOP = NamedShop()


class Source(Protocol):
    @property
    def platform(self) -> Platform: ...
    @property
    def verify_before_lookup(self) -> bool: ...

    def shop_address(self, headers: Mapping[str, str]) -> str | None: ...
    def topic(self, headers: Mapping[str, str]) -> str | None: ...
    def handles(self, topic: str) -> bool: ...
    def secrets(self, container: Container, credentials: Mapping[str, str] | None) -> list[str]: ...
    def verify(self, body: bytes, headers: Mapping[str, str], secrets: list[str]) -> bool: ...
    def dedup_key(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str | None: ...
    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool: ...
    def named_shop(self, topic: str, payload: Mapping[str, Any]) -> NamedShop: ...
    def destructive(self, topic: str) -> bool: ...


@dataclass(frozen=True)
class ShopifySource:
    platform: Platform = Platform.SHOPIFY
    verify_before_lookup: bool = True

    def shop_address(self, headers: Mapping[str, str]) -> str | None:
        value = headers.get(shopify_webhooks.SHOP_HEADER)
        return value.strip().lower() if value else None

    def topic(self, headers: Mapping[str, str]) -> str | None:
        return headers.get(shopify_webhooks.TOPIC_HEADER)

    def handles(self, topic: str) -> bool:
        return topic in SHOPIFY_TOPICS

    def secrets(self, container: Container, credentials: Mapping[str, str] | None) -> list[str]:
        return shopify_app_secrets(container)

    def verify(self, body: bytes, headers: Mapping[str, str], secrets: list[str]) -> bool:
        return shopify_webhooks.verify_signature(body, headers.get(shopify_webhooks.HMAC_HEADER), secrets)

    def dedup_key(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str | None:
        event_id = headers.get(shopify_webhooks.EVENT_ID_HEADER) or headers.get("X-Shopify-Webhook-Id")
        return f"shopify:{event_id}" if event_id else None

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        return False

    def named_shop(self, topic: str, payload: Mapping[str, Any]) -> NamedShop:
        return shopify_webhooks.named_shop(topic, payload)

    def destructive(self, topic: str) -> bool:
        return topic in shopify_webhooks.DESTRUCTIVE_TOPICS


@dataclass(frozen=True)
class WooSource:
    platform: Platform = Platform.WOOCOMMERCE
    verify_before_lookup: bool = False

    def shop_address(self, headers: Mapping[str, str]) -> str | None:
        source = headers.get("X-WC-Webhook-Source")
        return normalize_source(source) if source else None

    def topic(self, headers: Mapping[str, str]) -> str | None:
        return headers.get("X-WC-Webhook-Topic")

    def handles(self, topic: str) -> bool:
        return topic in WOO_TOPICS

    def secrets(self, container: Container, credentials: Mapping[str, str] | None) -> list[str]:
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


SOURCES: dict[str, Source] = {"shopify": ShopifySource(), "woocommerce": WooSource()}


def find_shop(container: Container, source: Source, address: str) -> tuple[Shop | None, dict[str, str] | None]:
    """The shop and its decrypted credentials, for platforms whose webhook secret is the shop's own."""
    with container.uow() as uow:
        shop = uow.shops.find(source.platform, address)
        return (shop, uow.shops.credentials(shop.id)) if shop is not None else (None, None)
