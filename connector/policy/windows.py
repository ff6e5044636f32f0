"""Return deadlines: commercial window (with overrides and holiday extensions) and the legal one.

Dates are counted in the shop's time zone: delivered on 3 March + 30 days = returnable through 2 April,
i.e. until midnight at the start of 3 April, shop time. L221-18 counts the same way (the day of receipt
is not counted; the period ends at the end of its last day).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from connector.domain.orders import Order, OrderLine
from connector.policy.explain import Item
from connector.policy.model import (
    OVERRIDE_PRECEDENCE,
    Anchor,
    EuWithdrawal,
    OverrideKind,
    Policy,
    WindowOverride,
)


class AnchorKind(enum.StrEnum):
    DELIVERED = "delivered"
    FULFILLED = "fulfilled"
    ORDERED = "ordered"


@dataclass(frozen=True, slots=True)
class Window:
    """A window: returnable through ``deadline`` (shop date), i.e. strictly before ``ends_at`` (UTC)."""

    anchor_kind: AnchorKind
    anchor: date
    days: int
    buffer: int
    deadline: date
    ends_at: datetime

    def is_open(self, now: datetime) -> bool:
        return now < self.ends_at


def local_date(stamp: datetime, tz: ZoneInfo) -> date:
    return stamp.astimezone(tz).date()


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after ``day`` in the shop's zone, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, or the month's last day (29 Feb + 12 months = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _anchor(anchor: Anchor, buffer: int, order: Order, line: OrderLine, tz: ZoneInfo) -> tuple[AnchorKind, date, int]:
    """(kind, date the days count from, transit buffer used). Delivery unknown: fulfilment + buffer."""
    if anchor is Anchor.DELIVERY and line.delivered_at is not None:
        return AnchorKind.DELIVERED, local_date(line.delivered_at, tz), 0
    if anchor is Anchor.ORDER:
        return AnchorKind.ORDERED, local_date(order.created_at, tz), 0
    if line.fulfilled_at is not None:
        return AnchorKind.FULFILLED, local_date(line.fulfilled_at, tz), buffer
    return AnchorKind.ORDERED, local_date(order.created_at, tz), buffer


def _fold(values: frozenset[str]) -> set[str]:
    return {v.casefold() for v in values}


def _matches(override: WindowOverride, line: OrderLine) -> bool:
    wanted = override.match.casefold()
    if override.kind is OverrideKind.SKU:
        return line.sku is not None and line.sku.casefold() == wanted
    if override.kind is OverrideKind.TAG:
        return wanted in _fold(line.tags)
    if override.kind is OverrideKind.COLLECTION:
        return wanted in _fold(line.collections)
    return line.product_type is not None and line.product_type.casefold() == wanted


def select_override(policy: Policy, line: OrderLine) -> WindowOverride | None:
    """Most specific kind wins (SKU, then tag, collection, product type); within a kind, the longest."""
    for kind in OVERRIDE_PRECEDENCE:
        found = [o for o in policy.windows.overrides if o.kind is kind and _matches(o, line)]
        if found:
            return max(found, key=lambda o: o.days)  # max() keeps the first of equal windows
    return None


def commercial_window(policy: Policy, order: Order, line: OrderLine) -> tuple[Window, list[Item]]:
    tz = ZoneInfo(policy.timezone)
    items: list[Item] = []
    kind, start, buffer = _anchor(policy.windows.anchor, policy.windows.transit_buffer_days, order, line, tz)
    days = policy.windows.days
    override = select_override(policy, line)
    if override is not None:
        days = override.days
        items.append(
            Item.of(
                f"windows.overrides.{override.kind}",
                f"window.override.{override.kind}",
                line.id,
                item=line.title,
                days=days,
                match=override.match,
            )
        )
    deadline = start + timedelta(days=buffer + days)
    ordered_on = local_date(order.created_at, tz)
    for holiday in policy.windows.holidays:
        if holiday.start <= ordered_on <= holiday.end and holiday.until > deadline:
            deadline = holiday.until
            items.append(
                Item.of(
                    "windows.holidays",
                    "window.holiday",
                    line.id,
                    item=line.title,
                    start=holiday.start,
                    end=holiday.end,
                    until=holiday.until,
                )
            )
    window = Window(kind, start, days, buffer, deadline, end_of_day(deadline, tz))
    return window, items


def withdrawal_window(policy: Policy, eu: EuWithdrawal, order: Order, line: OrderLine) -> Window:
    """L221-18: from receipt (delivery; fulfilment + buffer when unknown); L221-20: +12 months."""
    tz = ZoneInfo(policy.timezone)
    kind, start, buffer = _anchor(Anchor.DELIVERY, policy.windows.transit_buffer_days, order, line, tz)
    deadline = start + timedelta(days=buffer + eu.days)
    if eu.customer_not_informed:
        deadline = add_months(deadline, 12)
    return Window(kind, start, eu.days, buffer, deadline, end_of_day(deadline, tz))
