"""What a return would give before the customer confirms it: the policy's decision and money, nothing saved.

Why a use case of its own: the portal's review page must show the figures the return will be opened with, so
it runs the very steps ``ask_for_return`` and ``ReturnService.open_return`` run (the same line and stock
checks, replacement prices asked of the shop, the same draft, context and ``evaluate``) and stops before
anything is stored. The shop is asked (the order, the replacements' stock and price) before the one unit of
work that reads the policy, the other open returns and the customer's history; never while it is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from connector.domain.events import Actor, ActorKind
from connector.domain.money import Money
from connector.domain.orders import Order, OrderLine, Shop
from connector.domain.resolutions import ResolutionKind, ReturnFees, ReturnMethod
from connector.policy import Evaluation, EvaluationContext, LineResult, evaluate
from connector.policy.explain import Item
from connector.policy.methods import MethodOffer, offered_methods
from connector.policy.model import Decision, Policy
from connector.providers import Capability
from connector.services.customer_history import customer_history
from connector.services.deps import Deps
from connector.services.opening import LineInput, draft_of, return_lines_of
from connector.services.orders import order_at_hand
from connector.services.policies import current_policy
from connector.services.portal_return import AskedLine, InvalidLines, exchange_prices, line_problems, stock_problems
from connector.services.returns import KeepItemRefused
from connector.services.shipping_refunded import shipping_refunded

QUOTE_ID = "QUOTE"
"""The id the unsaved return's lines are numbered after (``QUOTE-1``...); it is never stored."""


@dataclass(frozen=True, slots=True)
class QuotedLine:
    """One asked line beside the order line it returns and the policy's verdict on it."""

    order_line: OrderLine
    asked: AskedLine
    result: LineResult

    @property
    def outcome(self) -> ResolutionKind:
        return self.asked.resolution.kind

    @property
    def replacement_price(self) -> Money | None:
        """What the replacements of an exchanged line cost in all (the unit price times the quantity)."""
        unit = self.asked.resolution.exchange_price
        return None if unit is None else unit * self.asked.quantity

    @property
    def withdrawal_deadline(self) -> date | None:
        """The last day of the statutory withdrawal period, when that right covers this line."""
        return self.result.deadline if self.result.withdrawal else None


@dataclass(frozen=True, slots=True)
class Quote:
    """The return as it would be opened now: the decision, what goes back where, what the customer pays."""

    shop: Shop
    order: Order
    policy: Policy
    method: ReturnMethod
    keep_item_asked: bool
    evaluation: Evaluation
    lines: tuple[QuotedLine, ...]
    methods: tuple[MethodOffer, ...]
    """The ways back the same policy offers, each with its fee in the order's currency."""

    @property
    def decision(self) -> Decision:
        return self.evaluation.decision

    @property
    def fees(self) -> ReturnFees:
        return self.evaluation.fees

    @property
    def refund(self) -> Money:
        """To the original payment, after fees."""
        return self.evaluation.amounts.refund

    @property
    def store_credit(self) -> Money:
        """Store credit, bonus included."""
        return self.evaluation.amounts.store_credit

    @property
    def store_credit_bonus(self) -> Money:
        return self.evaluation.amounts.store_credit_bonus or Money.zero(self.order.currency)

    @property
    def bonus(self) -> Money:
        """Every line's bonus, the part topping up exchanges included."""
        return self.evaluation.amounts.bonus

    @property
    def to_pay(self) -> Money:
        """What the customer still pays for replacements dearer than what comes back."""
        return self.evaluation.balance_due

    @property
    def shipping_refund(self) -> Money:
        return self.evaluation.amounts.shipping_refund

    @property
    def refund_due_by(self) -> datetime | None:
        """Under the EU preset, when a withdrawal is involved: the day the shop must have refunded by."""
        return self.evaluation.refund_due_by

    @property
    def keep_item(self) -> bool:
        return self.evaluation.keep_item

    @property
    def keep_item_refused(self) -> Item | None:
        """Why keeping the goods is not granted, when the customer asked to (nothing would be opened)."""
        if not self.keep_item_asked or self.evaluation.keep_item:
            return None
        return KeepItemRefused(self.evaluation).item

    @property
    def opens(self) -> bool:
        """Whether confirming would open this return: not when the policy declines it, nor when it refuses the
        keep-the-item the customer asked for. The review page offers Confirm, and the confirm use case opens the
        return, on this one answer."""
        return self.decision is not Decision.DECLINE and self.keep_item_refused is None

    @property
    def refused_lines(self) -> tuple[QuotedLine, ...]:
        return tuple(line for line in self.lines if not line.result.eligible)

    def offer(self, method: ReturnMethod) -> MethodOffer | None:
        return next((offer for offer in self.methods if offer.method is method), None)


def quote_return(
    deps: Deps,
    shop_id: str,
    order_id: str,
    asked: Sequence[AskedLine],
    method: ReturnMethod,
    *,
    keep_item: bool,
) -> Quote:
    """The quote for ``asked``; ``InvalidLines`` for lines the order or the shop cannot honour (the same
    problems ``ask_for_return`` refuses), ``ExchangesUnavailable`` when the shop cannot be asked."""
    found = order_at_hand(deps, shop_id, order_id, fresh=True)
    order = found.order
    problems = stock_problems(found.adapter, asked)
    prices = exchange_prices(found.adapter, order, asked) if not problems else []
    now = deps.clock()
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        policy = current_policy(uow, shop_id)
        unsynced_only = deps.capable(shop, Capability.ORDER_COUNTS_MIRRORED_RETURNS)
        pending = uow.returns(shop_id).pending_quantities(order.id, unsynced_only=unsynced_only)
        context = EvaluationContext(
            now=now,
            customer_returns=customer_history(uow, shop_id, order.email),
            pending_quantities=pending,
            actor=Actor(ActorKind.CUSTOMER, order.email),
            shipping_refunded=shipping_refunded(uow, shop_id, order),
        )
    problems = line_problems(order, pending, asked) or problems
    if problems:
        raise InvalidLines(problems)
    inputs = [
        LineInput(line.order_line_id, line.quantity, line.reason, line.resolution, customer_note=line.note,
                  exchange_price=price)
        for line, price in zip(asked, prices, strict=True)
    ]
    return_lines = return_lines_of(QUOTE_ID, inputs)
    evaluation = evaluate(policy, order, draft_of(return_lines, method, keep_item, now), context)
    priced = [AskedLine(line.order_line_id, line.quantity, line.reason, priced_line.resolution, line.note)
              for line, priced_line in zip(asked, return_lines, strict=True)]
    quoted = tuple(
        QuotedLine(order.line(line.order_line_id), line, result)
        for line, result in zip(priced, evaluation.lines, strict=True)
    )
    return Quote(shop, order, policy, method, keep_item, evaluation, quoted,
                 tuple(offered_methods(policy, order.currency)))

