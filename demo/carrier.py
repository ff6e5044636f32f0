"""The demo's carrier: the sandbox carrier (Sendcloud's v3 shapes, ``sandboxes/carrier``) as each demo shop's
Sendcloud account, set the way a merchant sets one (``[shops.carrier]`` or ``returns-connector carriers add``:
the same schema, ``connector.config.carrier_schema``, and the same service, ``connector.services.carriers``).

Why one sandbox per shop: a Sendcloud account pushes its tracking webhooks to one URL (the integration's), and
the connector's tracking address names its shop (``/carriers/sendcloud/tracking/<shop id>``). Two merchants,
two accounts, each pointed at its own address and signing with its own key.

The keys are the sandbox's, well known like the Shopify sandbox's app secret: the demo puts them in its own
environment (``DEMO_SENDCLOUD_<SHOP>_*``), which the worker processes inherit, and the account names the
variables, never the keys, as a real account does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import requests

from connector.carrier_settings import FROM_CLI, ShopCarrier
from connector.config.carrier_schema import CarrierSchema, carrier_from
from connector.services.carriers import set_carrier
from connector.services.deps import Deps
from sandboxes.carrier.app import start_in_thread
from sandboxes.carrier.carrier import CarrierOptions

CARRIER_KEY: Final = "sendcloud"
WAREHOUSE: Final = {
    "name": "Retours Demo", "company": "Demo Returns SAS", "street": "Rue de Gerland", "house_number": "60",
    "postal_code": "69007", "city": "Lyon", "country": "FR", "email": "retours@example.com",
}  # fmt: skip
"""Where every label sends its parcel: a warehouse in Lyon, near the sandbox carrier's seeded relay points."""
METHODS: Final = {
    "FR": ["prepaid_label", "relay_point", "home_pickup", "in_store"],
    "default": ["prepaid_label", "in_store"],
}
"""Every way back for parcels from France, where the sandbox carrier has relay points; a label or the store
elsewhere."""
OPTIONS: Final = {
    "option_code": "colissimo:return/dropoff",
    # A relay point takes only its own network's parcels: the portal lists these two networks' points (not the
    # sandbox's Chronopost ones), and a relay label goes with the option of the chosen point's network.
    "relay_option_codes": {"mondial_relay": "mondial_relay:return/dropoff", "colissimo": "colissimo:return/relay"},
    "pickup_option_code": "colissimo:return/pickup",  # without it, Sendcloud offers no pickup
    "pickup_days": 5,
    "pickup_hours": "09:00-13:00,14:00-18:00",
    "announce_polls": 2,
    "announce_wait_s": 0.2,
}


@dataclass(frozen=True, slots=True)
class DemoCarrier:
    """One shop's sandbox Sendcloud account: where it listens and the environment variables of its keys."""

    url: str
    env_prefix: str

    @property
    def credentials_env(self) -> dict[str, str]:
        return {"public_key": f"{self.env_prefix}_PUBLIC_KEY", "secret_key": f"{self.env_prefix}_SECRET_KEY"}

    def secret_key(self) -> str:
        return os.environ[self.credentials_env["secret_key"]]


def start_carrier(name: str) -> tuple[DemoCarrier, Callable[[], None]]:
    """A sandbox carrier on a free port of 127.0.0.1 for the shop ``name`` (``shopify``), its keys in this
    process's environment; how to stop it."""
    prefix = f"DEMO_SENDCLOUD_{name.upper()}"
    options = CarrierOptions(public_key=f"demo-{name}-public-key", secret_key=f"demo-{name}-secret-key")
    os.environ[f"{prefix}_PUBLIC_KEY"] = options.public_key
    os.environ[f"{prefix}_SECRET_KEY"] = options.secret_key
    url, _app, stop = start_in_thread(options)
    return DemoCarrier(url, prefix), stop


def account_table(carrier: DemoCarrier) -> dict[str, Any]:
    """The shop's ``[shops.carrier]`` table, as a merchant would write it for this account."""
    return {
        "key": CARRIER_KEY,
        "credentials_env": carrier.credentials_env,
        "options": {"base_url": f"{carrier.url}/api", **OPTIONS},
        "return_address": dict(WAREHOUSE),
        "methods": {country: list(methods) for country, methods in METHODS.items()},
    }


def tracking_address(app_url: str, shop_id: str) -> str:
    """The connector's tracking webhook address for the shop's carrier account (``webhooks.tracking``)."""
    return f"{app_url}/carriers/{CARRIER_KEY}/tracking/{shop_id}"


def use_carriers(deps: Deps, app_url: str, carriers: Mapping[str, DemoCarrier]) -> None:
    """Give each shop (by id) its sandbox account, checked by the config's schema, and point the account's
    webhooks at the connector, signed with the account's secret key as Sendcloud signs them."""
    for shop_id, carrier in carriers.items():
        account: ShopCarrier = carrier_from(CarrierSchema().load(account_table(carrier)), FROM_CLI)
        set_carrier(deps, shop_id, account)
        answer = requests.put(f"{carrier.url}/__sandbox/webhooks", timeout=10,
                              json={"url": tracking_address(app_url, shop_id), "secret": carrier.secret_key()})
        answer.raise_for_status()


def advance_parcel(carrier: DemoCarrier, carrier_ref: str, steps: int = 5) -> list[int]:
    """Play the parcel's scripted journey at the carrier (drop-off or collection, sorting, delivery to the
    warehouse), each status pushed as a tracking webhook before this answers; the statuses played."""
    answer = requests.post(f"{carrier.url}/__sandbox/returns/{carrier_ref}/advance", json={"steps": steps},
                           timeout=30)
    answer.raise_for_status()
    played: list[int] = answer.json()["played"]
    return played
