"""What the customer picks once the way back is chosen: the relay point they will drop the parcel at, or the day
a carrier comes to collect it. Both come from the shop's carrier (``Deps.carrier_for``), never from a list of
our own, so the label job and the carrier agree with what the customer was shown.

Why a use case apart from the method screen's: the relay screen searches again whenever the customer types
another postcode, and the pickup screen asks for the carrier's windows; neither needs the policy's fees. A shop
without a carrier, or whose carrier lists no points or collects nothing, has nothing to pick: the portal then
goes from the method straight to the review, as it did before carriers existed.

The order's shipping address gives the first search its postcode and the pickup its address; a customer may
search near another postcode (where they work, where they will be). A postcode is checked against its
country's form before the carrier is asked, so a typo is answered at once, in the customer's language.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass, replace
from typing import Final

from babel.core import get_global

from connector.branding import Branding
from connector.domain.orders import Order, Shop
from connector.domain.resolutions import ReturnMethod
from connector.domain.shipping import CarrierCapability, PickupWindow, PostalAddress, ServicePoint, ServicePointQuery
from connector.errors import ConnectorError, PermanentError
from connector.ports import CarrierAdapter
from connector.services.deps import Deps
from connector.services.orders import order_at_hand
from connector.services.policies import current_policy
from connector.services.portal_settings import portal_branding

log = logging.getLogger("connector.portal.logistics")

RELAY_POINTS_SHOWN: Final = 10
"""A phone screen's worth of choices: the nearest ten, each with its address and hours."""
SEARCH_RADIUS_M: Final = 10_000
"""A town's worth: a customer walks or drives to a relay point, and a postcode's centre is approximate."""
POSTCODE_FORMS: Final = {
    # The postcode's shape in the countries the carriers of issue 19 serve (the Universal Postal Union's formats).
    "FR": r"\d{5}", "DE": r"\d{5}", "ES": r"\d{5}", "IT": r"\d{5}", "FI": r"\d{5}", "MC": r"980\d{2}",
    "BE": r"\d{4}", "LU": r"\d{4}", "AT": r"\d{4}", "CH": r"\d{4}", "DK": r"\d{4}", "NO": r"\d{4}",
    "NL": r"\d{4} ?[A-Z]{2}", "PT": r"\d{4}-\d{3}", "PL": r"\d{2}-\d{3}", "SE": r"\d{3} ?\d{2}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
}  # fmt: skip
ANY_POSTCODE: Final = r"[A-Z\d][A-Z\d -]{1,8}[A-Z\d]"
"""Elsewhere: letters, digits, spaces and hyphens, 3 to 10 of them, as every country's postcodes are written."""


class Pick(enum.StrEnum):
    """What the customer picks after the method, when the shop's carrier offers it."""

    RELAY_POINT = "relay_point"
    PICKUP_WINDOW = "pickup_window"


def pick_for(method: ReturnMethod | None, capabilities: frozenset[CarrierCapability]) -> Pick | None:
    if method is ReturnMethod.RELAY_POINT and CarrierCapability.SERVICE_POINTS in capabilities:
        return Pick.RELAY_POINT
    if method is ReturnMethod.HOME_PICKUP and CarrierCapability.HOME_PICKUP in capabilities:
        return Pick.PICKUP_WINDOW
    return None


class SearchProblem(enum.StrEnum):
    INVALID_POSTCODE = "invalid_postcode"
    NOTHING_FOUND = "nothing_found"
    UNAVAILABLE = "unavailable"
    """The carrier did not answer (down, throttled): try again in a minute."""


@dataclass(frozen=True, slots=True)
class RelaySearch:
    """The relay points near ``postal_code`` (nearest first), or why there are none to show."""

    order: Order
    branding: Branding
    pick: Pick | None
    """``RELAY_POINT`` when the shop's carrier lists points; otherwise there is nothing to pick."""
    country: str
    postal_code: str
    """As searched (the order's, else the customer's), upper case; empty when neither is known yet."""
    points: tuple[ServicePoint, ...] = ()
    problem: SearchProblem | None = None


@dataclass(frozen=True, slots=True)
class PickupOffer:
    """The carrier's collection windows for the order's address, and the zone they are shown in."""

    order: Order
    branding: Branding
    pick: Pick | None
    windows: tuple[PickupWindow, ...]
    timezone: str
    unavailable: bool = False


def carrier_picks(deps: Deps, shop_id: str, order_id: str) -> frozenset[CarrierCapability]:
    """What the shop's carrier can do for this order's parcel, as the pick screens judge it: none without a
    carrier, or when its adapter cannot be built here (the label job meets the same problem and alerts an agent,
    not the customer); no relay points when the parcel's country is unknown (there is nowhere to search)."""
    found = order_at_hand(deps, shop_id, order_id)
    capabilities = _capabilities(_carrier(deps, found.shop))
    if parcel_country(deps, shop_id, found.order) is None:
        return capabilities - {CarrierCapability.SERVICE_POINTS}
    return capabilities


def parcel_country(deps: Deps, shop_id: str, order: Order) -> str | None:
    """Where the parcel leaves from: the order's shipping country, else the warehouse's (a shop's returns come
    mostly from its own country, and the customer searches by postcode there)."""
    found = order_country(order)
    if found:
        return found
    with deps.uow() as uow:
        account = uow.carriers(shop_id).get()
    warehouse = account.return_address if account is not None else None
    return warehouse.country.upper() if warehouse is not None and warehouse.country else None


def order_country(order: Order) -> str | None:
    """Where the parcel leaves from: the shipping address's country, else the order's."""
    address = order.shipping_address
    country = (address.country if address is not None else "") or order.country or ""
    return country.upper() or None


def relay_points(deps: Deps, shop_id: str, order_id: str, postal_code: str | None = None) -> RelaySearch:
    """The points near ``postal_code`` (the customer's search), or near the order's shipping postcode."""
    found = order_at_hand(deps, shop_id, order_id)
    order, shop = found.order, found.shop
    carrier = _carrier(deps, shop)
    branding = portal_branding(deps, shop)
    country = parcel_country(deps, shop_id, order) or ""
    pick = pick_for(ReturnMethod.RELAY_POINT, _capabilities(carrier)) if country else None
    asked = postal_code if postal_code is not None else (order.shipping_address or _NOWHERE).postal_code
    searched = normalized_postcode(asked)
    base = RelaySearch(order, branding, pick, country, searched)
    if carrier is None or pick is None or (not searched and postal_code is None):
        return base
    if not postcode_valid(searched, country):
        return replace(base, problem=SearchProblem.INVALID_POSTCODE)
    query = ServicePointQuery(country, postal_code=searched, radius_m=SEARCH_RADIUS_M, limit=RELAY_POINTS_SHOWN)
    try:
        points = carrier.find_service_points(query)
    except PermanentError:  # the carrier refused the postcode (it could not place it)
        return replace(base, problem=SearchProblem.NOTHING_FOUND)
    except ConnectorError as exc:
        log.warning("portal.relay-points-unavailable", extra={"shop_id": shop_id, "error": str(exc)})
        return replace(base, problem=SearchProblem.UNAVAILABLE)
    nearest = sorted(points, key=lambda point: (point.distance_m is None, point.distance_m or 0))
    if not nearest:
        return replace(base, problem=SearchProblem.NOTHING_FOUND)
    return replace(base, points=tuple(nearest[:RELAY_POINTS_SHOWN]))


def pickup_offer(deps: Deps, shop_id: str, order_id: str) -> PickupOffer:
    """The windows the shop's carrier offers to collect at the order's address, from now on."""
    found = order_at_hand(deps, shop_id, order_id)
    order, shop = found.order, found.shop
    carrier = _carrier(deps, shop)
    with deps.uow() as uow:
        policy = current_policy(uow, shop_id)
    branding = portal_branding(deps, shop)
    country = order_country(order) or ""
    zone = display_zone(country, policy.timezone)
    pick = pick_for(ReturnMethod.HOME_PICKUP, _capabilities(carrier))
    if carrier is None or pick is None:
        return PickupOffer(order, branding, None, (), zone)
    address = order.shipping_address or PostalAddress("", "", "", "", country)
    try:
        windows = tuple(carrier.pickup_windows(address, deps.clock()))
    except ConnectorError as exc:
        log.warning("portal.pickup-windows-unavailable", extra={"shop_id": shop_id, "error": str(exc)})
        return PickupOffer(order, branding, pick, (), zone, unavailable=True)
    return PickupOffer(order, branding, pick, windows, zone)


def normalized_postcode(text: str) -> str:
    """Upper case, spaces collapsed, ends trimmed: what the customer meant, whatever they typed around it."""
    return re.sub(r"\s+", " ", text).strip().upper()


def postcode_valid(postcode: str, country: str) -> bool:
    return re.fullmatch(POSTCODE_FORMS.get(country, ANY_POSTCODE), postcode, re.ASCII) is not None


def display_zone(country: str, shop_zone: str) -> str:
    """The zone a pickup's hours are shown in: the country's when it has only one (France: Europe/Paris), else
    the shop's (its policy's ``timezone``): the customer reads the hours of their own clock."""
    zones: list[str] = get_global("territory_zones").get(country.upper(), [])
    if len(zones) == 1:
        return zones[0]
    return shop_zone


_NOWHERE: Final = PostalAddress("", "", "", "", "")


def _carrier(deps: Deps, shop: Shop) -> CarrierAdapter | None:
    with deps.uow() as uow:
        try:
            return deps.carrier_for(uow, shop)
        except ConnectorError as exc:
            log.warning("portal.carrier-unavailable", extra={"shop_id": shop.id, "error": str(exc)})
            return None


def _capabilities(carrier: CarrierAdapter | None) -> frozenset[CarrierCapability]:
    return frozenset(carrier.capabilities) if carrier is not None else frozenset()
