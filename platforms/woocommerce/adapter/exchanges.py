"""The WooCommerce adapter's exchanges: a new order for the replacement items, paid by the return's value.

The new order has ``parent_id`` = the original order and our key in its meta, which ``find_exchange`` looks
for among the original's children. Stock is checked first (``OutOfStock``), and prices are tax-included as
the catalogue says (``exchange_order``), through the reads of ``orders``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.actions import ActionKind, ExchangeInstruction, PlatformEffect
from connector.domain.money import Money
from connector.errors import PermanentError
from platforms.woocommerce.adapter.orders import OrderReads
from platforms.woocommerce.exchange_order import GOODS_META, applied_credit, build_exchange_body
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.mapping import money
from platforms.woocommerce.markers import carries_key, meta_value


class OutOfStock(PermanentError):
    """The exchange cannot be promised: not enough stock of a variant."""


class Exchanges(OrderReads):
    """Exchange orders, found by our key among the original order's children."""

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None:
        for raw in self.client.paginate("orders", {"parent": _id(instruction.order_id)}):
            if isinstance(raw, dict) and carries_key(raw, instruction.idempotency_key):
                return self._exchange_effect(raw, instruction, None)
        return None

    def _exchange_effect(
        self, raw: Mapping[str, Any], instruction: ExchangeInstruction, applied: Money | None
    ) -> PlatformEffect:
        currency = instruction.credit_value.currency
        total = money(raw.get("total"), currency)
        goods = money(meta_value(raw.get("meta_data"), GOODS_META) or 0, currency)
        recorded = applied if applied is not None else applied_credit(raw, currency)
        credit = recorded if recorded is not None else (goods - total).clamp_non_negative()
        refund_due = (instruction.credit_value - goods).clamp_non_negative() if goods else Money.zero(currency)
        needs_payment = raw.get("status") == "pending" and bool(total)
        if needs_payment:
            detail = f"customer pays the difference {total}"
        elif refund_due:
            detail = f"refund_due={refund_due.amount} {currency}"
        else:
            detail = "paid by the returned goods"
        return PlatformEffect(
            kind=ActionKind.EXCHANGE,
            platform_id=str(raw["id"]),
            amount=credit,
            detail=detail,
            extra={
                "order_number": str(raw.get("number", raw["id"])),
                "status": str(raw.get("status", "")),
                "amount_due": str(total.amount) if needs_payment else "0",
                "payment_url": str(raw.get("payment_url") or ""),
                "refund_due": str(refund_due.amount),
                "currency": currency,
            },
        )

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect:
        """A new order for the replacement items, paid by the return's value; stock checked first."""
        earlier = self.find_exchange(instruction)
        if earlier is not None:
            return earlier
        original = self._order_raw(instruction.order_id)
        currency = str(original.get("currency") or "").upper()
        if instruction.credit_value.currency != currency:
            raise PermanentError(f"exchange credit in {instruction.credit_value.currency}, order in {currency}")
        for item in instruction.items:
            stock = self.available_stock(item.variant_id, item.product_id)
            if stock is not None and stock < item.quantity:
                raise OutOfStock(f"variant {item.variant_id}: {item.quantity} wanted, {stock} in stock")
        body, applied = build_exchange_body(original, instruction, prices_include_tax=self._prices_include_tax())
        made = self._post("orders", body)
        self._remember_echo(str(made["id"]), made.get("date_modified_gmt"))
        effect = self._exchange_effect(made, instruction, applied)
        self._note_quietly(
            instruction.order_id,
            f"Return {instruction.return_id}: exchange order #{effect.extra['order_number']} created "
            f"({effect.detail}).",
        )
        self._note_quietly(
            str(made["id"]),
            f"Exchange for order #{original.get('number', instruction.order_id)}, return {instruction.return_id}.",
        )
        return effect

