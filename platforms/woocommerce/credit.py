"""Store credit as a WooCommerce coupon: which code, what amount, and whether a coupon found is ours.

*Ours.* A coupon code is only unique per shop, and anyone can create a coupon with the code we derive
from the idempotency key before we do (issue 16: a foreign 1.00 coupon for another e-mail was adopted as
the customer's credit). So a coupon counts as ours only when it carries our key in ``KEY_META``, is
restricted to the customer's e-mail, and is worth what we promised. A taken code moves the credit to the
next code of a fixed sequence (``RC-XXXX``, ``RC-XXXX-2``...), so a retry walks the same sequence and finds
the same coupon.

*Worth.* A ``fixed_cart`` coupon is taken off the item prices as the store enters them. When taxes are on
and prices exclude tax, WooCommerce deducts it before tax and then taxes the rest, so a coupon of A saves
A x (1 + rate). The connector promises a tax-inclusive value P (what the customer paid back), so it issues
A with A + tax(A) = P at the tax rate the returned order was charged; the promised P is kept in the
coupon's meta and description. When prices include tax, or taxes are off, the coupon saves exactly its
amount and A = P. Smart Coupons' ``smart_coupon`` applies after tax by default (its "apply before tax"
setting changes that, which the connector does not read), so it is issued at P.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from connector.domain.actions import StoreCreditInstruction
from connector.domain.money import Money
from connector.domain.timeutil import require_utc
from platforms.woocommerce.markers import (
    CURRENCY_META,
    KEY_META,
    RETURN_META,
    coupon_code,
    meta_list,
    meta_value,
    refund_marker,
)

PROMISED_META: Final = "_returns_connector_promised"
"""What spending the coupon saves, tax included (JSON ``{"amount", "currency", "tax_rate"}``)."""
CLASH_CODES: Final = 5
"""How many codes of the sequence a credit may move through before it gives up (each is one GET)."""


@dataclass(frozen=True, slots=True)
class TaxSettings:
    """The store's ``woocommerce_calc_taxes`` (group general) and ``woocommerce_prices_include_tax`` (tax)."""

    calc_taxes: bool
    prices_include_tax: bool

    @property
    def coupons_before_tax(self) -> bool:
        """True when a fixed-amount coupon is taken off tax-exclusive prices and the rest is then taxed."""
        return self.calc_taxes and not self.prices_include_tax


@dataclass(frozen=True, slots=True)
class CreditTerms:
    """The coupon's ``amount`` and what spending it saves (``promised``, tax included) at ``tax_rate``."""

    amount: Money
    promised: Money
    tax_rate: Decimal


def candidate_codes(idempotency_key: str) -> list[str]:
    """The fixed sequence of codes a credit may live under: the derived code, then ``-2``, ``-3``..."""
    first = coupon_code(idempotency_key)
    return [first] + [f"{first}-{n}" for n in range(2, CLASH_CODES + 1)]


def saved_by(amount: Money, tax_rate: Decimal) -> Money:
    """What a before-tax coupon of ``amount`` saves: the amount plus the tax it takes off (rounded half-up)."""
    return amount + Money(amount.amount * tax_rate, amount.currency)


def net_of_tax(promised: Money, tax_rate: Decimal) -> Money:
    """The coupon amount A with ``saved_by(A) == promised``; when rounding skips that value (each cent of
    A can save two), the smallest A that saves more, by one minor unit: the customer is never short."""
    if tax_rate <= 0:
        return promised
    step = Money.from_minor(1, promised.currency)
    guess = Money(promised.amount / (1 + tax_rate), promised.currency)
    candidates = [guess + step * k for k in range(-2, 3)]
    exact = [a for a in candidates if saved_by(a, tax_rate) == promised]
    if exact:
        return exact[-1]
    return min((a for a in candidates if saved_by(a, tax_rate) > promised), key=lambda a: a.amount)


def credit_terms(promised: Money, *, discount_type: str, taxes: TaxSettings, tax_rate: Decimal) -> CreditTerms:
    if discount_type == "fixed_cart" and taxes.coupons_before_tax and tax_rate > 0:
        return CreditTerms(net_of_tax(promised, tax_rate), promised, tax_rate)
    return CreditTerms(promised, promised, Decimal(0))


def promised_value(coupon: Mapping[str, Any], currency: str) -> Money | None:
    """What we recorded the coupon to be worth; its ``amount`` for coupons written before ``PROMISED_META``."""
    recorded = meta_value(coupon.get("meta_data"), PROMISED_META)
    try:
        if isinstance(recorded, str):
            data = json.loads(recorded)
            return Money(str(data["amount"]), str(data["currency"]))
        return Money(str(coupon.get("amount")), currency)
    except (ValueError, KeyError, TypeError):
        return None


def is_ours(coupon: Mapping[str, Any], instruction: StoreCreditInstruction) -> bool:
    """Our key in ``KEY_META`` (never the code alone), the customer's e-mail only, and the promised value."""
    if meta_value(coupon.get("meta_data"), KEY_META) != instruction.idempotency_key:
        return False
    emails = {str(e).strip().lower() for e in coupon.get("email_restrictions") or ()}
    if emails != {instruction.customer_email.strip().lower()}:
        return False
    return promised_value(coupon, instruction.amount.currency) == instruction.amount


def build_coupon_body(
    instruction: StoreCreditInstruction, *, code: str, discount_type: str, expires_at: datetime,
    terms: CreditTerms,
) -> dict[str, Any]:  # fmt: skip
    """``POST coupons``. The expiry goes in ``date_expires`` with an explicit UTC offset: WooCommerce ignores
    ``date_expires_gmt`` on write, and reads an offset-less ``date_expires`` in the site's timezone, which the
    REST keys cannot read (it is a WordPress setting); an offset is honoured whatever that timezone is."""
    promise = f"Worth {terms.promised}"
    if terms.amount != terms.promised:
        promise += f" incl. tax: {terms.amount} before {percent(terms.tax_rate)}% tax"
    body: dict[str, Any] = {
        "code": code,
        "discount_type": discount_type,
        "amount": str(terms.amount.amount),
        "description": " ".join(
            p for p in (f"Store credit for return {instruction.return_id} (order {instruction.order_id}).",
                        f"{promise}.", instruction.note.strip(), refund_marker(instruction.idempotency_key)) if p
        ),
        "email_restrictions": [instruction.customer_email],
        "individual_use": False,
        "date_expires": expiry(expires_at),
        "meta_data": meta_list(
            [(KEY_META, instruction.idempotency_key), (RETURN_META, instruction.return_id),
             (CURRENCY_META, instruction.amount.currency),
             (PROMISED_META, json.dumps({"amount": str(terms.promised.amount), "currency": terms.promised.currency,
                                         "tax_rate": str(terms.tax_rate)}))]
        ),
    }  # fmt: skip
    if discount_type == "fixed_cart":
        # core coupons have no balance: one use, then it is spent
        body.update(usage_limit=1, usage_limit_per_user=1)
    return body


def percent(rate: Decimal) -> str:
    return str((rate * 100).quantize(Decimal("0.001")).normalize())


def expiry(stamp: datetime) -> str:
    """ISO 8601 with a ``+00:00`` offset, to the second (WooCommerce's ``set_date_prop`` pattern)."""
    require_utc(stamp)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
