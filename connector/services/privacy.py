"""Customers' data requests: gather everything we hold about one customer of one shop, and keep it.

Shopify's ``customers/data_request`` asks the app to give the merchant the customer's data; we store the
export (order snapshots, returns with their lines and history) so the merchant can send it on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, select

from connector.domain.timeutil import utcnow
from connector.services.deps import Deps
from connector.store.codec import amounts_to_json
from connector.store.returns_repo import ReturnFilter
from connector.store.tables import data_requests, order_snapshots
from connector.store.uow import UnitOfWork


def export_customer(uow: UnitOfWork, shop_id: str, email: str) -> dict[str, Any]:
    documents: Iterable[Any] = uow.connection.execute(
        select(order_snapshots.c.document).where(
            order_snapshots.c.shop_id == shop_id, func.lower(order_snapshots.c.email) == email.lower()
        )
    ).scalars()
    returns = uow.returns(shop_id).list(ReturnFilter(customer_email=email, limit=10_000))
    photos: dict[str, list[dict[str, Any]]] = {}
    for photo in uow.photos(shop_id).of_customer(email):
        photos.setdefault(photo.return_id, []).append(
            {"line_id": photo.line_id, "media_type": photo.ref.media_type, "size": photo.ref.size,
             "created_at": photo.created_at.isoformat()}
        )
    return {
        "email": email,
        "orders": list(documents),
        "returns": [
            {
                "id": r.id,
                "order": r.order_name,
                "status": r.status.value,
                "created_at": r.created_at.isoformat(),
                "method": r.method.value,
                "lines": [
                    {"order_line_id": line.order_line_id, "quantity": line.quantity, "reason": line.reason.value,
                     "note": line.customer_note, "resolution": line.resolution.kind.value}
                    for line in r.lines
                ],
                "amounts": None if r.amounts is None else amounts_to_json(r.amounts),
                "history": [{"at": e.at.isoformat(), "action": e.action, "reason": e.reason} for e in r.events],
                # What photos there are; the merchant sends the files themselves from the photo store.
                "photos": photos.get(r.id, []),
            }
            for r in returns
        ],
    }


def record_data_request(uow: UnitOfWork, shop_id: str, email: str, platform_request_id: str | None) -> int:
    export = export_customer(uow, shop_id, email)
    uow.connection.execute(
        insert(data_requests).values(
            shop_id=shop_id, email=email, platform_request_id=platform_request_id, export=export,
            requested_at=utcnow(),
        )
    )
    return len(export["orders"]) + len(export["returns"])


def forget_customer_photos(deps: Deps, shop_id: str, email: str, order_ids: Sequence[str]) -> int:
    """customers/redact: the photos of the customer's returns go (the returns stay, for the money's history,
    as their notes go); returns how many. Files first, then rows, for the reason ``redact_shop`` gives."""
    with deps.uow() as uow:
        photos = uow.photos(shop_id).of_customer(email, order_ids)
    for photo in photos:
        deps.photos.delete(photo.ref)
    with deps.uow() as uow:
        uow.photos(shop_id).remove([photo.id for photo in photos])
        uow.commit()
    return len(photos)


def redact_shop(deps: Deps, shop_id: str) -> int:
    """shop/redact: the shop's photos (files outside the database), then its rows; returns the photos removed.

    Files first: if removing the rows fails, the platform's retry finds the shop still there and finishes the
    job, whereas rows removed first would leave the retry refused (no such shop) and the photos kept forever.
    """
    removed = deps.photos.delete_for_shop(shop_id)
    with deps.uow() as uow:
        uow.shops.remove(shop_id)
        uow.commit()
    return removed
