"""The registry the carrier packages fill, the carriers' counterpart of ``connector.providers``.

The core never imports a carrier: a carrier package (``carriers/<key>/provider.py``) describes itself once in a
``CarrierProvider`` and registers it under the entry-point group ``returns_connector.carriers``
(``pyproject.toml``). The core then asks for a shop's carrier by key, and asks the provider what it can do
(``CarrierCapability``), never which carrier it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from connector.domain.shipping import CarrierCapability
from connector.errors import ConfigError
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
_plugins: dict[str, CarrierProvider] = {}
"""Found by entry point, loaded once per process; apart from ``_providers`` for the reason given in
``connector.providers``: a test swapping that dict must not drop the installed carriers."""
_plugins_loaded = False
_plugins_guard = threading.Lock()


def load_plugins() -> None:
    """Load every carrier installed as a plugin (entry-point group ``returns_connector.carriers``), once per
    process."""
    global _plugins_loaded
    with _plugins_guard:
        if _plugins_loaded:
            return
        for entry in entry_points(group=PLUGIN_GROUP):
            provider = entry.load()
            if not isinstance(provider, CarrierProvider):
                raise ConfigError(f"carrier plugin {entry.name} ({entry.value}) is not a CarrierProvider")
            _plugins.setdefault(provider.key, provider)
        _plugins_loaded = True


def registered() -> tuple[CarrierProvider, ...]:
    """Every known carrier, plugins included."""
    load_plugins()
    return tuple({**_plugins, **_providers}.values())


def register(provider: CarrierProvider) -> None:
    """Make a carrier known; registering the same key again replaces it (a test's fake, a reload)."""
    _providers[provider.key] = provider


def carrier_provider(key: str) -> CarrierProvider:
    """The carrier's provider; the installed plugins are loaded on the first lookup of the process."""
    load_plugins()
    provider = _providers.get(key) or _plugins.get(key)
    if provider is None:
        raise ConfigError(f"no carrier registered under {key!r}")
    return provider
