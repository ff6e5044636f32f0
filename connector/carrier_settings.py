"""A shop's carrier account as the connector keeps it: which carrier, its options, where returns go, and which
return methods each destination country gets.

Why the names of environment variables and not the credentials: as for shops, a secret lives in the process's
environment (or the deployment's secret store feeding it), never in the database or the config file. The
settings are plain JSON in ``shop_carriers.settings``, written by ``returns-connector carriers add`` or synced
from the config's ``[shops.carrier]``; this module is their one reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connector.domain.shipping import PostalAddress
from connector.envvars import missing_named, read_named

DEFAULT_COUNTRY = "default"
"""The ``methods`` entry for a country not named."""


@dataclass(frozen=True, slots=True)
class ShopCarrier:
    """``settings`` holds ``options`` (handed to the carrier's adapter factory), ``return_address`` (the
    warehouse, a ``PostalAddress`` as a table), ``methods`` (ISO country or ``default`` -> return methods) and
    ``refund_on_first_scan`` (bool; the value limit is the policy's)."""

    carrier: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    credentials_env: Mapping[str, str] = field(default_factory=dict)
    source: str = "cli"

    @property
    def options(self) -> Mapping[str, Any]:
        return dict(self.settings.get("options") or {})

    @property
    def return_address(self) -> PostalAddress | None:
        data = self.settings.get("return_address")
        return PostalAddress(**data) if data else None

    @property
    def refund_on_first_scan(self) -> bool:
        return bool(self.settings.get("refund_on_first_scan", False))

    def methods_for(self, country: str) -> tuple[str, ...] | None:
        """The return methods enabled for parcels from ``country``; None when the settings do not restrict them."""
        methods: Mapping[str, list[str]] = self.settings.get("methods") or {}
        if not methods:
            return None
        chosen = methods.get(country.upper(), methods.get(DEFAULT_COUNTRY))
        return None if chosen is None else tuple(chosen)

    def credentials(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        return read_named(self.credentials_env, environ)

    def missing_env(self, environ: Mapping[str, str] | None = None) -> list[str]:
        return missing_named(self.credentials_env, environ)
