"""``returns-connector carriers test``: build a shop's carrier adapter and make one call that changes nothing.

Why a live call at all: a wrong key, a base URL pointing nowhere or a carrier that refuses the integration are
found now, by the merchant at the terminal, rather than by the first customer whose label is never made. Which
call is chosen from what the carrier declares, never from which carrier it is:

- a carrier with relay points (Sendcloud) is asked for those near the warehouse's postcode: a read, billed by
  no carrier, that goes through the same authentication as a label;
- a carrier that prints labels but follows no parcel and cancels nothing (the self-issued label) draws its labels
  here, with no account behind them: a sample label is drawn into memory and checked to be a PDF;
- any other carrier is only built: making a label would buy one, so nothing is sent, and the report says so.

Failures are ``ConnectorError``s with the carrier's reason, which the command prints without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.carrier_settings import LABELS, ShopCarrier
from connector.domain.shipping import (
    CarrierCapability,
    LabelRequest,
    LabelWording,
    PackingLine,
    PaperSize,
    Parcel,
    PostalAddress,
    ServicePointQuery,
)
from connector.errors import ConfigError, PermanentError
from connector.ports import CarrierAdapter
from connector.services.deps import Deps

SAMPLE_RETURN = "CARRIER-TEST"
"""The return number printed on a test label; no return has it (ids are generated)."""
_LOCAL_ONLY = frozenset({CarrierCapability.TRACKING_WEBHOOKS, CarrierCapability.CANCEL})


@dataclass(frozen=True, slots=True)
class CarrierCheck:
    carrier: str
    call: str
    """What was done: ``service_points``, ``label`` or ``none`` (only the adapter was built)."""
    detail: str


def check_carrier(deps: Deps, shop_id: str) -> CarrierCheck:
    """Build the shop's adapter and make its harmless call; raises ``ConnectorError`` on any failure."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        account = uow.carriers(shop_id).get()
        if account is None:
            raise ConfigError(f"shop {shop.address} has no carrier: set one with `returns-connector carriers add` "
                              "or the config's [shops.carrier]")
        missing = account.missing_env()
        if missing:
            raise ConfigError(f"{account.carrier}: environment variable(s) not set: {', '.join(missing)}")
        adapter = deps.carrier_for(uow, shop)
    if adapter is None:
        raise ConfigError(f"shop {shop.address}: no adapter could be built for {account.carrier}")
    capabilities = frozenset(adapter.capabilities)
    if CarrierCapability.SERVICE_POINTS in capabilities:
        return _service_points(adapter, account)
    if capabilities & LABELS and not capabilities & _LOCAL_ONLY:
        return _drawn_label(adapter, account, deps.config.app.base_url)
    return CarrierCheck(account.carrier, "none", "adapter built; no call of this carrier changes nothing, so none "
                        "was made")


def _warehouse(account: ShopCarrier) -> PostalAddress:
    address = account.return_address
    if address is None:
        raise ConfigError(f"{account.carrier}: the account has no return_address (the warehouse)")
    return address


def _service_points(adapter: CarrierAdapter, account: ShopCarrier) -> CarrierCheck:
    address = _warehouse(account)
    points = adapter.find_service_points(
        ServicePointQuery(country=address.country, postal_code=address.postal_code, limit=5)
    )
    where = f"{address.postal_code} {address.country}"
    if not points:
        return CarrierCheck(account.carrier, "service_points", f"answered: no relay point near {where}")
    nearest = points[0]
    distance = f", {nearest.distance_m} m" if nearest.distance_m is not None else ""
    return CarrierCheck(account.carrier, "service_points",
                        f"answered: {len(points)} relay point(s) near {where}; nearest {nearest.name}{distance}")


def _drawn_label(adapter: CarrierAdapter, account: ShopCarrier, base_url: str) -> CarrierCheck:
    address = _warehouse(account)
    request = LabelRequest(
        return_id=SAMPLE_RETURN,
        idempotency_key=f"ret:{SAMPLE_RETURN}:label",
        sender=address,
        recipient=address,
        parcel=Parcel(weight_grams=500),
        method="prepaid_label",
        lines=(PackingLine("Sample item", 1),),
        verification_url=f"{base_url.rstrip('/')}/carriers-test/{SAMPLE_RETURN}",
        wording=LabelWording("en", "Return to", "From", "Return number", "In the parcel", ("Test label only.",)),
    )
    label = adapter.create_return_label(request, (PaperSize.A6,))
    document = next((d for d in label.documents if d.pdf.startswith(b"%PDF")), None)
    if document is None:
        raise PermanentError(f"{account.carrier}: the test label is not a PDF")
    return CarrierCheck(account.carrier, "label",
                        f"drew a sample {document.paper_size} label in memory ({len(document.pdf)} bytes); "
                        "nothing was sent")
