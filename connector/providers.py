"""What a shop platform offers the core, and the registry the platform packages fill.

The core never asks which platform a shop is on; it asks its provider whether it can do something
(``Capability``). A platform package (``platforms/<key>/provider.py``) describes itself once in a
``PlatformProvider`` and registers it; adding a platform then changes no core module (Sentry's
integration providers are the model).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Blueprint
from redis import Redis

from connector.config.model import Config
from connector.config.sections import PLATFORM_PLUGIN_GROUP, ConfigSection
from connector.domain.orders import Shop
from connector.errors import ConfigError
from connector.plugins import EntryPointPlugins
from connector.ports import IncomingEvent, ShopAdapter
from connector.session_token import SessionTokenReader
from connector.store.uow import UnitOfWork
from connector.webhook_source import WebhookSource

PLUGIN_GROUP = PLATFORM_PLUGIN_GROUP
"""The entry-point group a platform package registers its ``PROVIDER`` under (``pyproject.toml``); defined with
the config sections, which the config loader reads from the same entry points (``connector.config.sections``)."""


class ProcessResources(Protocol):
    """What a platform's factories may use of the process: its configuration, its Redis (None when none is
    configured) and a unit of work to reach the store. ``connector.bootstrap.Container`` is one; typing the
    factories against this protocol keeps the platforms from importing the composition root."""

    @property
    def config(self) -> Config: ...
    @property
    def redis(self) -> Redis | None: ...
    def uow(self) -> UnitOfWork: ...
    def adapter_for(self, uow: UnitOfWork, shop: Shop) -> ShopAdapter | None: ...


AdapterFactory = Callable[[ProcessResources, Shop, dict[str, str]], ShopAdapter]
"""``(process resources, shop, decrypted credentials) -> adapter``."""

WebhookTranslator = Callable[[ProcessResources, Shop, str, Mapping[str, Any]], IncomingEvent]
"""``(process resources, shop, topic, parsed body) -> the common event``, run by the worker on a stored
delivery; it may build the shop's adapter (through the resources) to read what the body lacks."""

BlueprintsFactory = Callable[[ProcessResources], Sequence[Blueprint]]
"""``(process resources) -> the platform's own web routes`` (install, connect), registered on the app by the
wiring layer; the core app never names them."""


def no_blueprints(_resources: ProcessResources) -> Sequence[Blueprint]:
    """A platform without web routes of its own (the shops are added by hand or from the configuration)."""
    return ()


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

    RETURN_LINK_BY_CUSTOMER_NOTE = "return_link_by_customer_note"
    """The shop shows its customers no link to our portal of its own, but e-mails them the order notes marked
    for them (its adapter is a ``WritesCustomerNotes``): a received order gets the portal's signed "Request a
    return" link that way (WooCommerce, until its companion plugin puts the link in My Account)."""


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
    webhook_source: WebhookSource | None = None
    """How the intake reads this platform's deliveries; None: the platform sends no webhooks."""
    translate_webhook: WebhookTranslator | None = None
    """How the worker turns a stored delivery into a common event; set whenever ``webhook_source`` is."""
    blueprints: BlueprintsFactory = no_blueprints
    """The platform's install and connect routes, built once per app from the process resources."""
    read_session_token: SessionTokenReader | None = None
    """How the agent API reads this platform's session tokens (an embedded admin's staff); None: it has none."""
    config_section: ConfigSection[Any] | None = None
    """Its own table of the config file (``[<key>]``) and how its ``[[shops]]`` entries spell their addresses;
    None: it has no settings and cannot be declared in the file."""

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities


_providers: dict[str, PlatformProvider] = {}
"""Registered in code (``register``): a test's fake, a reload. One wins over a plugin of the same key."""
_plugins = EntryPointPlugins(PLUGIN_GROUP, PlatformProvider)
"""Found by entry point, loaded once per process, and kept apart from ``_providers`` (``connector.plugins``)."""


def load_plugins() -> None:
    """Load every platform installed as a plugin (entry-point group ``returns_connector.platforms``), once per
    process. This is how the core finds the platforms without importing any of them."""
    _plugins.load()


def registered() -> tuple[PlatformProvider, ...]:
    """Every known platform, plugins included."""
    return _plugins.everything(_providers)


def register(provider: PlatformProvider) -> None:
    """Make a platform known; registering the same key again replaces it (a test's fake, a reload)."""
    _providers[provider.key] = provider


def config_sections() -> dict[str, ConfigSection[Any]]:
    """The config sections of every known platform, registered in code too: what ``load_config(sections=...)`` is
    given where a platform may be registered in code only (a test's fake); by default the loader reads the
    installed plugins' alone."""
    return {p.config_section.key: p.config_section for p in registered() if p.config_section is not None}


def is_registered(platform_key: str) -> bool:
    """Whether a platform of that key is known, plugins included (loaded on first use, as by every lookup)."""
    return _plugins.lookup(_providers, str(platform_key)) is not None


def provider_for(platform_key: str) -> PlatformProvider:
    """The platform's provider; the installed plugins are loaded on the first lookup of the process."""
    provider = _plugins.lookup(_providers, str(platform_key))
    if provider is None:
        raise ConfigError(f"no provider registered for platform {platform_key}")
    return provider
