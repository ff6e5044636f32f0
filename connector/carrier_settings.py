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

from connector.domain.resolutions import ReturnMethod
from connector.domain.shipping import CarrierCapability, PostalAddress
from connector.envvars import missing_named, read_named

FROM_CONFIG = "config"
"""``ShopCarrier.source`` of an account synced from the config's ``[shops.carrier]``: a sync replaces it."""
FROM_CLI = "cli"
"""``ShopCarrier.source`` of an account set with ``returns-connector carriers add``: no sync touches it."""

DEFAULT_COUNTRY = "default"
"""The ``methods`` entry for a country not named."""

LABELS = frozenset({CarrierCapability.LABEL_PDF, CarrierCapability.QR_LABELLESS})
"""Either way of sending a parcel: a printed label, or a QR code the counter prints it from."""

METHOD_NEEDS: Mapping[ReturnMethod, tuple[frozenset[CarrierCapability], ...]] = {
    ReturnMethod.PREPAID_LABEL: (LABELS,),
    ReturnMethod.RELAY_POINT: (frozenset({CarrierCapability.SERVICE_POINTS}), LABELS),
    ReturnMethod.HOME_PICKUP: (frozenset({CarrierCapability.HOME_PICKUP}), LABELS),
    ReturnMethod.IN_STORE: (),  # the customer brings the parcel: no carrier is involved
}
"""What a carrier must be able to do to serve each return method: one capability of every group."""


def can_serve(method: ReturnMethod, capabilities: frozenset[CarrierCapability]) -> bool:
    """Whether a carrier with ``capabilities`` can carry out ``method``."""
    return all(group & capabilities for group in METHOD_NEEDS[method])


def missing_for(method: ReturnMethod, capabilities: frozenset[CarrierCapability]) -> str:
    """What is lacking to serve ``method``, in words (``service_points``, ``label_pdf or qr_labelless``)."""
    lacking = [group for group in METHOD_NEEDS[method] if not group & capabilities]
    return ", ".join(" or ".join(sorted(c.value for c in group)) for group in lacking)


@dataclass(frozen=True, slots=True)
class ShopCarrier:
    """``settings`` holds ``options`` (handed to the carrier's adapter factory), ``return_address`` (the
    warehouse, a ``PostalAddress`` as a table), ``methods`` (ISO country or ``default`` -> return methods) and
    ``refund_on_first_scan`` (bool; the value limit is the policy's)."""

    carrier: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    credentials_env: Mapping[str, str] = field(default_factory=dict)
    source: str = FROM_CLI

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
