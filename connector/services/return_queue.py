"""The agents' queue: one page of a shop's returns under the agent's filters, with the counts by status.

What the admin's queue page (connector/pages/admin) calls. Returns come newest first, the id breaking ties, a
page at a time from an opaque cursor (``QueuePage.next_cursor`` / ``prev_cursor``): the page after a row is read
from that row on through an index (keyset), so the 4,000th page costs what the first does, and a page does not
shift when new returns arrive meanwhile (they sort before the first page). The SQL and the indexes are in
``connector.store.queue_repo`` and migration 0014; ``benchmarks/admin_queue_bench.py`` measures them at 100,000
returns.

Meaning of the filters:

- ``needs_review``: the policy sent the return to an agent (its decision "review") and no one has decided yet;
  only such a return stays ``requested`` (the policy's approvals and declines are applied on opening);
- ``overdue_eu``: past its EU withdrawal refund deadline with nothing paid and still owed
  (``connector.domain.refund_deadline``: the deadline risk "overdue");
- ``value_min`` / ``value_max``: what the returned lines cost the customer, in the bounds' currency (returns
  in another currency do not match);
- ``search``: the return's number, the order's number (as the shop may have stored it, with or without ``#``)
  or the start of the customer's e-mail address, any case.

A cursor that cannot be read gives the first page: a link edited by hand never fails the page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from connector.domain.money import Money
from connector.domain.order_numbers import normalize_order_number, stored_spellings
from connector.domain.reasons import ReasonCode
from connector.domain.refund_deadline import DeadlineRisk, deadline_risk
from connector.domain.resolutions import ReturnMethod
from connector.domain.states import ReturnStatus
from connector.domain.timeutil import require_utc
from connector.store.queue_repo import QueueFilter, QueueKey, QueueRepository, SearchTerms
from connector.store.uow import UnitOfWork

PAGE_SIZES: Final = (25, 50, 100)
DEFAULT_PAGE_SIZE: Final = 25
COUNT_CAP: Final = 1000
MAX_SEARCH: Final = 320  # the longest e-mail address we store
_RETURN_NUMBER: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """The agent's filters and where they are in the list; every field optional (``QueueQuery()``: the first page
    of every return). ``page_size`` is clamped to 1..100."""

    status: ReturnStatus | None = None
    reason: ReasonCode | None = None
    method: ReturnMethod | None = None
    created_from: datetime | None = None  # inclusive, UTC
    created_to: datetime | None = None  # exclusive, UTC
    value_min: Money | None = None
    value_max: Money | None = None
    needs_review: bool = False
    overdue_eu: bool = False
    search: str = ""
    page_size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """What one line of the queue shows."""

    id: str
    order_id: str
    order_name: str
    customer_email: str
    status: ReturnStatus
    method: ReturnMethod
    created_at: datetime
    value: Money | None  # what the returned lines cost; None before the amounts are known
    reasons: tuple[ReasonCode, ...]  # each line's reason, once, in the lines' order
    units: int  # items asked back
    keep_item: bool
    needs_review: bool
    deadline: DeadlineRisk | None  # the EU refund deadline's risk now (due soon, overdue), else None
    refund_due_by: datetime | None


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    counts: Mapping[ReturnStatus, int]
    """Returns per status under every filter but the status (every status present, 0 included), each exact up to
    ``COUNT_CAP``: a status in ``over_cap`` has more (show "1,000+"). Counting stops there so that a page costs
    the same at 100,000 returns as at 1,000 (closed returns pile up; the open ones are the agents' work)."""
    over_cap: frozenset[ReturnStatus]
    total: int
    """Returns under the whole query, this page and every other: exact unless ``total_over_cap`` (then at least)."""
    total_over_cap: bool
    page_size: int
    next_cursor: str | None  # None: this is the last page
    prev_cursor: str | None  # None: this is the first page


def queue_page(uow: UnitOfWork, shop_id: str, query: QueueQuery, now: datetime) -> QueuePage:
    """One page of ``shop_id``'s queue as of ``now`` (which decides what is overdue)."""
    require_utc(now)
    repo = QueueRepository(uow.connection, shop_id)
    where = queue_filter(query, now)
    size = page_size(query.page_size)
    direction, key = read_cursor(query.cursor)
    if direction == "prev" and key is not None:
        found = repo.page(where, size + 1, before=key)
        if len(found) > size:  # more before these: a page in the middle
            rows = list(reversed(found[:size]))
            return _page(repo, where, query, now, rows, size, has_prev=True, has_next=True)
        key = None  # back at the top: the first page, full
    found = repo.page(where, size + 1, after=key)
    return _page(repo, where, query, now, found[:size], size, has_prev=key is not None, has_next=len(found) > size)


def queue_filter(query: QueueQuery, now: datetime) -> QueueFilter:
    """The query in stored terms (what the store's statements take; the benchmark explains them)."""
    currency = _bounds_currency(query.value_min, query.value_max)
    return QueueFilter(
        status=None if query.status is None else query.status.value,
        needs_review=query.needs_review,
        reason=None if query.reason is None else query.reason.value,
        method=None if query.method is None else query.method.value,
        created_from=query.created_from,
        created_to=query.created_to,
        currency=currency,
        value_min=None if query.value_min is None else query.value_min.to_minor(),
        value_max=None if query.value_max is None else query.value_max.to_minor(),
        overdue_at=now if query.overdue_eu else None,
        search=search_terms(query.search),
    )


def search_terms(text: str) -> SearchTerms | None:
    """What the search box matches: None when it is empty."""
    text = text.strip()[:MAX_SEARCH]
    if not text:
        return None
    ids = tuple(dict.fromkeys((text, text.upper()))) if _RETURN_NUMBER.match(text) else ()
    names = tuple(stored_spellings(text)) if normalize_order_number(text) else ()
    prefix = text.lower() if not any(char.isspace() for char in text) else ""
    return SearchTerms(return_ids=ids, order_names=names, email_prefix=prefix)


def page_size(wanted: int) -> int:
    return max(1, min(int(wanted), max(PAGE_SIZES)))


def write_cursor(direction: str, key: QueueKey) -> str:
    """Opaque to the page: ``direction`` is "next" (rows after the key) or "prev" (rows before it)."""
    raw = json.dumps([direction, key[0].isoformat(), key[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(cursor: str | None) -> tuple[str, QueueKey | None]:
    """("next", None) for no cursor or one that cannot be read: the first page."""
    if not cursor:
        return "next", None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, at, return_id = json.loads(raw)
        when = datetime.fromisoformat(at)
        require_utc(when)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return "next", None
    if direction not in ("next", "prev") or not isinstance(return_id, str):
        return "next", None
    return direction, (when, return_id)


def _bounds_currency(low: Money | None, high: Money | None) -> str | None:
    if low is not None and high is not None and low.currency != high.currency:
        raise ValueError(f"value bounds in two currencies: {low.currency} and {high.currency}")
    bound = low or high
    return None if bound is None else bound.currency


def _page(
    repo: QueueRepository, where: QueueFilter, query: QueueQuery, now: datetime, rows: Sequence[Any], size: int, *,
    has_prev: bool, has_next: bool,
) -> QueuePage:
    lines = repo.lines([row.id for row in rows])
    counted = repo.counts(where, COUNT_CAP)
    counts = {status: min(counted[status.value], COUNT_CAP) for status in ReturnStatus}
    over = frozenset(status for status in ReturnStatus if counted[status.value] > COUNT_CAP)
    shown = [query.status] if query.status is not None else list(ReturnStatus)
    return QueuePage(
        rows=tuple(_row(row, lines[row.id], now) for row in rows),
        counts=counts,
        over_cap=over,
        total=sum(counts[status] for status in shown),
        total_over_cap=bool(over.intersection(shown)),
        page_size=size,
        next_cursor=write_cursor("next", _key(rows[-1])) if rows and has_next else None,
        prev_cursor=write_cursor("prev", _key(rows[0])) if rows and has_prev else None,
    )


def _key(row: Any) -> QueueKey:
    return (row.created_at, row.id)


def _row(row: Any, lines: Sequence[tuple[str, int]], now: datetime) -> QueueRow:
    status = ReturnStatus(row.status)
    return QueueRow(
        id=row.id,
        order_id=row.order_id,
        order_name=row.order_name,
        customer_email=row.customer_email,
        status=status,
        method=ReturnMethod(row.method),
        created_at=row.created_at,
        value=None if row.value_minor is None else Money.from_minor(row.value_minor, row.currency),
        reasons=tuple(dict.fromkeys(ReasonCode(reason) for reason, _ in lines)),
        units=sum(quantity for _, quantity in lines),
        keep_item=bool(row.keep_item),
        needs_review=status is ReturnStatus.REQUESTED,
        deadline=deadline_risk(row.refund_due_by, status, bool(row.money_moved), now),
        refund_due_by=row.refund_due_by,
    )


__all__ = [
    "COUNT_CAP",
    "DEFAULT_PAGE_SIZE",
    "PAGE_SIZES",
    "QueuePage",
    "QueueQuery",
    "QueueRow",
    "queue_filter",
    "queue_page",
    "read_cursor",
    "search_terms",
    "write_cursor",
]
