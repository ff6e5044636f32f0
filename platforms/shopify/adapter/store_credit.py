"""The Shopify adapter's store credit: ``storeCreditAccountCredit`` on the customer, else a gift card.

Store credit has no note field: ``find_store_credit`` matches a credit made by hand (``event`` ADJUSTMENT, so
never a refund's own credit) of the same amount (and expiry), created since the credit was planned and
within ``credit_lookback``, erring towards "already paid" (never twice). A gift card carries our note marker.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from typing import Any, Final

from connector.domain.actions import ActionKind, PlatformEffect, StoreCreditInstruction
from connector.domain.money import Money
from connector.errors import ConfigError, PermanentError
from platforms.shopify import mapping, queries
from platforms.shopify.adapter.base import ShopifyAdapterBase
from platforms.shopify.errors import ShopifyUserError

log = logging.getLogger(__name__)

CREDIT_LOOKBACK: Final = timedelta(days=2)
CLOCK_SKEW: Final = timedelta(minutes=5)  # between our clock (when a credit was planned) and Shopify's createdAt
_STORE_CREDIT_UNAVAILABLE: Final = frozenset({"UNSUPPORTED_CURRENCY"})


class StoreCredit(ShopifyAdapterBase):
    """Store credit, with the gift-card fallback when the shop cannot give it."""

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        """``storeCreditAccountCredit`` on the customer; gift card when store credit is unavailable."""
        if instruction.customer_id:
            try:
                return self._store_credit(instruction)
            except ShopifyUserError as exc:
                if not (self._fallback and set(exc.codes) & _STORE_CREDIT_UNAVAILABLE):
                    raise
                log.warning("shopify.store-credit.fallback-gift-card", extra={"codes": exc.codes})
            except ConfigError:
                if not self._fallback:
                    raise
                log.warning("shopify.store-credit.fallback-gift-card", extra={"codes": ("ACCESS_DENIED",)})
        elif not self._fallback:
            raise PermanentError("store credit needs a Shopify customer id")
        return self._gift_card(instruction)

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        """An earlier credit for this instruction: the store-credit path first, then the gift-card fallback.

        Gift cards are only searched when the fallback is enabled (only then can one exist); a failing
        search raises rather than answering "not found", which would pay twice.
        """
        if instruction.customer_id:
            found = self._find_credit_transaction(instruction)
            if found is not None:
                return found
        if self._fallback:
            return self._find_gift_card(instruction)
        return None

    def _find_credit_transaction(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        assert instruction.customer_id is not None
        data = self.client.query(
            queries.STORE_CREDIT_TRANSACTIONS, {"id": mapping.gid("Customer", instruction.customer_id)}
        )
        customer = data.get("customer") or {}
        since = self._now() - self._lookback
        if instruction.not_before is not None:
            since = max(since, instruction.not_before - CLOCK_SKEW)
        for account in mapping.nodes_of(customer.get("storeCreditAccounts")):
            for tx in mapping.nodes_of(account.get("transactions")):
                if tx.get("event") not in (None, "ADJUSTMENT"):
                    continue  # a refund's credit (ORDER_REFUND), an order's payment...: not storeCreditAccountCredit
                amount = tx.get("amount") or {}
                if amount.get("currencyCode") != instruction.amount.currency:
                    continue
                if Money(mapping.amount_of(amount.get("amount")), instruction.amount.currency) != instruction.amount:
                    continue
                created = mapping.parse_time(tx.get("createdAt"))
                if created is None or created < since or not tx.get("id"):
                    continue
                expires = mapping.parse_time(tx.get("expiresAt"))
                if instruction.expires_at is not None and expires != instruction.expires_at.astimezone(UTC):
                    continue
                return PlatformEffect(
                    ActionKind.STORE_CREDIT,
                    str(tx["id"]),
                    instruction.amount,
                    detail="storeCreditAccountCredit (matched by amount)",
                )
        return None

    def _store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        assert instruction.customer_id is not None
        credit: dict[str, Any] = {"creditAmount": mapping.money_input(instruction.amount), "notify": True}
        if instruction.expires_at is not None:
            credit["expiresAt"] = instruction.expires_at.astimezone(UTC).isoformat()
        payload = self.client.mutate(
            queries.STORE_CREDIT_CREDIT,
            {"id": mapping.gid("Customer", instruction.customer_id), "creditInput": credit},
            payload_key="storeCreditAccountCredit",
        )
        tx = payload["storeCreditAccountTransaction"]
        return PlatformEffect(
            ActionKind.STORE_CREDIT,
            str(tx["id"]),
            instruction.amount,
            detail="storeCreditAccountCredit",
            extra={"account_id": str((tx.get("account") or {}).get("id") or "")},
        )

    def _gift_card(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        card: dict[str, Any] = {
            "initialValue": str(instruction.amount.amount),
            "note": mapping.note_with_marker(instruction.note, instruction.idempotency_key),
        }
        if instruction.customer_id:
            # GiftCardCreateInput has no ``notify``: the customer hears of the card as its recipient (no
            # ``sendNotificationAt``: sent now). Without a customer the card stays unassigned, with no email.
            customer = mapping.gid("Customer", instruction.customer_id)
            card["customerId"] = customer
            card["recipientAttributes"] = {"id": customer}
        if instruction.expires_at is not None:
            card["expiresOn"] = instruction.expires_at.astimezone(UTC).date().isoformat()
        payload = self.client.mutate(queries.GIFT_CARD_CREATE, {"input": card}, payload_key="giftCardCreate")
        return PlatformEffect(
            ActionKind.STORE_CREDIT,
            str(payload["giftCard"]["id"]),
            instruction.amount,
            detail="giftCardCreate",
        )

    def _find_gift_card(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        since = (self._now() - self._lookback).date().isoformat()
        query = f"created_at:>={since}"
        if instruction.customer_id:
            query += f" customer_id:{mapping.legacy_id(instruction.customer_id)}"
        data = self.client.query(queries.GIFT_CARDS_BY_CUSTOMER, {"query": query})
        for card in mapping.nodes_of(data.get("giftCards")):
            if mapping.has_marker(card.get("note"), instruction.idempotency_key):
                return PlatformEffect(
                    ActionKind.STORE_CREDIT,
                    str(card["id"]),
                    instruction.amount,
                    detail="giftCardCreate (found by key)",
                )
        return None
