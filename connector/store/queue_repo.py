"""The agents' queue as SQL, for ONE shop: a page of returns from a key, the counts by status, each row's lines.

Why keyset pages: the queue is ordered newest first with the id as tiebreak, the order of the indexes
``ix_returns_shop_created`` and ``ix_returns_shop_status_created`` (migration 0014), so a page is one index range
starting at the last row shown, whatever its depth; an OFFSET would read and drop every row before it. A page
stays stable while returns arrive: a new return sorts before the first page and moves no later page.

Every filter is a condition on the return's own row (its lines' reasons are bits of ``reason_bits``), and each
one is a column of the status index, so the counts by status under any filters are index-only scans, stopped
at a cap per status. The search is equality (return number, order number) or an e-mail prefix read as a byte
range on the lower-cased address, each through its own index. ``benchmarks/admin_queue_bench.py`` prints the
plans at 100,000 returns.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Select, and_, false, func, literal, or_, select, tuple_

from connector.domain.reasons import ReasonCode
from connector.domain.refund_deadline import DeadlineRisk
from connector.domain.states import ReturnStatus
from connector.store.codec import REASON_BITS
from connector.store.returns_repo import deadline_clauses
from connector.store.tables import return_lines, returns

QueueKey = tuple[datetime, str]
"""Where a page starts or ends: a row's (created_at, id)."""

ROW_COLUMNS = (
    returns.c.id, returns.c.order_id, returns.c.order_name, returns.c.customer_email, returns.c.status,
    returns.c.method, returns.c.currency, returns.c.created_at, returns.c.value_minor, returns.c.refund_due_by,
    returns.c.money_moved, returns.c.keep_item,
)


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """One search box, three ways to match: the return's number, the order's number (each spelling a shop may
    have stored), or the start of the customer's e-mail (lower-cased). Empty parts match nothing."""

    return_ids: tuple[str, ...] = ()
    order_names: tuple[str, ...] = ()
    email_prefix: str = ""


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The queue's filters in stored terms (strings, minor units); ``None`` filters nothing."""

    status: str | None = None
    needs_review: bool = False  # still requested: what the policy sent to an agent (counted under this too)
    reason: str | None = None
    method: str | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    currency: str | None = None  # with a value bound: the bound's currency
    value_min: int | None = None  # minor units, inclusive
    value_max: int | None = None
    overdue_at: datetime | None = None  # overdue under the EU refund deadline as of this time
    search: SearchTerms | None = None


class QueueRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        if not shop_id:
            raise ValueError("a queue is always one named shop's")
        self._conn = conn
        self.shop_id = shop_id

    def page(
        self, where: QueueFilter, limit: int, *, after: QueueKey | None = None, before: QueueKey | None = None
    ) -> list[Any]:
        """Up to ``limit`` rows: newest first after ``after`` (or from the top), or, with ``before``, the rows just
        newer than it, oldest first (the caller turns them round)."""
        return list(self._conn.execute(self.page_statement(where, limit, after=after, before=before)).all())

    def counts(self, where: QueueFilter, cap: int) -> dict[str, int]:
        """Returns by status under every filter but the status itself (the queue's tabs), each counted up to
        ``cap + 1``: more than ``cap`` reads as "over ``cap``"."""
        row = self._conn.execute(self.counts_statement(where, cap)).one()
        return {status.value: int(str(n)) for status, n in zip(ReturnStatus, row, strict=True)}

    def lines(self, return_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """(reason, quantity) of each return's lines, in their order."""
        found: dict[str, list[tuple[str, int]]] = {return_id: [] for return_id in return_ids}
        if not return_ids:
            return found
        rows = self._conn.execute(
            select(return_lines.c.return_id, return_lines.c.reason, return_lines.c.quantity)
            .where(return_lines.c.shop_id == self.shop_id, return_lines.c.return_id.in_(list(return_ids)))
            .order_by(return_lines.c.return_id, return_lines.c.position)
        )
        for return_id, reason, quantity in rows:
            found[str(return_id)].append((str(reason), int(str(quantity))))
        return found

    # -- the statements (public so the benchmark can EXPLAIN exactly what runs) -----------------------------

    def page_statement(
        self, where: QueueFilter, limit: int, *, after: QueueKey | None = None, before: QueueKey | None = None
    ) -> Select[Any]:
        key = tuple_(returns.c.created_at, returns.c.id)
        query = select(*ROW_COLUMNS).where(*self._conditions(where, with_status=True))
        if before is not None:
            return query.where(key > tuple_(*before)).order_by(returns.c.created_at, returns.c.id).limit(limit)
        if after is not None:
            query = query.where(key < tuple_(*after))
        return query.order_by(returns.c.created_at.desc(), returns.c.id.desc()).limit(limit)

    def counts_statement(self, where: QueueFilter, cap: int) -> Select[Any]:
        """One row, a column per status: each a count of at most ``cap + 1`` rows read from the status's own
        index range, so counting costs at most (statuses x cap) index entries however many returns there are
        (an exact ``GROUP BY status`` reads every one of the shop's returns on every page)."""
        return _counts_statement(self.shop_id, where, cap, self._conn.dialect.name == "postgresql")

    def _conditions(self, where: QueueFilter, *, with_status: bool) -> list[ColumnElement[bool]]:
        return _conditions(self.shop_id, where, self._conn.dialect.name == "postgresql", with_status=with_status)


@functools.lru_cache(maxsize=256)
def _counts_statement(shop_id: str, where: QueueFilter, cap: int, postgres: bool) -> Select[Any]:
    """Built once per shop and filters in a process (nine subqueries take milliseconds to build; the queue's first
    page, asked by every agent, always has the same)."""
    conditions = _conditions(shop_id, where, postgres, with_status=False)

    def counted(status: str) -> Any:
        rows = select(literal(1)).where(*conditions, returns.c.status == status).limit(cap + 1).subquery()
        return select(func.count()).select_from(rows).scalar_subquery().label(status)

    return select(*(counted(status.value) for status in ReturnStatus))


def _conditions(shop_id: str, where: QueueFilter, postgres: bool, *, with_status: bool) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [returns.c.shop_id == shop_id]
    if with_status and where.status is not None:
        found.append(returns.c.status == where.status)
    if where.needs_review:
        found.append(returns.c.status == ReturnStatus.REQUESTED.value)
    if where.method is not None:
        found.append(returns.c.method == where.method)
    if where.created_from is not None:
        found.append(returns.c.created_at >= where.created_from)
    if where.created_to is not None:
        found.append(returns.c.created_at < where.created_to)
    found += _value_conditions(where)
    if where.reason is not None:
        bit = REASON_BITS[ReasonCode(where.reason)]
        found.append(returns.c.reason_bits.op("&", return_type=Integer)(bit) != 0)
    if where.overdue_at is not None:
        found += deadline_clauses(DeadlineRisk.OVERDUE, where.overdue_at)
    if where.search is not None:
        found.append(_search(where.search, postgres))
    return found


def _value_conditions(where: QueueFilter) -> list[ColumnElement[bool]]:
    if where.value_min is None and where.value_max is None:
        return []
    found: list[ColumnElement[bool]] = [returns.c.currency == where.currency]
    if where.value_min is not None:
        found.append(returns.c.value_minor >= where.value_min)
    if where.value_max is not None:
        found.append(returns.c.value_minor <= where.value_max)
    return found


def _search(terms: SearchTerms, postgres: bool) -> ColumnElement[bool]:
    """Any of the three; each reads its own index (PostgreSQL ORs the bitmaps)."""
    ways: list[ColumnElement[bool]] = []
    if terms.return_ids:
        ways.append(returns.c.id.in_(list(terms.return_ids)))
    if terms.order_names:
        ways.append(returns.c.order_name.in_(list(terms.order_names)))
    if terms.email_prefix:
        ways.append(_email_prefix(terms.email_prefix, postgres))
    return or_(*ways) if ways else false()


def _email_prefix(prefix: str, postgres: bool) -> ColumnElement[bool]:
    """``lower(customer_email)`` starting with ``prefix``, as a range the index ``ix_returns_shop_email`` reads.

    PostgreSQL compares text in the database's collation, where a prefix is not a range (punctuation may be
    skipped): its byte-wise operators ~>=~ and ~<~ (the index's text_pattern_ops) are. SQLite compares bytes."""
    email = func.lower(returns.c.customer_email)
    lower, upper = (email.bool_op("~>=~"), email.bool_op("~<~")) if postgres else (email.__ge__, email.__lt__)
    bound = _just_after(prefix)
    return and_(lower(prefix), upper(bound)) if bound else lower(prefix)


def _just_after(prefix: str) -> str | None:
    """The least string above every string starting with ``prefix`` in code point (and UTF-8 byte) order."""
    while prefix:
        last = ord(prefix[-1]) + 1
        if last == 0xD800:
            last = 0xE000  # surrogates cannot be encoded
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None
