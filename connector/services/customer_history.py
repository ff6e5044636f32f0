"""A customer's earlier returns at one shop, as the return policy counts them.

Why one place: the portal (which lines may be returned) and the return service (which decides the return)
each computed it, and two copies drift apart: the customer would be shown one eligibility and judged by
another. Both read it from here.
"""

from __future__ import annotations

from datetime import datetime

from connector.domain.states import ReturnStatus
from connector.store.returns_repo import ReturnFilter
from connector.store.uow import UnitOfWork

HISTORY_LIMIT = 500
"""The most recent returns looked at: far more than any return-frequency limit counts."""


def customer_history(uow: UnitOfWork, shop_id: str, email: str) -> tuple[datetime, ...]:
    """When each of the customer's returns at the shop was opened, newest first; canceled ones do not count."""
    earlier = uow.returns(shop_id).list(ReturnFilter(customer_email=email, limit=HISTORY_LIMIT))
    return tuple(r.created_at for r in earlier if r.status is not ReturnStatus.CANCELED)
