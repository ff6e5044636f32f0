"""What a platform tells the webhook intake: where the shop, topic and signature are, and how to deduplicate.

The intake (``webhooks/``) is the same for every platform; each platform package implements ``WebhookSource``
and hands it over in its provider (``connector.providers.PlatformProvider.webhook_source``). The protocol lives
in the core so that neither the platforms nor the intake import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from connector.config.model import Config


@dataclass(frozen=True, slots=True)
class NamedShop:
    """What a signed body says about its shop, where the platform puts that in the body: the header that
    names the shop is not signed. ``domains`` are lower-cased shop addresses, ``ids`` the platform's ids."""

    domains: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()


NO_NAMED_SHOP = NamedShop()


class WebhookSource(Protocol):
    """One platform's webhooks as the intake reads them, before anything is stored."""

    @property
    def platform(self) -> str:
        """The provider's key, which is also the last segment of ``/webhooks/<platform>``."""

    @property
    def verify_before_lookup(self) -> bool:
        """True when the signing secret is the app's (verify first); False when it is the shop's own."""

    @property
    def kept_header_prefixes(self) -> tuple[str, ...]:
        """Lower-case prefixes of the platform's own headers, stored with the delivery for later (never auth or
        cookies): what a translator or an operator may need besides the body."""

    def shop_address(self, headers: Mapping[str, str]) -> str | None: ...
    def topic(self, headers: Mapping[str, str]) -> str | None: ...
    def handles(self, topic: str) -> bool: ...
    def secrets(self, config: Config, credentials: Mapping[str, str] | None) -> list[str]: ...
    def verify(self, body: bytes, headers: Mapping[str, str], secrets: list[str]) -> bool: ...
    def dedup_key(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str | None: ...
    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool: ...
    def named_shop(self, topic: str, payload: Mapping[str, Any]) -> NamedShop: ...
    def destructive(self, topic: str) -> bool: ...
