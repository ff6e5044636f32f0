"""A relay point's distance and opening hours, and a pickup window, written in the page's language (Babel, CLDR).

Why here and as template filters: the relay screen, the review and the tracking page show the same point and the
same window, and must say them alike: ``350 m`` / ``1,2 km``, ``Lundi - samedi : 09:00 - 19:00``, ``mardi 10
mars 2026, 09:00 - 18:00``. Weekday and month names come from CLDR through Babel, in the locale the page's other
dates use (``formatting.page_locale``: the language, in the browser's region), never from our catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_interval, get_day_names, get_time_format
from babel.units import format_unit
from flask_babel import gettext as _
from flask_babel import pgettext

from connector.domain.shipping import PickupWindow
from connector.pages.formatting import page_locale
from connector.pages.portal import bp

ROUND_THE_CLOCK: Final = frozenset({"00:00-23:59", "00:00-24:00"})
"""How carriers spell a locker that never closes."""


@bp.app_template_filter("distance")
def distance(metres: int | None) -> str:
    """``350 m`` under a kilometre, else ``1.2 km`` (one decimal), as the locale writes units."""
    if metres is None:
        return ""
    locale = page_locale()
    if metres < 1000:
        return str(format_unit(metres, "length-meter", "short", locale=locale))
    return str(format_unit(round(metres / 1000, 1), "length-kilometer", "short", locale=locale))


@bp.app_template_filter("opening_rows")
def opening_rows(hours: Mapping[int, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(days, hours) rows, Monday first, the days that keep the same hours run together: ``("Monday - Saturday",
    "09:00 - 19:00")``, ``("Sunday", "Closed")``. Empty when the carrier gave no hours at all."""
    if not hours:
        return []
    locale = page_locale()
    names = get_day_names("wide", context="stand-alone", locale=locale)
    rows: list[tuple[int, int, str]] = []
    for day in range(1, 8):
        said = _ranges(hours.get(day, ()), locale)
        if rows and rows[-1][2] == said:
            rows[-1] = (rows[-1][0], day, said)
        else:
            rows.append((day, day, said))
    return [(_days(names[first - 1], names[last - 1], first == last), said) for first, last, said in rows]


@bp.app_template_filter("pickup_window")
def pickup_window(window: PickupWindow, zone: str = "UTC") -> str:
    """``Tuesday 10 March 2026, 09:00 - 18:00`` in ``zone`` (the customer's clock: ``display_zone``)."""
    locale = page_locale()
    starts, ends = (_in_zone(stamp, zone) for stamp in (window.starts_at, window.ends_at))
    day = str(format_date(starts.date(), "full", locale=locale))
    return str(_("%(day)s, %(hours)s", day=day, hours=_interval(starts.time(), ends.time(), locale)))


def _ranges(ranges: tuple[str, ...], locale: str) -> str:
    if not ranges:
        return str(pgettext("opening hours", "Closed"))
    if any(text.replace(" ", "") in ROUND_THE_CLOCK for text in ranges):
        return str(_("Open 24 hours"))
    said = []
    for text in ranges:
        start, _sep, end = text.partition("-")
        try:
            said.append(_interval(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()), locale))
        except ValueError:
            said.append(text)  # a carrier's odd spelling is still better shown than dropped
    return ", ".join(said)


def _interval(start: time, end: time, locale: str) -> str:
    """The locale's own clock: 24-hour (``09:00 - 19:00``) or 12-hour (``9:00 AM - 7:00 PM``)."""
    skeleton = "Hm" if "H" in get_time_format("short", locale=locale).pattern else "hm"
    return str(format_interval(start, end, skeleton, locale=locale))


def _days(first: str, last: str, single: bool) -> str:
    said = first if single else f"{first} \u2013 {last}"
    return said[:1].upper() + said[1:]


def _in_zone(stamp: datetime, zone: str) -> datetime:
    try:
        return stamp.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return stamp
