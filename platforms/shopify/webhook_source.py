"""Shopify's webhooks as the intake reads them: signed with the app's secret, so verified before the shop is
looked up, and deduplicated on ``X-Shopify-Event-Id``, which Shopify repeats on every retry of one event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from connector.config.model import Config
from connector.domain.orders import Platform, Shop
from connector.ports import EventKind, IncomingEvent
from connector.providers import ProcessResources
from connector.webhook_source import NamedShop
from platforms.shopify import webhooks as shopify_webhooks
from platforms.shopify.settings import settings_of


def app_secrets(config: Config) -> list[str]:
    """The app secret(s), newest first, from the env var the config names (comma-separated for rotation)."""
    raw = config.secret(settings_of(config).api_secret_env) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class ShopifySource:
    platform: str = Platform.SHOPIFY.value
    verify_before_lookup: bool = True
    kept_header_prefixes: tuple[str, ...] = ("x-shopify-",)

    def shop_address(self, headers: Mapping[str, str]) -> str | None:
        value = headers.get(shopify_webhooks.SHOP_HEADER)
        return value.strip().lower() if value else None

    def topic(self, headers: Mapping[str, str]) -> str | None:
        return headers.get(shopify_webhooks.TOPIC_HEADER)

    def handles(self, topic: str) -> bool:
        return topic in shopify_webhooks.ACCEPTED_TOPICS

    def secrets(self, config: Config, credentials: Mapping[str, str] | None) -> list[str]:
        return app_secrets(config)

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


def translate_webhook(resources: ProcessResources, shop: Shop, topic: str, payload: Mapping[str, Any]) -> IncomingEvent:
    """A stored delivery as the common event. A REST-style orders/* body knows nothing of the order's returns
    (returned quantities would read 0) and its timestamps are finer than the Admin API's: it is treated as a
    hint, and the order is read again."""
    event = shopify_webhooks.translate(topic, payload, shop.address, shop.id)
    return replace(event, order=None) if event.kind is EventKind.ORDER_CHANGED else event
