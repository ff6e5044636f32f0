"""Money, dates and counts written the way the page's language writes them, as Jinja filters.

Templates never format a number themselves: ``{{ refund | money }}`` is ``12,50 €`` in French and ``€12.50``
in English, from CLDR through Babel, in the language Flask-Babel chose for the request (``connector.pages.i18n``).

Dates come in as timezone-aware datetimes (the store keeps UTC); a naive one is a bug upstream and is refused
rather than guessed. They are shown in the shop's timezone when the page passes it
(``{{ deadline | date(shop_timezone) }}``), in UTC otherwise.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_date_format, get_datetime_format, get_time_format
from babel.numbers import format_currency
from flask import Flask, has_request_context, request
from flask_babel import get_locale, ngettext

from connector.domain.money import Money

_UTC: Final = ZoneInfo("UTC")
_DEFAULT_LOCALE: Final = "en"
FORMATTED_KEPT: Final = 4096
"""Texts kept per kind (prices, days): a page's worth for many orders; the least recently used go first."""


def format_money(value: Money, locale: str | None = None) -> str:
    """The amount with its currency, in the currency's own number of decimals (JPY none, KWD three)."""
    return _money_text(str(value.amount), value.currency, _locale(locale))


def format_day(value: date | datetime, timezone: str | None = None, locale: str | None = None) -> str:
    """A day in words (``5 mars 2026``, ``March 5, 2026``); a datetime is first moved to ``timezone``."""
    day = _in_zone(value, timezone).date() if isinstance(value, datetime) else value
    return _day_text(day, _locale(locale))


@functools.lru_cache(maxsize=FORMATTED_KEPT)
def _money_text(amount: str, currency: str, locale: str) -> str:
    """Babel's formatting, kept: it depends on nothing but its arguments (CLDR's data ships with Babel), and
    parsing the locale's pattern each time cost more than the rest of a price's line on a page. The amount
    is keyed by its exact text, so ``39.9`` and ``39.90`` are formatted on their own."""
    return str(format_currency(Decimal(amount), currency, locale=locale))


@functools.lru_cache(maxsize=FORMATTED_KEPT)
def _day_text(day: date, locale: str) -> str:
    """Kept for the same reason as ``_money_text``; a ``datetime`` never gets here (its day is taken first)."""
    return str(babel_format_date(day, "long", locale=locale))


def format_moment(value: datetime, timezone: str | None = None, locale: str | None = None) -> str:
    """A day in words and a time to the minute (``5 mars 2026, 23:30``, ``March 5, 2026, 11:30 PM``):
    CLDR's long date and short time, joined as the language joins them. Seconds and the zone's offset
    mean nothing to a customer."""
    language = _locale(locale)
    pattern = (
        str(get_datetime_format("long", locale=language))
        .replace("{1}", get_date_format("long", locale=language).pattern)
        .replace("{0}", get_time_format("short", locale=language).pattern)
    )
    return str(babel_format_datetime(_in_zone(value, timezone), pattern, locale=language))


def days_left(count: int) -> str:
    """``1 day left`` / ``3 days left``, with the language's plural rules (French counts 0 as singular)."""
    return str(ngettext("%(num)d day left", "%(num)d days left", count))


def install_filters(app: Flask) -> None:
    app.jinja_env.filters.update(money=format_money, date=format_day, datetime=format_moment, days_left=days_left)


def page_locale() -> str:
    """The locale the page's numbers and dates are written in (its language, in the browser's region)."""
    return _locale(None)


def _locale(locale: str | None) -> str:
    if locale:
        return locale
    current = get_locale()
    language = str(current) if current is not None else _DEFAULT_LOCALE
    header = request.headers.get("Accept-Language", "") if has_request_context() else ""
    return regional_locale(language, header)


@functools.lru_cache(maxsize=256)
def regional_locale(language: str, accept_language: str) -> str:
    """The page's language in the browser's region when the browser names one for it: ``en`` with ``en-GB``
    is ``en_GB`` ("5 March 2026"), with ``en-US`` or none ``en`` ("March 5, 2026"). The catalogue stays the
    language's (``i18n`` drops regions to pick it); only dates, times and numbers follow the region.
    Cached: a shop's customers send a handful of different headers."""
    for part in accept_language.split(","):
        tag = part.split(";", 1)[0].strip().replace("_", "-")
        spoken, _, region = tag.partition("-")
        if spoken.lower() != language or not region.isalpha() or len(region) != 2:
            continue
        try:
            return str(Locale.parse(f"{spoken.lower()}_{region.upper()}"))
        except (UnknownLocaleError, ValueError):
            return language
    return language


def _in_zone(value: datetime, timezone: str | None) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot be shown to a customer: {value!r}")
    return value.astimezone(_zone(timezone))


def _zone(name: str | None) -> ZoneInfo:
    """The shop's zone; an unknown name falls back to UTC rather than breaking the page."""
    if not name:
        return _UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _UTC
