"""The registry the carrier packages fill, the carriers' counterpart of ``connector.providers``.

The core never imports a carrier: a carrier package (``carriers/<key>/provider.py``) describes itself once in a
``CarrierProvider`` and registers it under the entry-point group ``returns_connector.carriers``
(``pyproject.toml``). The core then asks for a shop's carrier by key, and asks the provider what it can do
(``CarrierCapability``), never which carrier it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connector.domain.shipping import CarrierCapability
from connector.errors import ConfigError
from connector.plugins import EntryPointPlugins
from connector.ports import CarrierAdapter

PLUGIN_GROUP = "returns_connector.carriers"
"""The entry-point group a carrier package registers its ``PROVIDER`` under (``pyproject.toml``)."""

CarrierFactory = Callable[[Mapping[str, Any], Mapping[str, str]], CarrierAdapter]
"""``(the shop's carrier section of the configuration, credentials read from the environment) -> adapter``."""


@dataclass(frozen=True, slots=True)
class CarrierProvider:
    """One carrier as the core sees it: its key (as written in the configuration), how an adapter is built for a
    shop, and what every adapter it builds can do, known before any is built (the portal offers only those)."""

    key: str
    adapter_factory: CarrierFactory
    capabilities: frozenset[CarrierCapability]

    def has(self, capability: CarrierCapability) -> bool:
        return capability in self.capabilities


_providers: dict[str, CarrierProvider] = {}
"""Registered in code (``register``): a test's fake, a reload. One wins over a plugin of the same key."""
_plugins = EntryPointPlugins(PLUGIN_GROUP, CarrierProvider)
"""Found by entry point, loaded once per process, and kept apart from ``_providers`` (``connector.plugins``)."""


def load_plugins() -> None:
    """Load every carrier installed as a plugin (entry-point group ``returns_connector.carriers``), once per
    process."""
    _plugins.load()


def registered() -> tuple[CarrierProvider, ...]:
    """Every known carrier, plugins included."""
    return _plugins.everything(_providers)


def register(provider: CarrierProvider) -> None:
    """Make a carrier known; registering the same key again replaces it (a test's fake, a reload)."""
    _providers[provider.key] = provider


def carrier_provider(key: str) -> CarrierProvider:
    """The carrier's provider; the installed plugins are loaded on the first lookup of the process."""
    provider = _plugins.lookup(_providers, key)
    if provider is None:
        raise ConfigError(f"no carrier registered under {key!r}")
    return provider
