"""A refund as the shop recorded it, whoever made it: us through an action, or a merchant in the shop's admin.

Adapters translate their platform's refund (a Shopify ``refunds/create`` body, a WooCommerce refund object)
into this one shape, so the core can tell a refund of ours (it carries one of our idempotency keys) from one
made by hand, and attach the latter to the return it settles instead of paying that return a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.money import Money


@dataclass(frozen=True, slots=True)
class RefundedLine:
    order_line_id: str
    quantity: int
    amount: Money
    """Subtotal and tax refunded for these units."""
    restocked: bool


@dataclass(frozen=True, slots=True)
class ShopRefund:
    refund_id: str
    order_id: str
    amount: Money
    """Money sent back to the customer (the refund's successful transactions)."""
    lines: tuple[RefundedLine, ...]
    platform_return_id: str | None = None
    adjustment: Money | None = None
    """Order adjustments on the refund (a return fee or discrepancy kept by the shop is negative)."""
    shipping: Money | None = None
    our_keys: frozenset[str] = field(default_factory=frozenset)
    """Idempotency keys of ours that the refund carries: non-empty means we made it."""
    note: str = ""
    created_at: datetime | None = None

    @property
    def restocked(self) -> bool:
        return any(line.restocked for line in self.lines)

    def quantities(self) -> dict[str, int]:
        """Units refunded per order line."""
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.order_line_id] = counts.get(line.order_line_id, 0) + line.quantity
        return counts

    def describe(self) -> dict[str, object]:
        """What the return's history keeps of it (JSON-friendly)."""
        return {
            "platform_refund_id": self.refund_id,
            "amount": str(self.amount.amount),
            "currency": self.amount.currency,
            "lines": [
                {"order_line_id": ln.order_line_id, "quantity": ln.quantity, "amount": str(ln.amount.amount),
                 "restocked": ln.restocked}
                for ln in self.lines
            ],
            "adjustment": None if self.adjustment is None else str(self.adjustment.amount),
            "shipping": None if self.shipping is None else str(self.shipping.amount),
            "restocked": self.restocked,
        }
