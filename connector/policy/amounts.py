"""Money for a return: per-line paid/tax/restocking/bonus, return-level fees, and the split by outcome.

Every figure comes from ``OrderLine.paid_for`` (discount and tax of that line, rounded down), so the
result never exceeds what was paid; fees only ever reduce what goes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine
from connector.domain.reasons import ReasonCode
from connector.domain.returns import LineAmounts, ResolutionKind, ReturnAmounts, ReturnFees
from connector.policy.eligibility import restocking_rate
from connector.policy.explain import Item, Label
from connector.policy.model import BonusKind, EuWithdrawal, Policy, ShippingRefund


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A return line as the money computation needs it."""

    id: str
    order_line: OrderLine
    quantity: int
    reason: ReasonCode
    kind: ResolutionKind
    withdrawal: bool
    exchange_price: Money | None = None
    difference_as_credit: bool = False
    """A cheaper replacement's difference is credited, not refunded (the customer chose credit)."""


@dataclass(frozen=True, slots=True)
class MoneyResult:
    fees: ReturnFees
    amounts: ReturnAmounts
    balance_due: Money  # what the customer still pays for exchanges
    items: tuple[Item, ...]


def _bonuses(policy: Policy, lines: Sequence[PricedLine], nets: Sequence[Money], currency: str) -> list[Money]:
    zero = Money.zero(currency)
    bonus = policy.bonus
    if bonus is None:
        return [zero for _ in lines]
    takes = [line.kind in bonus.outcomes and line.kind is not ResolutionKind.REFUND for line in lines]
    if bonus.kind is BonusKind.PERCENT:
        return [
            Money.rounded_down(net.amount * bonus.percent / 100, currency) if take else zero
            for net, take in zip(nets, takes, strict=True)
        ]
    flat = bonus.flat.get(currency)
    weights = [net.to_minor() if take else 0 for net, take in zip(nets, takes, strict=True)]
    if flat is None or not any(weights):
        return [zero for _ in lines]
    return flat.allocate(weights)


def _shipping_refund(
    policy: Policy,
    order: Order,
    lines: Sequence[PricedLine],
    full_return: bool,
    eu: EuWithdrawal | None,
    already: Money,
) -> tuple[Money, Item]:
    currency = order.currency
    zero = Money.zero(currency)
    paid = order.shipping_total
    rule = policy.fees.shipping_refund
    commercial = zero
    if (
        rule is ShippingRefund.ALWAYS
        or (rule is ShippingRefund.MERCHANT_FAULT and any(line.reason.is_merchant_fault for line in lines))
        or (rule is ShippingRefund.FULL_RETURN and full_return)
    ):
        commercial = paid
    legal = zero
    if eu is not None and any(line.withdrawal for line in lines) and (full_return or eu.refund_delivery_on_partial):
        cheapest = eu.cheapest_delivery.get(currency)
        legal = paid if cheapest is None else cheapest.min(paid)
    wanted = commercial.max(legal)
    left = (paid - already).clamp_non_negative()
    amount = wanted.min(left)
    if wanted and not amount:
        return zero, Item.of("fees.shipping_refund", "shipping.already_refunded")
    if not amount:
        return zero, Item.of("fees.shipping_refund", "shipping.not_refunded")
    if legal > commercial:
        return amount, Item.of("eu_withdrawal.delivery", "eu.delivery_refunded", amount=amount)
    return amount, Item.of("fees.shipping_refund", f"shipping.refunded.{rule}", amount=amount)


def _return_shipping_fee(
    policy: Policy, currency: str, lines: Sequence[PricedLine], keep_item: bool, eu: EuWithdrawal | None
) -> tuple[Money, Item]:
    zero = Money.zero(currency)
    base = policy.fees.return_shipping.get(currency)
    if base is None or not base:
        return zero, Item.of("fees.return_shipping", "fee.free_returns")
    if keep_item:
        return zero, Item.of("fees.return_shipping", "fee.return_shipping.keep_item")
    if all(line.reason.is_merchant_fault for line in lines):
        return zero, Item.of("fees.return_shipping", "fee.return_shipping.merchant_fault", amount=base)
    if eu is not None and eu.merchant_pays_return_shipping and all(line.withdrawal for line in lines):
        return zero, Item.of("eu_withdrawal", "fee.free_returns")
    kinds = {line.kind for line in lines}
    if kinds <= policy.fees.waive_shipping_for:
        return zero, Item.of("fees.waive_shipping_for", "fee.return_shipping.waived", amount=base)
    return base, Item.of("fees.return_shipping", "fee.return_shipping", amount=base)


def compute(
    policy: Policy,
    order: Order,
    lines: Sequence[PricedLine],
    *,
    keep_item: bool,
    full_return: bool,
    eu: EuWithdrawal | None,
    shipping_refunded: Money | None = None,
) -> MoneyResult:
    currency = order.currency
    zero = Money.zero(currency)
    items: list[Item] = []

    paid: list[Money] = []
    restocking: list[Money] = []
    for line in lines:
        quantity = min(line.quantity, line.order_line.quantity_ordered)
        amount = line.order_line.paid_for(quantity)
        rate = Decimal(0) if keep_item else restocking_rate(policy, line.reason, line.withdrawal)
        fee = Money.rounded_down(amount.amount * rate / 100, currency).min(amount)
        paid.append(amount)
        restocking.append(fee)
        title = line.order_line.title
        items.append(
            Item.of(
                "outcomes",
                "outcome.chosen",
                line.order_line.id,
                item=title,
                outcome=Label(f"outcome.{line.kind}"),
                quantity=quantity,
                paid=amount,
            )
        )
        if fee:
            items.append(
                Item.of(
                    "fees.restocking_percent",
                    "fee.restocking",
                    line.order_line.id,
                    item=title,
                    percent=rate,
                    reason=Label(f"reason.{line.reason}"),
                    amount=fee,
                )
            )
        elif line.withdrawal and policy.fees.restocking_percent.get(line.reason) and not keep_item:
            items.append(Item.of("eu_withdrawal", "eu.no_restocking", line.order_line.id, item=title))
        elif line.reason.is_merchant_fault and policy.fees.restocking_percent:
            items.append(
                Item.of(
                    "fees.restocking_percent",
                    "fee.restocking.merchant_fault",
                    line.order_line.id,
                    item=title,
                    reason=Label(f"reason.{line.reason}"),
                )
            )
    nets = [(p - r).clamp_non_negative() for p, r in zip(paid, restocking, strict=True)]
    bonuses = _bonuses(policy, lines, nets, currency)

    refund, credit, exchange_value, due = zero, zero, zero, zero
    line_amounts: list[LineAmounts] = []
    for line, amount, fee, net, bonus in zip(lines, paid, restocking, nets, bonuses, strict=True):
        title = line.order_line.title
        used_bonus = bonus
        if line.kind is ResolutionKind.REFUND:
            refund += net
            if line.withdrawal:
                items.append(Item.of("eu_withdrawal", "eu.refund_original_payment", line.order_line.id, item=title))
        elif line.kind is ResolutionKind.STORE_CREDIT:
            credit += net + bonus
            if line.withdrawal:
                items.append(Item.of("eu_withdrawal", "eu.credit_chosen", line.order_line.id, item=title))
        else:
            price = line.exchange_price if line.exchange_price is not None else amount
            value = net + bonus
            if value >= price:
                exchange_value += price
                used_bonus = bonus.min((price - net).clamp_non_negative())
                back = (net - price).clamp_non_negative()
                if back:
                    if line.difference_as_credit:
                        credit += back
                    else:
                        refund += back
                    items.append(
                        Item.of(
                            "outcomes.exchange",
                            "exchange.difference_credited" if line.difference_as_credit
                            else "exchange.difference_refunded",
                            line.order_line.id,
                            item=title,
                            price=price,
                            amount=back,
                        )
                    )
            else:
                exchange_value += value
                due += price - value
                items.append(
                    Item.of(
                        "outcomes.exchange",
                        "exchange.balance_due",
                        line.order_line.id,
                        item=title,
                        price=price,
                        amount=price - value,
                    )
                )
        if used_bonus and policy.bonus is not None and policy.bonus.kind is BonusKind.PERCENT:
            items.append(
                Item.of(
                    "bonus",
                    "bonus.percent",
                    line.order_line.id,
                    item=title,
                    percent=policy.bonus.percent,
                    outcome=Label(f"outcome.{line.kind}"),
                    amount=used_bonus,
                )
            )
        tax = line.order_line.tax_for(min(line.quantity, line.order_line.quantity_ordered))
        line_amounts.append(LineAmounts(line.id, amount, tax, fee, used_bonus))
    total_bonus = Money.sum((la.bonus for la in line_amounts), currency)
    if total_bonus and policy.bonus is not None and policy.bonus.kind is BonusKind.FLAT:
        items.append(Item.of("bonus", "bonus.flat", amount=total_bonus))

    already = shipping_refunded if shipping_refunded is not None else zero
    shipping, shipping_item = _shipping_refund(policy, order, lines, full_return, eu, already)
    items.append(shipping_item)
    if shipping:
        has_refund = any(line.kind is ResolutionKind.REFUND for line in lines)
        has_credit = any(line.kind is ResolutionKind.STORE_CREDIT for line in lines)
        if has_credit and not has_refund:
            credit += shipping
        else:
            refund += shipping

    fee, fee_item = _return_shipping_fee(policy, currency, lines, keep_item, eu)
    items.append(fee_item)
    left = fee
    for pot in ("refund", "credit"):
        if not left:
            break
        if pot == "refund":
            take = left.min(refund)
            refund -= take
        else:
            take = left.min(credit)
            credit -= take
        left -= take
    if left and any(line.kind is ResolutionKind.EXCHANGE for line in lines):
        due += left

    fees = ReturnFees(return_shipping=fee, restocking=Money.sum(restocking, currency))
    # The credit lines' bonus is a line of its own: it is not a refund of what was paid (fees come out of that).
    credit_bonus = Money.sum(
        (la.bonus for la, line in zip(line_amounts, lines, strict=True) if line.kind is ResolutionKind.STORE_CREDIT),
        currency,
    ).min(credit)
    amounts = ReturnAmounts(
        currency=currency,
        lines=tuple(line_amounts),
        return_shipping_fee=fee,
        shipping_refund=shipping,
        refund=refund,
        store_credit=credit,
        exchange_value=exchange_value,
        balance_due=due if due else None,
        store_credit_bonus=credit_bonus if credit_bonus else None,
    )
    return MoneyResult(fees, amounts, due, tuple(items))
