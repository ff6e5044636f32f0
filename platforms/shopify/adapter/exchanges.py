"""The Shopify adapter's exchanges: releasing the exchange lines of a Shopify return with ``returnProcess``.

The exchange items are created with the return (``returnCreate``); releasing them checks stock again, and the
effect carries what the customer still owes, which makes the executor wait until it is paid.
"""

from __future__ import annotations

from connector.domain.actions import ActionKind, ExchangeInstruction, PlatformEffect
from connector.domain.money import Money
from connector.errors import NotFound, PermanentError
from platforms.shopify import mapping, queries
from platforms.shopify.adapter.orders import OrderReads


class Exchanges(OrderReads):
    """Exchanges released from their return, with the balance still due."""

    def create_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect:
        """Release a Shopify exchange: ``returnProcess`` with the return's exchange lines (no refund)."""
        if not instruction.platform_return_id:
            raise PermanentError("Shopify exchanges are created with the return (returnCreate exchangeLineItems)")
        node = self._return_node(instruction.platform_return_id)
        lines = [
            {"id": str(e["id"]), "quantity": int(e.get("processableQuantity") or 0)}
            for e in mapping.nodes_of(node.get("exchangeLineItems"))
            if int(e.get("processableQuantity") or 0) > 0
        ]
        if not lines:
            if mapping.nodes_of(node.get("exchangeLineItems")):
                # Already released, by the returnProcess that refunded this return: the effect exists.
                return self._exchange_effect(instruction, str(node["id"]), "released with the refund")
            raise PermanentError(f"return {node['id']} has no exchange left to release")
        for item in instruction.items:  # checked again at release: stock may have gone since the request
            stock = self.available_stock(item.variant_id)
            if stock is not None and stock < item.quantity:
                raise PermanentError(f"variant {item.variant_id}: {item.quantity} wanted, {stock} in stock")
        payload = self.client.mutate(
            queries.RETURN_PROCESS,
            {
                "input": {
                    "returnId": node["id"],
                    "returnLineItems": [],
                    "exchangeLineItems": lines,
                    "notifyCustomer": True,
                }
            },
            payload_key="returnProcess",
        )
        return self._exchange_effect(instruction, str(payload["return"]["id"]), "returnProcess exchange")

    def find_exchange(self, instruction: ExchangeInstruction) -> PlatformEffect | None:
        if not instruction.platform_return_id:
            return None
        node = self._return_node(instruction.platform_return_id)
        exchanges = mapping.nodes_of(node.get("exchangeLineItems"))
        if exchanges and all(int(e.get("processedQuantity") or 0) >= int(e.get("quantity") or 0) for e in exchanges):
            return self._exchange_effect(instruction, str(node["id"]), "exchange already processed")
        return None

    def _exchange_effect(self, instruction: ExchangeInstruction, return_gid: str, detail: str) -> PlatformEffect:
        """The released exchange, with what the customer still owes for it.

        Shopify applies the returned items' value to the exchange items; a balance left shows as the order's
        ``totalOutstandingSet`` and holds the exchange's fulfillment order until the customer pays it
        (shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/manage-exchanges). The amount due makes
        the executor wait, looking again (find, never process twice), until the balance is paid.
        """
        oid = mapping.gid("Order", instruction.order_id)
        order = self.client.query(queries.ORDER_OUTSTANDING, {"id": oid}).get("order")
        if not order:
            raise NotFound(f"order {instruction.order_id} not found")
        currency = instruction.credit_value.currency
        outstanding = mapping.money_of(order.get("totalOutstandingSet"), currency)
        # Only what our amounts charge the customer is waited for: a like-for-like swap of a discounted line is
        # priced at what came back, and the order may owe other things; those are the merchant's to settle.
        charged = sum((item.price * item.quantity for item in instruction.items), Money.zero(currency))
        due = outstanding.min((charged - instruction.credit_value).clamp_non_negative())
        extra = {"amount_due": str(due.amount), "currency": currency} if due.amount > 0 else {}
        return PlatformEffect(ActionKind.EXCHANGE, return_gid, instruction.credit_value, detail=detail, extra=extra)
