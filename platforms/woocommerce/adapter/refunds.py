"""The WooCommerce adapter's refunds, and the restock that moves a credit or exchange return's units back.

Woo makes no refund idempotent: our key goes in the refund's ``reason`` (saved before the gateway runs) and
meta, and ``find_refund`` looks for it before each write and after ``OutcomeUnknown``. WooCommerce moves stock
only through a refund, so a restock is a refund of 0.00 and is found the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from connector.domain.actions import ActionKind, PlatformEffect, RefundInstruction
from connector.errors import PermanentError
from platforms.woocommerce.adapter.base import WooAdapterBase
from platforms.woocommerce.errors import GATEWAY_CANNOT_REFUND, WooApiError
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.mapping import money
from platforms.woocommerce.markers import CURRENCY_META, carries_key, meta_value
from platforms.woocommerce.refunds import (
    RefundExceedsRemaining,
    build_refund_body,
    build_restock_body,
    is_over_refund,
    refund_deductions,
    remaining_refundable,
)

log = logging.getLogger(__name__)


class Refunds(WooAdapterBase):
    """Refunds through the gateway, else recorded as manual; restocks as refunds of 0.00."""

    def find_refund(self, order_id: str, idempotency_key: str) -> PlatformEffect | None:
        """Our refund for ``idempotency_key`` on this order, if Woo has it (marker in reason or meta)."""
        for refund in self._refunds_raw(order_id):
            if carries_key(refund, idempotency_key):
                currency = meta_value(refund.get("meta_data"), CURRENCY_META)
                if not isinstance(currency, str):
                    currency = str(self.client.get(f"orders/{_id(order_id)}", {"_fields": "currency"})["currency"])
                return self._refund_effect(order_id, refund, currency)
        return None

    def _refund_effect(self, order_id: str, refund: Mapping[str, Any], currency: str) -> PlatformEffect:
        paid_by_gateway = refund.get("refunded_payment") is True
        return PlatformEffect(
            kind=ActionKind.REFUND,
            platform_id=str(refund["id"]),
            amount=money(refund.get("amount"), currency),
            manual=not paid_by_gateway,
            detail="refunded through the payment gateway" if paid_by_gateway
            else "recorded in WooCommerce; the merchant must pay the customer back",
            extra={"order_id": str(order_id), "refunded_payment": str(paid_by_gateway).lower()},
        )

    def refund(self, instruction: RefundInstruction) -> PlatformEffect:
        """Refund lines (and shipping) through the gateway; fall back to a manual refund if it cannot.

        WooCommerce answers the same 500 ``woocommerce_rest_cannot_create_order_refund`` when the gateway
        cannot refund and when the amount is above what is left. Only the first may become a manual refund:
        an over-refund is refused before posting (we know what is left from the order) and, should the order
        have moved meanwhile, recognised after (by message, or by reading what is left again: the message is
        translated on non-English sites). A gateway the store says cannot refund (``method_supports`` without
        ``refunds``, read once per gateway and cached: ``gateways``) is recorded as manual at once instead of
        asking it; without that answer, only the core gateways that never refund (bacs, cheque, cod) are.
        """
        if instruction.store_credit_amount:
            raise PermanentError("WooCommerce refunds cannot go to store credit: issue a coupon instead")
        earlier = self.find_refund(instruction.order_id, instruction.idempotency_key)
        if earlier is not None:
            return earlier
        raw = self._order_raw(instruction.order_id)
        currency = str(raw.get("currency") or "").upper()
        if instruction.amount.currency != currency:
            raise PermanentError(f"refund in {instruction.amount.currency}, order is in {currency}")
        self._refuse_over_refund(raw, instruction)
        body = build_refund_body(raw, instruction)
        path = f"orders/{_id(instruction.order_id)}/refunds"
        manual = self.manual_refund_fallback and not self.gateways.can_refund(raw)
        try:
            made = self._post(path, {**body, "api_refund": False} if manual else body)
        except WooApiError as exc:
            if exc.code != GATEWAY_CANNOT_REFUND:
                raise
            self._refuse_over_refund(self._order_raw(instruction.order_id), instruction, force=is_over_refund(str(exc)))
            if not self.manual_refund_fallback:
                raise
            # Woo deleted the failed refund before answering, so a second POST cannot double it.
            log.warning("woocommerce.refund.gateway_refused",
                        extra={"order_id": instruction.order_id, "error": str(exc)})
            made = self._post(path, {**body, "api_refund": False})
            manual = True
        if manual:
            self._note_quietly(
                instruction.order_id,
                f"Return {instruction.return_id}: the payment gateway ({raw.get('payment_method_title') or '?'}) "
                f"could not refund automatically, so a refund of {instruction.amount} was recorded manually. "
                "Pay the customer back outside WooCommerce.",
            )
        self._remember_echo(instruction.order_id)
        effect = self._refund_effect(instruction.order_id, made, currency)
        if manual and not effect.manual:  # pragma: no cover - Woo reports refunded_payment=false here
            effect = PlatformEffect(effect.kind, effect.platform_id, effect.amount, True, effect.detail, effect.extra)
        deducted = refund_deductions(instruction).text()
        self._note_quietly(
            instruction.order_id,
            f"Return {instruction.return_id}: refund {effect.platform_id} of {instruction.amount} "
            f"({'manual' if effect.manual else 'via gateway'}; restock: {body['api_restock']}"
            f"{'; ' + deducted if deducted else ''}).",
        )
        return effect

    def _refuse_over_refund(self, raw: Mapping[str, Any], instruction: RefundInstruction, force: bool = False) -> None:
        """Raise ``RefundExceedsRemaining`` when the refund asks more than the order has left (or ``force``)."""
        remaining = remaining_refundable(raw, instruction.amount.currency)
        if force or instruction.amount > remaining:
            raise RefundExceedsRemaining(
                f"order {instruction.order_id}: refund of {instruction.amount} asked, only {remaining} is left "
                "to refund (an agent can pay what is left with an override of at most that amount)",
                remaining=remaining,
            )

    # -- restock (credit and exchange returns) -------------------------------------------------

    def find_restock(self, instruction: RefundInstruction) -> PlatformEffect | None:
        """Our restock refund for the instruction's key (find-before-retry, as for refunds)."""
        found = self.find_refund(instruction.order_id, instruction.idempotency_key)
        return None if found is None else self._restock_effect(found.platform_id, instruction)

    def _restock_effect(self, refund_id: str, instruction: RefundInstruction) -> PlatformEffect:
        units = sum(line.quantity for line in instruction.lines)
        return PlatformEffect(ActionKind.RESTOCK, refund_id, instruction.amount,
                              detail=f"{units} unit(s) back in stock (refund {refund_id} of 0.00)",
                              extra={"order_id": instruction.order_id})

    def restock(self, instruction: RefundInstruction) -> PlatformEffect:
        """Units of a credit or exchange return back in stock: WooCommerce moves stock only through a refund,
        so a refund of 0.00 that pays nothing and restocks (``build_restock_body``)."""
        earlier = self.find_restock(instruction)
        if earlier is not None:
            return earlier
        raw = self._order_raw(instruction.order_id)
        made = self._post(f"orders/{_id(instruction.order_id)}/refunds", build_restock_body(raw, instruction))
        self._remember_echo(instruction.order_id)
        effect = self._restock_effect(str(made["id"]), instruction)
        self._note_quietly(instruction.order_id, f"Return {instruction.return_id}: {effect.detail}.")
        return effect

