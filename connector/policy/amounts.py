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
from connector.domain.resolutions import LineAmounts, ResolutionKind, ReturnAmounts, ReturnFees, ReturnMethod
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
    policy: Policy,
    currency: str,
    lines: Sequence[PricedLine],
    keep_item: bool,
    eu: EuWithdrawal | None,
    method: ReturnMethod,
) -> tuple[Money, Item]:
    zero = Money.zero(currency)
    own = policy.fees.by_method.get(method)
    setting = "fees.by_method" if own is not None and own.get(currency) is not None else "fees.return_shipping"
    base = policy.fees.return_fee(method, currency)
    if base is None or not base:
        return zero, Item.of(setting, "fee.free_returns")
    if keep_item:
        return zero, Item.of("fees.return_shipping", "fee.return_shipping.keep_item")
    if all(line.reason.is_merchant_fault for line in lines):
        return zero, Item.of("fees.return_shipping", "fee.return_shipping.merchant_fault", amount=base)
    if eu is not None and eu.merchant_pays_return_shipping and all(line.withdrawal for line in lines):
        return zero, Item.of("eu_withdrawal", "fee.free_returns")
    kinds = {line.kind for line in lines}
    if kinds <= policy.fees.waive_shipping_for:
        return zero, Item.of("fees.waive_shipping_for", "fee.return_shipping.waived", amount=base)
    return base, Item.of(setting, "fee.return_shipping", amount=base)


@dataclass(slots=True)
class _Pots:
    """The running totals a return's lines are paid into, by where the money goes."""

    refund: Money
    credit: Money
    exchange_value: Money
    due: Money  # what the customer still pays for exchanges

    @classmethod
    def empty(cls, currency: str) -> _Pots:
        zero = Money.zero(currency)
        return cls(zero, zero, zero, zero)


@dataclass(frozen=True, slots=True)
class _PricedLines:
    """What each line paid and what its restocking fee keeps back, in the lines' order."""

    paid: list[Money]
    restocking: list[Money]

    def nets(self) -> list[Money]:
        """What may go back for each line: paid less its restocking fee, never below zero."""
        return [(p - r).clamp_non_negative() for p, r in zip(self.paid, self.restocking, strict=True)]


def _returned_quantity(line: PricedLine) -> int:
    """The quantity priced: never more than was ordered, so no figure exceeds what was paid."""
    return min(line.quantity, line.order_line.quantity_ordered)


def _restocking_item(policy: Policy, line: PricedLine, fee: Money, rate: Decimal, keep_item: bool) -> Item | None:
    """Why a line pays a restocking fee, or why it does not although the policy has one."""
    order_line = line.order_line
    if fee:
        return Item.of(
            "fees.restocking_percent",
            "fee.restocking",
            order_line.id,
            item=order_line.title,
            percent=rate,
            reason=Label(f"reason.{line.reason}"),
            amount=fee,
        )
    if line.withdrawal and policy.fees.restocking_percent.get(line.reason) and not keep_item:
        return Item.of("eu_withdrawal", "eu.no_restocking", order_line.id, item=order_line.title)
    if line.reason.is_merchant_fault and policy.fees.restocking_percent:
        return Item.of(
            "fees.restocking_percent",
            "fee.restocking.merchant_fault",
            order_line.id,
            item=order_line.title,
            reason=Label(f"reason.{line.reason}"),
        )
    return None


def _price_lines(
    policy: Policy, lines: Sequence[PricedLine], currency: str, keep_item: bool, items: list[Item]
) -> _PricedLines:
    """Step 1: what each line paid and its restocking fee (none when the customer keeps the item).

    The fee is capped at what the line paid, so a line never costs the customer money.
    """
    paid: list[Money] = []
    restocking: list[Money] = []
    for line in lines:
        quantity = _returned_quantity(line)
        amount = line.order_line.paid_for(quantity)
        rate = Decimal(0) if keep_item else restocking_rate(policy, line.reason, line.withdrawal)
        fee = Money.rounded_down(amount.amount * rate / 100, currency).min(amount)
        paid.append(amount)
        restocking.append(fee)
        items.append(
            Item.of(
                "outcomes",
                "outcome.chosen",
                line.order_line.id,
                item=line.order_line.title,
                outcome=Label(f"outcome.{line.kind}"),
                quantity=quantity,
                paid=amount,
            )
        )
        explained = _restocking_item(policy, line, fee, rate, keep_item)
        if explained is not None:
            items.append(explained)
    return _PricedLines(paid, restocking)


def _exchange_line(line: PricedLine, paid: Money, net: Money, bonus: Money, pots: _Pots, items: list[Item]) -> Money:
    """Pay an exchanged line towards its replacement; return the part of the bonus it used.

    A replacement worth less sends the difference back (as credit when the customer chose it); one worth
    more leaves a balance the customer pays. The bonus only tops up the value, it is never paid out here.
    """
    price = line.exchange_price if line.exchange_price is not None else paid
    value = net + bonus
    if value < price:
        pots.exchange_value += value
        pots.due += price - value
        items.append(
            Item.of(
                "outcomes.exchange",
                "exchange.balance_due",
                line.order_line.id,
                item=line.order_line.title,
                price=price,
                amount=price - value,
            )
        )
        return bonus
    pots.exchange_value += price
    back = (net - price).clamp_non_negative()
    if back:
        if line.difference_as_credit:
            pots.credit += back
        else:
            pots.refund += back
        items.append(
            Item.of(
                "outcomes.exchange",
                "exchange.difference_credited" if line.difference_as_credit else "exchange.difference_refunded",
                line.order_line.id,
                item=line.order_line.title,
                price=price,
                amount=back,
            )
        )
    return bonus.min((price - net).clamp_non_negative())


def _split_line(line: PricedLine, paid: Money, net: Money, bonus: Money, pots: _Pots, items: list[Item]) -> Money:
    """Step 3, one line: put its net into the pot of its outcome; return the part of the bonus it used."""
    title = line.order_line.title
    if line.kind is ResolutionKind.REFUND:
        pots.refund += net
        if line.withdrawal:
            items.append(Item.of("eu_withdrawal", "eu.refund_original_payment", line.order_line.id, item=title))
        return bonus
    if line.kind is ResolutionKind.STORE_CREDIT:
        pots.credit += net + bonus
        if line.withdrawal:
            items.append(Item.of("eu_withdrawal", "eu.credit_chosen", line.order_line.id, item=title))
        return bonus
    return _exchange_line(line, paid, net, bonus, pots, items)


def _split_by_outcome(
    policy: Policy,
    lines: Sequence[PricedLine],
    priced: _PricedLines,
    currency: str,
    pots: _Pots,
    items: list[Item],
) -> list[LineAmounts]:
    """Steps 2 and 3: each line's bonus, then its money into refund, credit or exchange; one LineAmounts each."""
    nets = priced.nets()
    bonuses = _bonuses(policy, lines, nets, currency)
    line_amounts: list[LineAmounts] = []
    for line, paid, fee, net, bonus in zip(lines, priced.paid, priced.restocking, nets, bonuses, strict=True):
        used_bonus = _split_line(line, paid, net, bonus, pots, items)
        if used_bonus and policy.bonus is not None and policy.bonus.kind is BonusKind.PERCENT:
            items.append(
                Item.of(
                    "bonus",
                    "bonus.percent",
                    line.order_line.id,
                    item=line.order_line.title,
                    percent=policy.bonus.percent,
                    outcome=Label(f"outcome.{line.kind}"),
                    amount=used_bonus,
                )
            )
        tax = line.order_line.tax_for(_returned_quantity(line))
        line_amounts.append(LineAmounts(line.id, paid, tax, fee, used_bonus))
    total_bonus = Money.sum((la.bonus for la in line_amounts), currency)
    if total_bonus and policy.bonus is not None and policy.bonus.kind is BonusKind.FLAT:
        items.append(Item.of("bonus", "bonus.flat", amount=total_bonus))
    return line_amounts


def _add_shipping_refund(lines: Sequence[PricedLine], shipping: Money, pots: _Pots) -> None:
    """Step 4: the refunded shipping goes to credit only when the return is all credit, else to the refund."""
    if not shipping:
        return
    has_refund = any(line.kind is ResolutionKind.REFUND for line in lines)
    has_credit = any(line.kind is ResolutionKind.STORE_CREDIT for line in lines)
    if has_credit and not has_refund:
        pots.credit += shipping
    else:
        pots.refund += shipping


def _deduct_return_shipping_fee(lines: Sequence[PricedLine], fee: Money, pots: _Pots) -> None:
    """Step 5: the fee comes out of the refund first, then the credit; what is left, an exchange pays."""
    left = fee
    if left:
        take = left.min(pots.refund)
        pots.refund -= take
        left -= take
    if left:
        take = left.min(pots.credit)
        pots.credit -= take
        left -= take
    if left and any(line.kind is ResolutionKind.EXCHANGE for line in lines):
        pots.due += left


def _credit_bonus(
    lines: Sequence[PricedLine], line_amounts: Sequence[LineAmounts], credit: Money, currency: str
) -> Money:
    """The credit lines' bonus, a line of its own: it is not a refund of what was paid (fees come out of that)."""
    return Money.sum(
        (la.bonus for la, line in zip(line_amounts, lines, strict=True) if line.kind is ResolutionKind.STORE_CREDIT),
        currency,
    ).min(credit)


def compute(
    policy: Policy,
    order: Order,
    lines: Sequence[PricedLine],
    *,
    keep_item: bool,
    full_return: bool,
    eu: EuWithdrawal | None,
    shipping_refunded: Money | None = None,
    method: ReturnMethod = ReturnMethod.PREPAID_LABEL,
) -> MoneyResult:
    """The money of a return, in the order a merchant would reckon it, each step explained in ``items``.

    Price the lines, split them by outcome (with any bonus), add the refunded shipping, then take the
    return shipping fee; every step only moves or reduces what was paid.
    """
    currency = order.currency
    zero = Money.zero(currency)
    items: list[Item] = []
    pots = _Pots.empty(currency)

    priced = _price_lines(policy, lines, currency, keep_item, items)
    line_amounts = _split_by_outcome(policy, lines, priced, currency, pots, items)

    already = shipping_refunded if shipping_refunded is not None else zero
    shipping, shipping_item = _shipping_refund(policy, order, lines, full_return, eu, already)
    items.append(shipping_item)
    _add_shipping_refund(lines, shipping, pots)

    fee, fee_item = _return_shipping_fee(policy, currency, lines, keep_item, eu, method)
    items.append(fee_item)
    _deduct_return_shipping_fee(lines, fee, pots)

    fees = ReturnFees(return_shipping=fee, restocking=Money.sum(priced.restocking, currency))
    credit_bonus = _credit_bonus(lines, line_amounts, pots.credit, currency)
    amounts = ReturnAmounts(
        currency=currency,
        lines=tuple(line_amounts),
        return_shipping_fee=fee,
        shipping_refund=shipping,
        refund=pots.refund,
        store_credit=pots.credit,
        exchange_value=pots.exchange_value,
        balance_due=pots.due if pots.due else None,
        store_credit_bonus=credit_bonus if credit_bonus else None,
    )
    return MoneyResult(fees, amounts, pots.due, tuple(items))
