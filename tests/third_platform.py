"""Acme, a platform the core has never heard of, built only from what ``connector`` offers a plugin.

It is what a third platform package would hand over (``connector.providers.PlatformProvider``): an adapter
factory, a ``WebhookSource`` and a translator. It deliberately differs from Shopify and WooCommerce wherever a
platform may differ, so nothing can pass by accident through code written for those two:

- its own header names (``X-Acme-*``);
- a signature of its own spelling: hex HMAC-SHA256 of the body with the shop's own secret, kept in the shop's
  credentials (``signing_secret``), so the intake must find the shop before it can verify;
- its own dedup key: the body's ``event_id``, because ``X-Acme-Delivery`` and the body's ``attempt`` change on
  every retry;
- its own body shapes, turned into the common ``IncomingEvent`` by ``translate_webhook``;
- its own table of the config file (``[acme]``: a region and a poll interval), and its own spelling of a
  ``[[shops]]`` address (``name.acme.test``), handed to the loader through ``config_section``.

The shops themselves are in memory (``tests.fakes.FakeShop``), keyed by their address in ``STORES``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import fields, validate

from connector.config.model import Config
from connector.config.sections import ConfigSection, StrictSchema
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.errors import ConfigError
from connector.ports import EventKind, IncomingEvent, ShopAdapter
from connector.providers import Capability, PlatformProvider, ProcessResources
from connector.webhook_source import NO_NAMED_SHOP, NamedShop
from tests.fakes import FakeAdapter, FakeShop

ACME = "acme"
STORE_HEADER = "X-Acme-Store"
EVENT_HEADER = "X-Acme-Event"
SIGNATURE_HEADER = "X-Acme-Signature"
DELIVERY_HEADER = "X-Acme-Delivery"
SECRET_CREDENTIAL = "signing_secret"
"""The credential holding the shop's own webhook secret."""

EVENT_KINDS: Mapping[str, EventKind] = {
    "return.requested": EventKind.RETURN_REQUESTED,
    "return.approved": EventKind.RETURN_APPROVED,
    "return.closed": EventKind.RETURN_CLOSED,
}
"""Acme's topics and what each says happened, in the common words."""

STORES: dict[str, FakeShop] = {}
"""The in-memory Acme stores, by shop address: what the adapter factory builds adapters over."""


class AcmeAdapter(FakeAdapter):
    """The in-memory shop under Acme's name, with return ids spelled as Acme spells them."""

    platform = ACME

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        self.shop.calls.append("create_return")
        platform_id = f"acme-return-{len(self.shop.returns) + 1}"
        self.shop.returns[platform_id] = "OPEN"
        return platform_id


def _build_adapter(_resources: ProcessResources, shop: Shop, _credentials: dict[str, str]) -> ShopAdapter:
    return AcmeAdapter(STORES[shop.address])


@dataclass(frozen=True, slots=True)
class AcmeSettings:
    """The ``[acme]`` table."""

    region: str = "eu"
    poll_every_seconds: int = 900


class AcmeSchema(StrictSchema):
    region = fields.String(validate=validate.OneOf(["eu", "us"]))
    poll_every_seconds = fields.Integer(strict=True, validate=validate.Range(min=30))


def settings_of(config: Config) -> AcmeSettings:
    return config.section(ACME, AcmeSettings)


def spell_address(raw: str, *, allow_private: bool = False) -> str:
    """Acme stores are named like ``candles.acme.test``; one spelling, so a webhook's header finds its shop."""
    address = raw.strip().lower()
    if not address.endswith(".acme.test") or "/" in address:
        raise ConfigError(f"not an Acme store: {raw!r} (expected your-store.acme.test)")
    return address


def _warnings(settings: AcmeSettings, _config: Config) -> list[str]:
    return ["acme.region: us stores are polled from the eu"] if settings.region == "us" else []


CONFIG_SECTION: ConfigSection[AcmeSettings] = ConfigSection(
    key=ACME, schema=AcmeSchema, settings=AcmeSettings, spell_address=spell_address, warnings=_warnings,
)


def _admit_address(raw: str, _config: Config) -> str:
    return spell_address(raw)


def sign(body: bytes, secret: str) -> str:
    """Acme's signature: the hex digest (not base64, unlike the two built-in platforms)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AcmeSource:
    """Acme's webhooks as the intake reads them (``connector.webhook_source.WebhookSource``)."""

    platform: str = ACME
    verify_before_lookup: bool = False
    kept_header_prefixes: tuple[str, ...] = ("x-acme-",)

    def shop_address(self, headers: Mapping[str, str]) -> str | None:
        store = headers.get(STORE_HEADER, "").strip().lower()
        return store or None

    def topic(self, headers: Mapping[str, str]) -> str | None:
        return headers.get(EVENT_HEADER)

    def handles(self, topic: str) -> bool:
        return topic in EVENT_KINDS

    def secrets(self, config: Config, credentials: Mapping[str, str] | None) -> list[str]:
        secret = (credentials or {}).get(SECRET_CREDENTIAL)
        return [secret] if secret else []

    def verify(self, body: bytes, headers: Mapping[str, str], secrets: list[str]) -> bool:
        given = headers.get(SIGNATURE_HEADER, "")
        return bool(given) and any(hmac.compare_digest(sign(body, secret), given) for secret in secrets)

    def dedup_key(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str | None:
        event_id = payload.get("event_id")
        return f"acme:{event_id}" if event_id else None

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        return headers.get(EVENT_HEADER) == "ping"

    def named_shop(self, topic: str, payload: Mapping[str, Any]) -> NamedShop:
        """Every Acme body names its store, and the signature covers it (the header does not)."""
        store = payload.get("store")
        return NamedShop(domains=frozenset({store.lower()})) if isinstance(store, str) else NO_NAMED_SHOP

    def destructive(self, topic: str) -> bool:
        return False


def translate_webhook(
    _resources: ProcessResources, shop: Shop, topic: str, payload: Mapping[str, Any]
) -> IncomingEvent:
    """An Acme body in the common words the handlers read (``return_id``, ``order_id``, ``lines``)."""
    found = payload.get("return") or {}
    return_id = str(found.get("id") or "")
    data = {
        "return_id": return_id,
        "order_id": str(found.get("order") or ""),
        "lines": [{"order_line_id": item["line"], "quantity": item["units"], "reason": item.get("why")}
                  for item in found.get("items") or []],
    }
    return IncomingEvent(
        kind=EVENT_KINDS.get(topic, EventKind.IGNORED), shop_address=shop.address, resource_id=return_id,
        occurred_at=None, data=data, shop_named_in_body=payload.get("store"),
    )


PROVIDER = PlatformProvider(
    key=ACME,
    adapter_factory=_build_adapter,
    poll_interval=lambda config: settings_of(config).poll_every_seconds,
    admit_address=_admit_address,
    capabilities=frozenset({Capability.RETURNS_MIRRORED_AT_SHOP}),
    webhook_source=AcmeSource(),
    translate_webhook=translate_webhook,
    config_section=CONFIG_SECTION,
)


def delivery(store: str, topic: str, event_id: str, returned: Mapping[str, Any], *, secret: str,
             attempt: int = 1) -> tuple[bytes, dict[str, str]]:
    """A webhook as an Acme store sends it: the body and its headers, signed with ``secret``. Each attempt's
    body says which attempt it is, so a retry is a new body: only the event id tells it is the same event."""
    body = json.dumps({"event_id": event_id, "attempt": attempt, "store": store, "return": returned}).encode()
    headers = {
        STORE_HEADER: store, EVENT_HEADER: topic, SIGNATURE_HEADER: sign(body, secret),
        DELIVERY_HEADER: f"{event_id}-attempt-{attempt}", "Content-Type": "application/json",
    }
    return body, headers
