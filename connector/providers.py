"""What a shop platform offers the core, and the registry the platform packages fill.

The core never asks which platform a shop is on; it asks its provider whether it can do something
(``Capability``). A platform package (``platforms/<key>/provider.py``) describes itself once in a
``PlatformProvider`` and registers it; adding a platform then changes no core module (Sentry's
integration providers are the model).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connector.config.model import Config
from connector.domain.orders import Shop
from connector.errors import ConfigError
from connector.ports import ShopAdapter

if TYPE_CHECKING:
    from connector.bootstrap import Container

AdapterFactory = Callable[["Container", Shop, dict[str, str]], ShopAdapter]


class Capability(enum.StrEnum):
    """A difference between platforms that the core's decisions depend on, named after the decision."""

    RETURNS_MIRRORED_AT_SHOP = "returns_mirrored_at_shop"
    """The shop keeps a return record of its own: it is created, approved, declined, canceled and closed there.
    Without it the shop is told of each step with an order note."""

    CREDIT_FOLDED_INTO_REFUND = "credit_folded_into_refund"
    """Store credit is paid with the return's refund (one shop call), once the shop's return exists."""

    ORDER_COUNTS_MIRRORED_RETURNS = "order_counts_mirrored_returns"
    """The shop's order already counts the returns mirrored there as returned: only returns not yet synced
    are still pending against its quantities."""

    LISTS_ORDER_REFUNDS = "lists_order_refunds"
    """The shop lists an order's refunds on request (its adapter is a ``ListsShopRefunds``); without it they
    arrive only as webhooks, and what is left to refund is capped by the total paid."""


@dataclass(frozen=True, slots=True)
class PlatformProvider:
    """One platform as the core sees it: its key (``Shop.platform``), how a shop's adapter is built, how often
    a shop is polled, how its address is spelled, and what it can do."""

    key: str
    adapter_factory: AdapterFactory
    poll_interval: Callable[[Config], int]
    """Seconds between two polls of a shop, read from the configuration."""
    admit_address: Callable[[str, Config], str]
    """The stored spelling of a new shop's address; raises ``ConfigError`` for one the platform cannot have or the
    configuration does not allow."""
    capabilities: frozenset[Capability] = frozenset()

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities


_providers: dict[str, PlatformProvider] = {}


def register(provider: PlatformProvider) -> None:
    """Make a platform known; registering the same key again replaces it (a test's fake, a reload)."""
    _providers[provider.key] = provider


def is_registered(platform_key: str) -> bool:
    return platform_key in _providers


def provider_for(platform_key: str) -> PlatformProvider:
    provider = _providers.get(str(platform_key))
    if provider is None:
        raise ConfigError(f"no provider registered for platform {platform_key}")
    return provider
