"""The WooCommerce adapter's store credit: a coupon for the customer's e-mail.

The coupon's code is derived from our key (``credit.candidate_codes``), and our key is in its meta: a code
someone else holds moves the credit to the next code of a fixed sequence, and ``find_store_credit`` walks
that same sequence. What the coupon must say to be worth the amount tax included depends on the store's tax
settings, read for each credit (``_tax_settings``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from connector.domain.actions import ActionKind, PlatformEffect, StoreCreditInstruction
from connector.errors import ConnectorError, PermanentError
from platforms.woocommerce.adapter.base import WooAdapterBase
from platforms.woocommerce.credit import (
    CLASH_CODES,
    CreditTerms,
    TaxSettings,
    build_coupon_body,
    candidate_codes,
    credit_terms,
    is_ours,
    percent,
    promised_value,
)
from platforms.woocommerce.errors import COUPON_CODE_EXISTS, WooApiError
from platforms.woocommerce.tax_rate import order_tax_rate

log = logging.getLogger(__name__)


class StoreCredit(WooAdapterBase):
    """Coupons as store credit, fixed-cart or Smart Coupons (detected once when ``auto``)."""

    def _credit_type(self) -> str:
        if self.store_credit_mode != "auto":
            return self.store_credit_mode
        if self._smart_coupons is None:
            self._smart_coupons = self._detect_smart_coupons()
        return "smart_coupon" if self._smart_coupons else "fixed_cart"

    def _detect_smart_coupons(self) -> bool:
        """Smart Coupons registers ``smart_coupon`` in the coupon schema's ``discount_type`` enum."""
        try:
            schema = self.client.options("coupons")
        except ConnectorError:
            return False
        try:
            enum = schema["schema"]["properties"]["discount_type"]["enum"]
        except (KeyError, TypeError):
            return False
        return isinstance(enum, list) and "smart_coupon" in enum

    def find_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect | None:
        ours, _free = self._locate_credit(instruction)
        return ours

    def _locate_credit(self, instruction: StoreCreditInstruction) -> tuple[PlatformEffect | None, str | None]:
        """Walk the credit's code sequence (``credit.candidate_codes``): (our coupon, None) when one is ours,
        else (None, the first code nobody holds). A code held by a coupon that is not ours is a clash."""
        for code in candidate_codes(instruction.idempotency_key):
            found = self.client.get("coupons", {"code": code})
            holders = [c for c in found if isinstance(c, dict) and str(c.get("code", "")).lower() == code.lower()] \
                if isinstance(found, list) else []  # fmt: skip
            for coupon in holders:
                if is_ours(coupon, instruction):
                    return self._credit_effect(coupon, instruction), None
            if not holders:
                return None, code
            log.warning("woocommerce.coupon-code-clash", extra={"code": code, "return": instruction.return_id})
        return None, None

    def _credit_effect(self, coupon: Mapping[str, Any], instruction: StoreCreditInstruction) -> PlatformEffect:
        """The effect's amount is what the credit is worth (tax included), not the coupon's net ``amount``."""
        worth = promised_value(coupon, instruction.amount.currency) or instruction.amount
        return PlatformEffect(
            kind=ActionKind.STORE_CREDIT,
            platform_id=str(coupon["id"]),
            amount=worth,
            detail=f"coupon {str(coupon.get('code', '')).upper()}",
            extra={"code": str(coupon.get("code", "")).upper(),
                   "discount_type": str(coupon.get("discount_type", "")),
                   "coupon_amount": str(coupon.get("amount", ""))},
        )

    def _tax_settings(self) -> TaxSettings:
        """Whether a fixed-amount coupon is deducted before tax (see ``credit``), read for each credit issued:
        the adapter lives as long as the worker, and a credit issued by a setting the merchant has since
        changed is wrong by the tax (seen on a real store: 30.77 issued for 33.00 after a switch to prices
        including tax)."""
        calc = self.client.get("settings/general/woocommerce_calc_taxes")
        prices = self.client.get("settings/tax/woocommerce_prices_include_tax")
        return TaxSettings(
            calc_taxes=isinstance(calc, dict) and calc.get("value") == "yes",
            prices_include_tax=isinstance(prices, dict) and prices.get("value") == "yes",
        )

    def _credit_terms(self, instruction: StoreCreditInstruction, discount_type: str) -> CreditTerms:
        taxes = self._tax_settings() if discount_type == "fixed_cart" else TaxSettings(False, False)
        rate = order_tax_rate(self._order_raw(instruction.order_id)) if taxes.coupons_before_tax else Decimal(0)
        return credit_terms(instruction.amount, discount_type=discount_type, taxes=taxes, tax_rate=rate)

    def issue_store_credit(self, instruction: StoreCreditInstruction) -> PlatformEffect:
        """A coupon for the customer's email under the first free code of its sequence, worth the amount
        incl. tax when spent (net of the order's tax rate when the store deducts coupons before tax)."""
        discount_type = self._credit_type()
        terms: CreditTerms | None = None
        for _attempt in range(CLASH_CODES):
            earlier, code = self._locate_credit(instruction)
            if earlier is not None:
                return earlier
            if code is None:
                raise PermanentError(f"coupon codes for {instruction.idempotency_key} are all taken by others")
            terms = terms or self._credit_terms(instruction, discount_type)
            body = build_coupon_body(
                instruction, code=code, discount_type=discount_type, terms=terms,
                expires_at=instruction.expires_at or self._clock() + self.credit_validity,
            )  # fmt: skip
            try:
                made = self._post("coupons", body)
            except WooApiError as exc:
                if exc.code != COUPON_CODE_EXISTS:
                    raise
                continue  # a concurrent attempt, or someone else, took the code meanwhile: look again
            effect = self._credit_effect(made, instruction)
            self._note_quietly(instruction.order_id, self._credit_note(instruction, effect, terms))
            return effect
        raise PermanentError(f"coupon codes for {instruction.idempotency_key} kept being taken")

    @staticmethod
    def _credit_note(instruction: StoreCreditInstruction, effect: PlatformEffect, terms: CreditTerms) -> str:
        note = (f"Return {instruction.return_id}: store credit {instruction.amount} issued as coupon "
                f"{effect.extra['code']} for {instruction.customer_email}")  # fmt: skip
        if terms.amount != terms.promised:
            note += (f" (coupon amount {terms.amount} before {percent(terms.tax_rate)}% tax: it saves "
                     f"{terms.promised} tax included)")  # fmt: skip
        return note + "."

