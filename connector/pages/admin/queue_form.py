"""The queue's filters as the agent typed them (a GET form, so a filtered queue is a link that can be shared and
reloaded) read into ``services.return_queue.QueueQuery``. A value that cannot be read is marked on its field
and left out of the query, never an error page: the list still shows, under the filters that could be read.

Names: ``q`` (search: return number, order number or the start of the e-mail), ``status``, ``reason``,
``method``, ``from`` / ``to`` (days, both included, in UTC), ``min`` / ``max`` (the returned items' value, in
the shop's currency), ``review`` and ``overdue`` (checkboxes), ``size`` (25, 50, 100) and ``cursor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final, TypeVar

from flask import request
from flask_babel import gettext as _

from connector.domain.money import Money, minor_units
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ReturnMethod
from connector.domain.states import ReturnStatus
from connector.services.return_queue import DEFAULT_PAGE_SIZE, MAX_SEARCH, PAGE_SIZES, QueueQuery

FIELDS: Final = ("q", "status", "reason", "method", "from", "to", "min", "max", "review", "overdue", "size")
E = TypeVar("E", ReturnStatus, ReasonCode, ReturnMethod)


@dataclass
class QueueForm:
    """The filters as typed (shown back as typed), what is wrong with them, and the query they make."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    query: QueueQuery = field(default_factory=QueueQuery)

    def link_args(self, **changes: str | None) -> dict[str, str]:
        """The filters for a link of the queue (a page of it, a status tab), with ``changes`` applied."""
        args = {name: value for name, value in self.values.items() if value}
        for name, value in changes.items():
            if value:
                args[name] = value
            else:
                args.pop(name, None)
        return args


def read_queue_form(currency: str) -> QueueForm:
    form = QueueForm()
    for name in FIELDS:
        form.values[name] = request.args.get(name, "").strip()[: MAX_SEARCH + 1]
    values = form.values
    low = _amount(form, "min", currency)
    high = _amount(form, "max", currency)
    start = _day(form, "from")
    end = _day(form, "to")
    if start and end and end < start:
        form.errors["to"] = _("The last day comes before the first one.")
        end = None
    form.query = QueueQuery(
        status=_member(form, "status", ReturnStatus),
        reason=_member(form, "reason", ReasonCode),
        method=_member(form, "method", ReturnMethod),
        created_from=None if start is None else datetime.combine(start, datetime.min.time(), UTC),
        created_to=None if end is None else datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC),
        value_min=low,
        value_max=high,
        needs_review=values["review"] == "1",
        overdue_eu=values["overdue"] == "1",
        search=values["q"][:MAX_SEARCH],
        page_size=int(values["size"]) if values["size"] in {str(s) for s in PAGE_SIZES} else DEFAULT_PAGE_SIZE,
        cursor=request.args.get("cursor", "")[:400] or None,
    )
    return form


def _member(form: QueueForm, name: str, kind: type[E]) -> E | None:
    raw = form.values[name]
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        form.errors[name] = _("Choose one of the values listed.")
        return None


def _day(form: QueueForm, name: str) -> date | None:
    raw = form.values[name]
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        form.errors[name] = _("Enter a day as 2026-03-31.")
    return day


def _amount(form: QueueForm, name: str, currency: str) -> Money | None:
    raw = form.values[name].replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw) if raw.isascii() and len(raw) <= 16 else None
    except InvalidOperation:
        value = None
    places = -int(value.as_tuple().exponent) if value is not None and value.is_finite() else 0
    if value is None or not value.is_finite() or value < 0 or places > minor_units(currency):
        form.errors[name] = _("Enter an amount in %(currency)s, such as 12.50.", currency=currency)
        return None
    return Money(value, currency)
