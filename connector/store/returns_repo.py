"""Returns, their lines and their events, for ONE shop: every query is filtered by ``shop_id``.

Saving uses optimistic concurrency: the row's ``version`` must still be the one we loaded, so two
concurrent updates of the same return cannot both win.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, func, insert, select, update

from connector.domain.events import Actor, ActorKind, ReturnEvent
from connector.domain.order_numbers import stored_spellings
from connector.domain.reasons import ReasonCode
from connector.domain.refund_deadline import WARN_BEFORE, DeadlineRisk
from connector.domain.resolutions import Condition, Disposition, ReturnAmounts, ReturnMethod
from connector.domain.returns import ReturnLine, ReturnRequest, credit_bonus
from connector.domain.states import ReturnStatus
from connector.domain.timeutil import utcnow
from connector.store import codec
from connector.store.errors import ConcurrentUpdate
from connector.store.tables import UNPAID_WITH_DEADLINE, events, return_lines, returns

OPEN_STATUSES = frozenset(
    {
        ReturnStatus.REQUESTED,
        ReturnStatus.APPROVED,
        ReturnStatus.IN_TRANSIT,
        ReturnStatus.RECEIVED,
        ReturnStatus.INSPECTED,
        ReturnStatus.RESOLVED,
    }
)


@dataclass(frozen=True, slots=True)
class ReturnFilter:
    status: ReturnStatus | None = None
    order_id: str | None = None
    order_name: str | None = None
    customer_email: str | None = None
    reason: ReasonCode | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    refund_deadline: DeadlineRisk | Literal["at_risk"] | None = None  # as of ``as_of``; at_risk: either one
    as_of: datetime | None = None
    limit: int = 50
    offset: int = 0


def deadline_clauses(risk: DeadlineRisk | Literal["at_risk"], now: datetime) -> list[ColumnElement[bool]]:
    """The SQL form of ``refund_deadline.deadline_risk``: a deadline, nothing paid, still open, and near or past;
    the first three as the partial index ``ix_returns_shop_refund_due`` spells them, so that it is used."""
    clauses: list[ColumnElement[bool]] = [UNPAID_WITH_DEADLINE]
    if risk == DeadlineRisk.OVERDUE:  # equal to its value: the API passes the plain string
        clauses.append(returns.c.refund_due_by <= now)
    elif risk == DeadlineRisk.DUE_SOON:
        clauses += [returns.c.refund_due_by > now, returns.c.refund_due_by <= now + WARN_BEFORE]
    else:
        clauses.append(returns.c.refund_due_by <= now + WARN_BEFORE)
    return clauses


class ReturnRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        if not shop_id:
            raise ValueError("a return repository is always for one named shop")
        self._conn = conn
        self.shop_id = shop_id

    # -- writes -------------------------------------------------------------------------------

    def add(self, request: ReturnRequest) -> None:
        self._require_shop(request)
        row = self._return_values(request)
        row.update(id=request.id, shop_id=self.shop_id, created_at=request.created_at, version=1)
        self._conn.execute(insert(returns).values(**row))
        self._conn.execute(insert(return_lines), [self._line_values(request, i) for i in range(len(request.lines))])
        self._insert_events(request, request.events)
        request.version = 1

    def save(self, request: ReturnRequest) -> None:
        self._require_shop(request)
        result = self._conn.execute(
            update(returns)
            .where(
                returns.c.id == request.id,
                returns.c.shop_id == self.shop_id,
                returns.c.version == request.version,
            )
            .values(version=returns.c.version + 1, **self._return_values(request))
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"return {request.id} was changed by someone else; reload it")
        for index, line in enumerate(request.lines):
            values = self._line_values(request, index)
            values.pop("id")
            self._conn.execute(
                update(return_lines)
                .where(return_lines.c.id == line.id, return_lines.c.shop_id == self.shop_id)
                .values(**values)
            )
        stored: int = self._conn.execute(
            select(func.coalesce(func.max(events.c.seq), 0)).where(events.c.return_id == request.id)
        ).scalar_one()
        self._insert_events(request, [e for e in request.events if e.seq > stored])
        request.version += 1

    def redact_customer(self, email: str, order_ids: Sequence[str] = ()) -> int:
        """Compliance redaction: keep the return (money history) but forget who made it and their notes."""
        who = func.lower(returns.c.customer_email) == email.lower()
        if order_ids:
            who = who | returns.c.order_id.in_(list(order_ids))
        ids = [row[0] for row in self._conn.execute(select(returns.c.id).where(returns.c.shop_id == self.shop_id, who))]
        if not ids:
            return 0
        self._conn.execute(update(returns).where(returns.c.id.in_(ids)).values(customer_email="redacted@invalid"))
        self._conn.execute(
            update(return_lines).where(return_lines.c.return_id.in_(ids)).values(customer_note="")
        )
        return len(ids)

    def set_evaluation(self, return_id: str, evaluation: dict[str, Any]) -> None:
        """Keep the policy's decision and explanation beside the return, for the portal and the admin."""
        self._conn.execute(
            update(returns)
            .where(returns.c.id == return_id, returns.c.shop_id == self.shop_id)
            .values(evaluation=evaluation)
        )

    def evaluation(self, return_id: str) -> dict[str, Any] | None:
        value = self._conn.execute(
            select(returns.c.evaluation).where(returns.c.id == return_id, returns.c.shop_id == self.shop_id)
        ).scalar_one_or_none()
        return value if isinstance(value, dict) else None

    # -- reads --------------------------------------------------------------------------------

    def get(self, return_id: str) -> ReturnRequest | None:
        return self._one(select(returns).where(returns.c.id == return_id))

    def get_by_platform_id(self, platform_return_id: str) -> ReturnRequest | None:
        return self._one(select(returns).where(returns.c.platform_return_id == platform_return_id))

    def list(self, criteria: ReturnFilter | None = None) -> builtins.list[ReturnRequest]:
        criteria = criteria or ReturnFilter()
        query = select(returns).where(returns.c.shop_id == self.shop_id)
        if criteria.status is not None:
            query = query.where(returns.c.status == criteria.status.value)
        if criteria.order_id:
            query = query.where(returns.c.order_id == criteria.order_id)
        if criteria.order_name:
            query = query.where(returns.c.order_name.in_(stored_spellings(criteria.order_name)))
        if criteria.customer_email:
            query = query.where(func.lower(returns.c.customer_email) == criteria.customer_email.lower())
        if criteria.created_from:
            query = query.where(returns.c.created_at >= criteria.created_from)
        if criteria.created_to:
            query = query.where(returns.c.created_at < criteria.created_to)
        if criteria.reason is not None:
            with_reason = select(return_lines.c.return_id).where(
                return_lines.c.shop_id == self.shop_id, return_lines.c.reason == criteria.reason.value
            )
            query = query.where(returns.c.id.in_(with_reason))
        if criteria.refund_deadline is not None:
            query = query.where(*deadline_clauses(criteria.refund_deadline, criteria.as_of or utcnow()))
        query = query.order_by(returns.c.created_at.desc(), returns.c.id).limit(criteria.limit)
        return self._many(query.offset(criteria.offset))

    def for_order(self, order_id: str) -> builtins.list[ReturnRequest]:
        return self._many(select(returns).where(returns.c.order_id == order_id).order_by(returns.c.created_at))

    def pending_quantities(
        self, order_id: str, exclude_return_id: str | None = None, *, unsynced_only: bool = False
    ) -> dict[str, int]:
        """Units per order line on this order's open returns (not yet closed at the platform).

        ``unsynced_only`` counts only returns the platform does not know yet: for a platform whose order
        already counts units on its own returns (Shopify), the others would be counted twice.
        """
        query = (
            select(return_lines.c.order_line_id, func.sum(return_lines.c.quantity))
            .join(returns, returns.c.id == return_lines.c.return_id)
            .where(
                returns.c.shop_id == self.shop_id,
                returns.c.order_id == order_id,
                returns.c.status.in_([s.value for s in OPEN_STATUSES]),
            )
            .group_by(return_lines.c.order_line_id)
        )
        if exclude_return_id:
            query = query.where(returns.c.id != exclude_return_id)
        if unsynced_only:
            query = query.where(returns.c.platform_return_id.is_(None))
        return {str(line_id): int(str(total)) for line_id, total in self._conn.execute(query)}

    # -- mapping ------------------------------------------------------------------------------

    def _require_shop(self, request: ReturnRequest) -> None:
        if request.shop_id != self.shop_id:
            raise PermissionError(f"return {request.id} belongs to another shop")

    def _one(self, query: Select[Any]) -> ReturnRequest | None:
        found = self._many(query)
        return found[0] if found else None

    def _many(self, query: Select[Any]) -> builtins.list[ReturnRequest]:
        rows = self._conn.execute(query.where(returns.c.shop_id == self.shop_id)).all()
        if not rows:
            return []
        ids = [row._mapping["id"] for row in rows]
        lines: dict[str, builtins.list[ReturnLine]] = {i: [] for i in ids}
        for line_row in self._conn.execute(
            select(return_lines)
            .where(return_lines.c.return_id.in_(ids), return_lines.c.shop_id == self.shop_id)
            .order_by(return_lines.c.return_id, return_lines.c.position)
        ):
            lines[line_row._mapping["return_id"]].append(_line(line_row._mapping))
        history: dict[str, builtins.list[ReturnEvent]] = {i: [] for i in ids}
        for event_row in self._conn.execute(
            select(events)
            .where(events.c.return_id.in_(ids), events.c.shop_id == self.shop_id)
            .order_by(events.c.return_id, events.c.seq)
        ):
            history[event_row._mapping["return_id"]].append(_event(event_row._mapping))
        return [_request(row._mapping, lines[row._mapping["id"]], history[row._mapping["id"]]) for row in rows]

    def _return_values(self, request: ReturnRequest) -> dict[str, Any]:
        return {
            "order_id": request.order_id,
            "order_name": request.order_name,
            "status": request.status.value,
            "method": request.method.value,
            "currency": request.currency,
            "customer_email": request.customer_email,
            "platform_return_id": request.platform_return_id,
            "decline_reason": request.decline_reason,
            "keep_item": request.keep_item,
            "money_moved": request.money_moved,
            "refund_due_by": request.refund_due_by,
            "fees": None if request.fees is None else codec.fees_to_json(request.fees),
            "amounts": None if request.amounts is None else codec.amounts_to_json(request.amounts),
            # The queue's filters (connector.store.queue_repo).
            "value_minor": None if request.amounts is None else request.amounts.paid.to_minor(),
            "reason_bits": codec.reason_bits(line.reason for line in request.lines),
            "updated_at": request.updated_at or request.created_at,
        }

    def _line_values(self, request: ReturnRequest, index: int) -> dict[str, Any]:
        line = request.lines[index]
        return {
            "id": line.id,
            "return_id": request.id,
            "shop_id": self.shop_id,
            "position": index,
            "order_line_id": line.order_line_id,
            "quantity": line.quantity,
            "reason": line.reason.value,
            "reason_handle": line.reason_handle,
            "customer_note": line.customer_note,
            "resolution": codec.resolution_to_json(line.resolution),
            "received_quantity": line.received_quantity,
            "condition": None if line.condition is None else line.condition.value,
            "disposition": None if line.disposition is None else line.disposition.value,
            "platform_line_id": line.platform_line_id,
        }

    def _insert_events(self, request: ReturnRequest, new_events: Iterable[ReturnEvent]) -> None:
        rows = [
            {
                "shop_id": self.shop_id,
                "return_id": request.id,
                "seq": e.seq,
                "at": e.at,
                "actor_kind": e.actor.kind.value,
                "actor_id": e.actor.id,
                "action": e.action,
                "from_status": None if e.from_status is None else e.from_status.value,
                "to_status": e.to_status.value,
                "reason": e.reason,
                "data": _jsonable(e.data),
            }
            for e in new_events
        ]
        if rows:
            self._conn.execute(insert(events), rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _line(m: Any) -> ReturnLine:
    return ReturnLine(
        id=m["id"],
        order_line_id=m["order_line_id"],
        quantity=m["quantity"],
        reason=ReasonCode(m["reason"]),
        resolution=codec.resolution_from_json(m["resolution"]),
        customer_note=m["customer_note"],
        reason_handle=m["reason_handle"],
        received_quantity=m["received_quantity"],
        condition=None if m["condition"] is None else Condition(m["condition"]),
        disposition=None if m["disposition"] is None else Disposition(m["disposition"]),
        platform_line_id=m["platform_line_id"],
    )


def _event(m: Any) -> ReturnEvent:
    return ReturnEvent(
        seq=m["seq"],
        at=m["at"],
        actor=Actor(ActorKind(m["actor_kind"]), m["actor_id"]),
        action=m["action"],
        from_status=None if m["from_status"] is None else ReturnStatus(m["from_status"]),
        to_status=ReturnStatus(m["to_status"]),
        reason=m["reason"],
        data=m["data"],
    )


def _amounts(data: Any, lines: Sequence[ReturnLine]) -> ReturnAmounts | None:
    if data is None:
        return None
    amounts = codec.amounts_from_json(data)
    if "store_credit_bonus" not in data:  # stored before the credit bonus had a line of its own
        bonus = credit_bonus(lines, amounts)
        amounts = replace(amounts, store_credit_bonus=bonus if bonus else None)
    return amounts


def _request(m: Any, lines: Sequence[ReturnLine], history: Sequence[ReturnEvent]) -> ReturnRequest:
    return ReturnRequest(
        id=m["id"],
        shop_id=m["shop_id"],
        order_id=m["order_id"],
        order_name=m["order_name"],
        currency=m["currency"],
        customer_email=m["customer_email"],
        method=ReturnMethod(m["method"]),
        lines=list(lines),
        created_at=m["created_at"],
        status=ReturnStatus(m["status"]),
        fees=None if m["fees"] is None else codec.fees_from_json(m["fees"]),
        amounts=_amounts(m["amounts"], lines),
        platform_return_id=m["platform_return_id"],
        decline_reason=m["decline_reason"],
        keep_item=m["keep_item"],
        refund_due_by=m["refund_due_by"],
        money_moved=m["money_moved"],
        version=m["version"],
        events=list(history),
        updated_at=m["updated_at"],
    )
