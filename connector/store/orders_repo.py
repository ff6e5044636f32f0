"""Order snapshots for one shop: the common-model order as last seen at the platform."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connector.domain.order_numbers import normalize_order_number, stored_spellings
from connector.domain.orders import Order
from connector.domain.timeutil import utcnow
from connector.store import codec
from connector.store.tables import order_snapshots


class OrderSnapshotRepository:
    def __init__(self, conn: Connection, shop_id: str) -> None:
        if not shop_id:
            raise ValueError("an order repository is always for one named shop")
        self._conn = conn
        self.shop_id = shop_id

    def upsert(self, order: Order) -> bool:
        """Store ``order`` unless we already hold a newer copy; returns whether it was written."""
        if order.shop_id != self.shop_id:
            raise PermissionError(f"order {order.id} belongs to another shop")
        values = {
            "shop_id": self.shop_id,
            "order_id": order.id,
            "name": order.name,
            "email": order.email,
            "customer_id": order.customer.id if order.customer and order.customer.id else None,
            "document": codec.order_to_json(order),
            "platform_updated_at": order.updated_at,
            "fetched_at": utcnow(),
            "stale": False,
        }
        current = self._conn.execute(
            select(order_snapshots.c.platform_updated_at).where(
                order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.order_id == order.id
            )
        ).first()
        if current is None:
            dialect = self._conn.dialect.name
            statement = pg_insert if dialect == "postgresql" else sqlite_insert
            self._conn.execute(statement(order_snapshots).values(**values).on_conflict_do_nothing())
            return True
        held = current[0]
        if held is not None and order.updated_at is not None and order.updated_at < held:
            return False
        self._conn.execute(
            update(order_snapshots)
            .where(order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.order_id == order.id)
            .values(**values)
        )
        return True

    def get(self, order_id: str, *, fresh: bool = False) -> Order | None:
        """The snapshot; with ``fresh``, None when a webhook said the order changed since we read it."""
        row = self._conn.execute(
            select(order_snapshots.c.document, order_snapshots.c.stale).where(
                order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.order_id == order_id
            )
        ).first()
        if row is None or (fresh and row.stale):
            return None
        return codec.order_from_json(row.document)

    def mark_stale(self, order_id: str) -> bool:
        """A hint that the order changed at the shop: re-read it next time fresh data is needed."""
        result = self._conn.execute(
            update(order_snapshots)
            .where(order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.order_id == order_id)
            .values(stale=True)
        )
        return result.rowcount == 1

    def recent(self, limit: int = 100) -> list[Order]:
        """The most recently changed orders first (the demo and the portal's "your orders")."""
        rows: Iterable[Any] = self._conn.execute(
            select(order_snapshots.c.document)
            .where(order_snapshots.c.shop_id == self.shop_id)
            .order_by(order_snapshots.c.platform_updated_at.desc(), order_snapshots.c.order_id)
            .limit(limit)
        ).scalars()
        return [codec.order_from_json(doc) for doc in rows]

    def for_customer(self, customer_id: str, limit: int = 50) -> list[tuple[Order, bool]]:
        """The customer's orders (``Order.customer.id`` as the platform spells it), newest first, each with
        whether a webhook said it changed since we read it (then its customer must be checked at the shop)."""
        if not customer_id:
            return []
        rows: Iterable[Any] = self._conn.execute(
            select(order_snapshots.c.document, order_snapshots.c.stale)
            .where(order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.customer_id == customer_id)
            .order_by(order_snapshots.c.platform_updated_at.desc(), order_snapshots.c.order_id)
            .limit(limit)
        )
        return [(codec.order_from_json(row.document), bool(row.stale)) for row in rows]

    def find_by_name(self, name: str) -> list[Order]:
        """Orders whose number has the same normal form as ``name`` (``connector.domain.order_numbers``).

        The indexed ``name`` column holds the shop's own spelling, so the query asks for the usual ones
        (with and without ``#``, lower and upper case) and the normal form decides. A rarer spelling (mixed
        case, zero padding) is not found here, and the portal then asks the shop, which is slower, not wrong.
        """
        wanted = normalize_order_number(name)
        if not wanted:
            return []
        rows: Iterable[Any] = self._conn.execute(
            select(order_snapshots.c.document).where(
                order_snapshots.c.shop_id == self.shop_id, order_snapshots.c.name.in_(stored_spellings(name))
            )
        ).scalars()
        found = [codec.order_from_json(doc) for doc in rows]
        return [order for order in found if normalize_order_number(order.name) == wanted]

    def delete_for_email(self, email: str, order_ids: Sequence[str] = ()) -> int:
        """Compliance redaction: forget a customer's orders (by email, and by the ids the platform names)."""
        who = func.lower(order_snapshots.c.email) == email.lower()
        if order_ids:
            who = who | order_snapshots.c.order_id.in_(list(order_ids))
        result = self._conn.execute(delete(order_snapshots).where(order_snapshots.c.shop_id == self.shop_id, who))
        return result.rowcount
