"""The Shopify adapter's refunds: ``returnProcess`` for a Shopify return, else ``refundCreate``.

``refundCreate`` carries ``@idempotent(key: ...)`` so a retry returns the first refund; every refund we
create has ``[rc:<key>]`` in its note, which ``find_refund`` looks for after an ``OutcomeUnknown``. Restock
is a no-op here: Shopify restocks a return's units through ``returnProcess`` dispositions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.actions import ActionKind, PlatformEffect, RefundInstruction
from connector.errors import NotFound
from platforms.shopify import mapping, queries
from platforms.shopify.adapter.base import ShopifyAdapterBase
from platforms.shopify.client import idempotent_directive


class Refunds(ShopifyAdapterBase):
    """Refunds against the order's parent transactions, found again by their note marker."""

    def refund(self, instruction: RefundInstruction) -> PlatformEffect:
        """``returnProcess`` for a Shopify return, else ``refundCreate`` with ``@idempotent``."""
        parents = self._parents(instruction.order_id, instruction.amount.currency)
        if instruction.platform_return_id:
            node = self._return_node(instruction.platform_return_id)
            before = {str(r["id"]) for r in mapping.nodes_of(node.get("refunds"))}
            process_input = mapping.return_process_input(instruction, node, parents, self._restock_location())
            payload = self.client.mutate(queries.RETURN_PROCESS, {"input": process_input}, payload_key="returnProcess")
            refunds = mapping.nodes_of((payload.get("return") or {}).get("refunds"))
            found = self._match_refund(refunds, instruction.idempotency_key, instruction.amount.currency)
            if found is not None:
                return found
            new = [r for r in refunds if str(r["id"]) not in before]
            if len(new) == 1:  # the note did not come back, but exactly one refund appeared
                return self._effect(new[0], instruction.amount.currency, "returnProcess (new refund)")
            # Processed without a refund (nothing to pay back): the return itself is the effect.
            return PlatformEffect(
                ActionKind.REFUND, str(payload["return"]["id"]), instruction.amount, detail="returnProcess"
            )
        document = queries.REFUND_CREATE.replace("{idempotent}", idempotent_directive(instruction.idempotency_key))
        refund_input = mapping.refund_create_input(instruction, parents, self._restock_location())
        payload = self.client.mutate(document, {"input": refund_input}, payload_key="refundCreate", idempotent=True)
        return self._effect(payload["refund"], instruction.amount.currency, "refundCreate")

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None:
        data = self.client.query(queries.ORDER_REFUNDS, {"id": mapping.gid("Order", order_id)})
        order = data.get("order")
        if not order:
            raise NotFound(f"order {order_id} not found")
        return self._match_refund(order.get("refunds") or [], idempotency_key, mapping.order_currency(order))

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        """Nothing to do: Shopify restocks a return's units when ``returnProcess`` disposes them (RESTOCKED),
        and credit and exchange lines go through that same call with the refund (``credit_with_refund``), so
        the planner only sends a restock here for a return Shopify never had (then it is not restocked)."""
        return PlatformEffect(ActionKind.RESTOCK, instruction.platform_return_id or "", instruction.amount,
                              detail="no-op: Shopify restocks through returnProcess dispositions")

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None:
        return self.restock(instruction)

    def _parents(self, order_id: str, currency: str) -> list[mapping.ParentTransaction]:
        data = self.client.query(queries.ORDER_TRANSACTIONS, {"id": mapping.gid("Order", order_id)})
        order = data.get("order")
        if not order:
            raise NotFound(f"order {order_id} not found")
        return mapping.refundable_transactions(order.get("transactions") or [], currency)

    def _match_refund(self, refunds: Any, key: str, currency: str) -> PlatformEffect | None:
        for refund in refunds or []:
            if mapping.has_marker(refund.get("note"), key):
                return self._effect(refund, currency, "found by key")
        return None

    @staticmethod
    def _effect(refund: Mapping[str, Any], currency: str, detail: str) -> PlatformEffect:
        amount = mapping.money_of(refund.get("totalRefundedSet"), currency) if refund.get("totalRefundedSet") else None
        return PlatformEffect(ActionKind.REFUND, str(refund["id"]), amount, detail=detail)
