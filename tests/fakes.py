"""An in-memory shop behind the ShopAdapter port, for service tests that need no HTTP.

It honours idempotency keys the way the real platforms do (a repeated key returns the first effect) and can
be told to fail: raise before applying, or apply and then lose the answer (the "did it happen?" case).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.actions import (
    ActionKind,
    ExchangeInstruction,
    PlatformEffect,
    RefundInstruction,
    StoreCreditInstruction,
)
from connector.domain.exchange_options import CatalogueQuery, ExchangeOption
from connector.domain.money import Money
from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.errors import OutcomeUnknown, PermanentError, RetryableError


@dataclass
class FakeShop:
    orders: dict[str, Order] = field(default_factory=dict)
    refunds: dict[str, PlatformEffect] = field(default_factory=dict)
    credits: dict[str, PlatformEffect] = field(default_factory=dict)
    exchanges: dict[str, PlatformEffect] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    returns: dict[str, str] = field(default_factory=dict)
    fail_next: list[str] = field(default_factory=list)  # "retry" | "lost" | "refuse" per upcoming money call
    stock: dict[str, int] = field(default_factory=dict)
    prices: dict[str, Money] = field(default_factory=dict)  # replacement unit prices by variant
    restocked: dict[str, int] = field(default_factory=dict)  # units back in stock by order line (restock actions)
    catalogue: list[ExchangeOption] = field(default_factory=list)  # what exchange_options lists, in shop order


class FakeAdapter:
    platform = "fake"

    def __init__(self, shop: FakeShop) -> None:
        self.shop = shop

    def _money_call(
        self, name: str, key: str, store: dict[str, PlatformEffect], effect: PlatformEffect
    ) -> PlatformEffect:
        self.shop.calls.append(name)
        mode = self.shop.fail_next.pop(0) if self.shop.fail_next else ""
        if mode == "retry":
            raise RetryableError("503 from the shop")
        if mode == "refuse":
            raise PermanentError("the shop refused: more asked than the order has left to refund")
        store.setdefault(key, effect)
        if mode == "lost":
            raise OutcomeUnknown("read timeout after sending")
        return store[key]

    def fetch_order(self, order_id: str) -> Order:
        self.shop.calls.append("fetch_order")
        return self.shop.orders[order_id]

    def find_order(self, order_number: str, email: str) -> Order | None:
        return next((o for o in self.shop.orders.values() if o.name.lstrip("#") == order_number.lstrip("#")
                     and o.email.lower() == email.lower()), None)

    def orders_changed_since(self, since: datetime | None) -> Iterator[Order]:
        return iter(o for o in self.shop.orders.values() if since is None or (o.updated_at or since) > since)

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        self.shop.calls.append("create_return")
        platform_id = f"gid://fake/Return/{len(self.shop.returns) + 1}"
        self.shop.returns[platform_id] = "OPEN"
        return platform_id

    def approve_return(self, request: ReturnRequest) -> None:
        self.shop.calls.append("approve_return")

    def decline_return(self, request: ReturnRequest, reason: str) -> None:
        self.shop.calls.append("decline_return")

    def refund(self, instruction: RefundInstruction) -> PlatformEffect:
        effect = PlatformEffect(ActionKind.REFUND, f"refund-{len(self.shop.refunds) + 1}", instruction.amount)
        return self._money_call("refund", instruction.idempotency_key, self.shop.refunds, effect)

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None:
        self.shop.calls.append("find_refund")
        return self.shop.refunds.get(idempotency_key)

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        effect = PlatformEffect(ActionKind.STORE_CREDIT, f"credit-{len(self.shop.credits) + 1}", instruction.amount)
        return self._money_call("credit", instruction.idempotency_key, self.shop.credits, effect)

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        self.shop.calls.append("find_credit")
        return self.shop.credits.get(instruction.idempotency_key)

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect:
        platform_id = f"exchange-{len(self.shop.exchanges) + 1}"
        effect = PlatformEffect(ActionKind.EXCHANGE, platform_id, instruction.credit_value)
        return self._money_call("exchange", instruction.idempotency_key, self.shop.exchanges, effect)

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        self.shop.calls.append("restock")
        for line in instruction.lines:
            self.shop.restocked[line.order_line_id] = self.shop.restocked.get(line.order_line_id, 0) + line.quantity
        return PlatformEffect(ActionKind.RESTOCK, f"restock-{instruction.idempotency_key}", instruction.amount)

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None:
        return None

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None:
        self.shop.calls.append("find_exchange")
        return self.shop.exchanges.get(instruction.idempotency_key)

    def available_stock(self, variant_id: str) -> int | None:
        return self.shop.stock.get(variant_id)

    def variant_price(self, variant_id: str, order: Order, product_id: str | None = None) -> Money | None:
        return self.shop.prices.get(variant_id)

    def exchange_options(self, order: Order, query: CatalogueQuery) -> list[ExchangeOption]:
        self.shop.calls.append("exchange_options")
        if query.product_id:
            return [o for o in self.shop.catalogue if o.product_id == query.product_id]
        words = (query.search or "").casefold().split()
        titles = list(dict.fromkeys(o.product_title for o in self.shop.catalogue
                                    if all(w in o.product_title.casefold() for w in words)))[: query.limit]
        return [o for o in self.shop.catalogue if o.product_title in titles]

    def close_return(self, request: ReturnRequest) -> None:
        self.shop.calls.append("close_return")

    def cancel_return(self, request: ReturnRequest) -> None:
        self.shop.calls.append("cancel_return")

    def add_order_note(self, order_id: str, note: str) -> None:
        self.shop.notes.append((order_id, note))

    def subscribe_webhooks(self, callback_url: str) -> list[str]:
        return []
