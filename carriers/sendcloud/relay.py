"""Which shipping option carries a relay-point return: the one of the chosen point's own network.

Why per network: a relay point takes only its network's parcels (a Mondial Relay shop does not accept a
Colissimo label), while a Sendcloud account ships with several carriers and its service-point search lists the
points of all of them. So the shop names, per network, the shipping option its relay returns go with:

- ``relay_option_codes = { mondial_relay = "mondial_relay:...", colissimo = "colissimo:..." }``: the key is the
  network as a service point names it (``carrier.code``, v3 service points), the value a ``shipping_option_code``
  (v3 returns ``ShipWith``). When set, it is the whole list: the points searched are those networks', and a point
  of another network gets no label.
- Without it, as before this table existed, the single relay option (``option_codes.relay_point``, else
  ``labelless_option_code``, else ``option_code``) serves the one network its code names. Sendcloud writes its
  option codes ``<carrier code>:<product>/<functionalities>`` (sendcloud.dev/api/v3/shipping-options: code
  ``postnl:small/home_address_only,signature`` of carrier ``postnl``), so ``colissimo:return/dropoff`` is
  Colissimo's.

An option equal to the shop's ``labelless_option_code`` is sent as ``drop_off_labelless`` (a QR code at the
counter), any other as ``drop_off_point`` (a printed label). A relay return with no point chosen (approved at the
shop, or a portal that had nothing to pick) goes with the first network's option, the one the shop lists first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from connector.errors import ConfigError, PermanentError

DROP_OFF: Final = "drop_off_point"
LABELLESS: Final = "drop_off_labelless"
NETWORK: Final = re.compile(r"^[a-z0-9][a-z0-9_]*$")
"""A Sendcloud carrier code as service points name it: ``mondial_relay``, ``colissimo``, ``dpd``."""


@dataclass(frozen=True, slots=True)
class RelayOption:
    """The ``shipping_option_code`` and ``delivery_option`` of a relay return."""

    code: str
    delivery_option: str = DROP_OFF


@dataclass(frozen=True, slots=True)
class RelayNetworks:
    """The networks a shop can ship relay returns with, each with its option, in the shop's order."""

    options: Mapping[str, RelayOption] = field(default_factory=dict)

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> RelayNetworks:
        """From a ``[shops.carrier]`` options table (see the module's docstring); ``ConfigError`` naming the entry
        of ``relay_option_codes`` that does not read."""
        labelless = str(section.get("labelless_option_code") or "")
        table = section.get("relay_option_codes")
        if table:
            return cls(_table(table, labelless))
        per_method = section.get("option_codes")
        single = str(per_method.get("relay_point") or "") if isinstance(per_method, Mapping) else ""
        if single:
            found = RelayOption(single)
        elif labelless:
            found = RelayOption(labelless, LABELLESS)
        else:
            found = RelayOption(str(section.get("option_code") or ""))
        network = network_of(found.code)
        return cls({network: found} if network else {})

    @property
    def networks(self) -> tuple[str, ...]:
        return tuple(self.options)

    def default(self) -> RelayOption | None:
        """The option of a relay return with no point chosen: the first network's."""
        return next(iter(self.options.values()), None)

    def for_network(self, network: str) -> RelayOption | None:
        return self.options.get(network)

    def option_for(self, network: str | None, asked: str = "", point: str = "") -> RelayOption:
        """The option of a relay return whose point is of ``network`` (None: no point chosen, the default).
        ``asked``, the request's own option code, serves its network when the shop's relay options do not name
        it. ``PermanentError`` naming the network when nothing serves it: its points take no other label."""
        extra = RelayOption(asked) if asked else None
        if network is None:
            found = self.default() or extra
            if found is None:
                raise PermanentError("Sendcloud: no relay option configured (relay_option_codes or option_code)")
            return found
        found = self.for_network(network)
        if found is None and extra is not None and network_of(extra.code) == network:
            found = extra
        if found is None:
            served = ", ".join(self.networks) or "no network"
            raise PermanentError(
                f"Sendcloud: relay point {point or '?'} is a {network} point, and this shop ships relay returns with "
                f"{served} only (relay_option_codes): the customer must choose another point, or the shop adds a "
                f"{network} option"
            )
        return found


def network_of(option_code: str) -> str:
    """The carrier code an option code starts with (``colissimo:return/dropoff`` -> ``colissimo``); empty when the
    code names none."""
    carrier, sep, _ = option_code.partition(":")
    return carrier if sep and NETWORK.match(carrier) else ""


def _table(table: Any, labelless: str) -> dict[str, RelayOption]:
    if not isinstance(table, Mapping):
        raise ConfigError('Sendcloud relay_option_codes must be a table: { mondial_relay = "...", ... }')
    found: dict[str, RelayOption] = {}
    for network, code in table.items():
        if not NETWORK.match(str(network)):
            raise ConfigError(f"Sendcloud relay_option_codes: {network!r} is not a carrier code such as colissimo")
        if not isinstance(code, str) or not code.strip():
            raise ConfigError(f"Sendcloud relay_option_codes.{network} must be a shipping_option_code")
        found[str(network)] = RelayOption(code.strip(), LABELLESS if code.strip() == labelless else DROP_OFF)
    return found
