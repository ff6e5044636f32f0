"""One shop's Sendcloud options (``[shops.carrier] options``), read once when its adapter is built, and what they
let the adapter do.

Why the capabilities follow the options: the portal offers only what a shop's carrier declares, and a Sendcloud
account can do some things only with a shipping option configured for them (Sendcloud picks no option itself):
labelless QR codes with ``labelless_option_code``, home pickup with ``pickup_option_code``, relay points with at
least one relay network (``relay_option_codes``, or the single option's network: ``carriers.sendcloud.relay``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from carriers.sendcloud.pickup import PickupSlots
from carriers.sendcloud.relay import RelayNetworks
from connector.domain.shipping import CarrierCapability
from connector.errors import ConfigError

KEY: Final = "sendcloud"
ALWAYS: Final = frozenset(
    {
        CarrierCapability.LABEL_PDF,
        CarrierCapability.TRACKING_WEBHOOKS,
        CarrierCapability.CANCEL,
    }
)
CAPABILITIES: Final = ALWAYS | {
    CarrierCapability.SERVICE_POINTS,
    CarrierCapability.QR_LABELLESS,
    CarrierCapability.HOME_PICKUP,
}
"""Everything a Sendcloud adapter may do; each one declares the part its shop's configuration allows."""


@dataclass(frozen=True, slots=True)
class SendcloudSettings:
    """One shop's Sendcloud section (config.toml ``[shops.x.carrier]``), credentials apart."""

    option_code: str = ""  # shipping_option_code of the default return label, e.g. "dpd:return/return"
    labelless_option_code: str = ""
    pickup_option_code: str = ""
    contract: int | None = None
    brand_id: int | None = None
    announce_polls: int = 3
    announce_wait_s: float = 1.0
    lookup_window: timedelta = timedelta(days=2)
    pickup: PickupSlots = field(default_factory=PickupSlots)
    relay: RelayNetworks = field(default_factory=RelayNetworks)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> SendcloudSettings:
        def number(key: str) -> int | None:
            value = section.get(key)
            return None if value is None or value == "" else int(value)

        try:
            return cls(
                option_code=str(section.get("option_code", "")),
                labelless_option_code=str(section.get("labelless_option_code", "")),
                pickup_option_code=str(section.get("pickup_option_code", "")),
                contract=number("contract"),
                brand_id=number("brand_id"),
                announce_polls=int(section.get("announce_polls", 3)),
                announce_wait_s=float(section.get("announce_wait_s", 1.0)),
                lookup_window=timedelta(hours=float(section.get("lookup_window_hours", 48))),
                pickup=PickupSlots.from_section(section),
                relay=RelayNetworks.from_section(section),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Sendcloud options: {exc}") from exc

    def capabilities(self) -> frozenset[CarrierCapability]:
        found = set(ALWAYS)
        if self.relay.networks:
            found.add(CarrierCapability.SERVICE_POINTS)
        if self.labelless_option_code:
            found.add(CarrierCapability.QR_LABELLESS)
        if self.pickup_option_code:
            found.add(CarrierCapability.HOME_PICKUP)
        return frozenset(found)
