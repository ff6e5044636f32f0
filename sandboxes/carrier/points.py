"""Seeded relay points around a few French postcodes, and the geometry to sort them by distance.

The connector's portal lists points "sorted by distance, with opening hours and address"; the sandbox
gives it deterministic ones (Mondial Relay, Colissimo, Chronopost) so pages and tests look the same on
every run. Postcodes geocode from a small table (no online geocoder): a known postcode is ``matched`` at
``postal_code`` precision, a free-text address is geocoded by the first known postcode in it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

CARRIERS: Final[dict[str, str]] = {
    "mondial_relay": "Mondial Relay",
    "colissimo": "Colissimo",
    "chronopost": "Chronopost",
}

# postcode -> (city, latitude, longitude): the reference points the sandbox can geocode.
POSTCODES: Final[dict[str, tuple[str, float, float]]] = {
    "75011": ("Paris", 48.8590, 2.3800),
    "75002": ("Paris", 48.8686, 2.3420),
    "69002": ("Lyon", 45.7485, 4.8270),
    "69007": ("Lyon", 45.7330, 4.8400),
    "13001": ("Marseille", 43.2990, 5.3840),
    "59000": ("Lille", 50.6330, 3.0590),
}


@dataclass(frozen=True, slots=True)
class Point:
    id: int
    name: str
    carrier: str
    carrier_point_id: str
    shop_type: str  # servicepoint | locker | post_office
    street: str
    house_number: str
    postal_code: str
    city: str
    latitude: float
    longitude: float
    hours: tuple[tuple[str, str] | None, ...]  # Monday..Sunday, None = closed
    phone: str = ""


_SHOP: Final = (("09:00", "19:00"),) * 6 + (None,)
_LOCKER: Final = (("00:00", "23:59"),) * 7
_POST: Final = (("09:00", "18:00"),) * 5 + (("09:00", "12:30"), None)

# (name, carrier, type, street, number, postcode, dlat, dlon) around each reference postcode.
_SEED: Final = (
    ("Tabac de la Roquette", "mondial_relay", "servicepoint", "Rue de la Roquette", "52", "75011", 0.0012, -0.0020),
    ("Pressing Voltaire", "mondial_relay", "servicepoint", "Boulevard Voltaire", "101", "75011", 0.0040, 0.0035),
    ("Locker Oberkampf", "mondial_relay", "locker", "Rue Oberkampf", "88", "75011", 0.0075, -0.0060),
    ("La Poste Paris Voltaire", "colissimo", "post_office", "Boulevard Voltaire", "155", "75011", -0.0030, 0.0050),
    ("Épicerie Charonne", "colissimo", "servicepoint", "Rue de Charonne", "120", "75011", -0.0065, 0.0090),
    ("Librairie Sentier", "mondial_relay", "servicepoint", "Rue du Sentier", "24", "75002", 0.0010, 0.0012),
    ("Bureau de poste Paris Bourse", "colissimo", "post_office", "Rue Réaumur", "90", "75002", -0.0020, 0.0030),
    ("Chronopost Pickup Montorgueil", "chronopost", "servicepoint", "Rue Montorgueil", "40", "75002", 0.0030, 0.0040),
    ("Fleuriste Bellecour", "mondial_relay", "servicepoint", "Place Bellecour", "12", "69002", 0.0015, 0.0010),
    ("Locker Perrache", "mondial_relay", "locker", "Cours de Verdun", "14", "69002", -0.0080, -0.0030),
    ("La Poste Lyon Bellecour", "colissimo", "post_office", "Place Antonin Poncet", "10", "69002", 0.0025, -0.0030),
    ("Tabac Jean Macé", "mondial_relay", "servicepoint", "Avenue Jean Jaurès", "65", "69007", 0.0005, 0.0010),
    ("Bureau de poste Lyon Gerland", "colissimo", "post_office", "Rue de Gerland", "210", "69007", -0.0050, -0.0020),
    ("Bazar du Vieux-Port", "mondial_relay", "servicepoint", "Quai du Port", "8", "13001", -0.0040, -0.0030),
    ("Locker Saint-Charles", "mondial_relay", "locker", "Square Narvik", "1", "13001", 0.0040, 0.0020),
    ("Bureau de poste Marseille Colbert", "colissimo", "post_office", "Rue Colbert", "1", "13001", 0.0010, -0.0010),
    ("Chronopost Pickup Canebière", "chronopost", "servicepoint", "La Canebière", "62", "13001", 0.0005, 0.0030),
    ("Tabac de la Grand'Place", "mondial_relay", "servicepoint", "Rue Esquermoise", "5", "59000", 0.0030, -0.0020),
    ("Bureau de poste Lille Rihour", "colissimo", "post_office", "Place Rihour", "8", "59000", 0.0010, 0.0010),
    ("Locker Lille Flandres", "mondial_relay", "locker", "Place des Buisses", "2", "59000", 0.0040, 0.0110),
)  # fmt: skip


def _hours(shop_type: str) -> tuple[tuple[str, str] | None, ...]:
    return {"locker": _LOCKER, "post_office": _POST}.get(shop_type, _SHOP)


def seed_points() -> tuple[Point, ...]:
    points = []
    for index, (name, carrier, kind, street, number, postcode, dlat, dlon) in enumerate(_SEED):
        city, lat, lon = POSTCODES[postcode]
        prefix = {"mondial_relay": "FR", "colissimo": "", "chronopost": "CP"}[carrier]
        points.append(Point(
            id=1_000_001 + index, name=name, carrier=carrier, carrier_point_id=f"{prefix}{postcode}{index:03d}",
            shop_type=kind, street=street, house_number=number, postal_code=postcode, city=city,
            latitude=round(lat + dlat, 6), longitude=round(lon + dlon, 6), hours=_hours(kind),
        ))  # fmt: skip
    return tuple(points)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Haversine distance in whole metres: what the description's ``distance`` field carries."""
    radius = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * radius * math.asin(math.sqrt(a)))


_POSTCODE_IN_TEXT: Final = re.compile(r"\b(\d{5})\b")


def geocode(postcode: str | None, text: str | None) -> tuple[str, float, float] | None:
    """A postcode (or the first one found in free text) -> (formatted address, lat, lon); None = not found."""
    candidates = [postcode.strip().replace(" ", "")] if postcode else _POSTCODE_IN_TEXT.findall(text or "")
    for candidate in candidates:
        if candidate in POSTCODES:
            city, lat, lon = POSTCODES[candidate]
            return f"{candidate} {city}, France", lat, lon
    return None
