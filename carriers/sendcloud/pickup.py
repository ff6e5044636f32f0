"""The collection windows a Sendcloud shop offers its customers, computed from the shop's own settings.

Why computed and not asked: Sendcloud's descriptions have no pickup-slot look-up for returns. A return is
collected when it is made with ``delivery_option: "pickup"`` and a shipping option with the ``pick_up``
functionality (v3 returns, ``CreateReturn``), "on the next working day or the day after" as Sendcloud's return
methods page puts it (carriers.md §4); the Pickups API (``POST /v3/pickups``, ``time_slots``) books the
merchant's own collections and is not described for returns. So the windows the portal offers are the shop's
promise, set in its carrier options, and the label job books the one chosen (``book_pickup``):

- ``pickup_days``: how many working days are offered (default 5);
- ``pickup_hours``: the window(s) of a day, local time, ``"09:00-18:00"`` or ``"09:00-13:00,14:00-18:00"``;
- ``pickup_lead_days``: working days between today and the first day offered (default 1: tomorrow at the
  earliest, a working day);
- ``pickup_timezone``: the zone the hours are in (default ``Europe/Paris``);
- ``pickup_closed_dates``: ISO dates never offered (public holidays, the warehouse's closures).

Working days are Monday to Friday. Every window is handed back in UTC, as ``PickupWindow`` requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connector.domain.shipping import PickupWindow
from connector.errors import ConfigError

DEFAULT_DAYS: Final = 5
DEFAULT_HOURS: Final = "09:00-18:00"
DEFAULT_TIMEZONE: Final = "Europe/Paris"
MAX_DAYS: Final = 30
"""A month of days is already more than a customer reads; more is a typo in the configuration."""
_SATURDAY: Final = 5


@dataclass(frozen=True, slots=True)
class PickupSlots:
    """A shop's pickup promise (see the module's docstring for each option)."""

    days: int = DEFAULT_DAYS
    hours: tuple[tuple[time, time], ...] = ((time(9), time(18)),)
    lead_days: int = 1
    timezone: str = DEFAULT_TIMEZONE
    closed_dates: frozenset[date] = frozenset()

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> PickupSlots:
        """The options of a ``[shops.carrier]`` section; ``ConfigError`` naming the option that does not read."""
        try:
            days = int(section.get("pickup_days", DEFAULT_DAYS))
            lead = int(section.get("pickup_lead_days", 1))
            hours = _hours(str(section.get("pickup_hours", DEFAULT_HOURS)))
            closed = frozenset(date.fromisoformat(str(day)) for day in section.get("pickup_closed_dates") or ())
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Sendcloud pickup options: {exc}") from exc
        zone = str(section.get("pickup_timezone", DEFAULT_TIMEZONE))
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"Sendcloud pickup_timezone {zone!r} is not a known time zone") from exc
        if not 1 <= days <= MAX_DAYS or lead < 0:
            raise ConfigError(f"Sendcloud pickup_days must be 1 to {MAX_DAYS} and pickup_lead_days 0 or more")
        return cls(days=days, hours=hours, lead_days=lead, timezone=zone, closed_dates=closed)

    def windows(self, after: datetime) -> list[PickupWindow]:
        """The windows of the next ``days`` working days, the first ``lead_days`` working days after ``after``'s
        local day skipped; each in UTC, earliest first. A window already begun is not offered."""
        zone = ZoneInfo(self.timezone)
        day = after.astimezone(zone).date()
        skipped = 0
        while skipped < self.lead_days:
            day += timedelta(days=1)
            skipped += self._working(day)
        found: list[PickupWindow] = []
        offered = 0
        while offered < self.days:
            if self._working(day):
                offered += 1
                found.extend(self._day_windows(day, zone, after))
            day += timedelta(days=1)
        return found

    def _working(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and day not in self.closed_dates

    def _day_windows(self, day: date, zone: ZoneInfo, after: datetime) -> list[PickupWindow]:
        windows = []
        for start, end in self.hours:
            starts = datetime.combine(day, start, zone).astimezone(UTC)
            ends = datetime.combine(day, end, zone).astimezone(UTC)
            if starts > after:
                windows.append(PickupWindow(starts_at=starts, ends_at=ends))
        return windows


def _hours(text: str) -> tuple[tuple[time, time], ...]:
    """``"09:00-13:00,14:00-18:00"`` -> the day's windows; each must end after it starts."""
    found = []
    for part in text.split(","):
        start, _, end = part.strip().partition("-")
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        if closes <= opens:
            raise ValueError(f"pickup_hours {part.strip()!r} ends before it starts")
        found.append((opens, closes))
    return tuple(sorted(found))
