"""Pay a resolved return whose refund (or store credit) the shop refused, with an amount an agent corrects.

A resolved return is not resolved again, so the override on ``resolve`` comes too late once its refund has
failed (WooCommerce: more asked than the order has left, because the merchant refunded part of it by hand).
A plain retry sends the same key and the same amount, and fails the same way. Here the agent names the amount
(at most what the order has left to refund) and why; a NEW action with a new stable key pays it, recorded
before any call, and the failed one stays in the history as failed.

Only an action the shop refused before any effect qualifies (the executor marks it ``FAILED_BEFORE_EFFECT``);
an action given up while its outcome was unknown may have paid, so it is only ever retried with its own key.
The executor's own checks run first: a return settled at the shop, or an effect the shop holds for the failed
action's key, is never paid again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from connector.domain.actions import ActionKind
from connector.domain.errors import DomainError, InvalidReturn
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.resolutions import ResolutionKind
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.errors import ConfigError
from connector.ports import ShopAdapter
from connector.services import instructions
from connector.services.action_table import find_earlier_effect
from connector.services.deps import Deps
from connector.services.executor import FAILED_BEFORE_EFFECT
from connector.services.planning import PlannedAction
from connector.services.refundable import check_override, order_and_left_to_refund
from connector.services.replaced import REPLACES, replaced_ids
from connector.services.returns import Outcome, ReturnNotFound, record_planned
from connector.services.shop_refunds import settled_at_shop
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.uow import UnitOfWork

PAYABLE_AGAIN = {ActionKind.REFUND: ResolutionKind.REFUND, ActionKind.STORE_CREDIT: ResolutionKind.STORE_CREDIT}
_ROUND = re.compile(r":r\d+$")


class NotPayableAgain(DomainError):
    """The action cannot be paid with another amount (answered 409, saying what to do instead)."""


def pay_failed_action(
    deps: Deps,
    shop_id: str,
    return_id: str,
    actor: Actor,
    amount: Money,
    reason: str,
    action_id: str | None = None,
) -> Outcome:
    """Record a new action paying ``amount`` in place of the return's failed refund or credit (``action_id``,
    else its latest failed one), with the agent's reason in the return's history.

    The shop is asked (the order, what it has left to refund, whether the failed key paid after all) between
    two transactions, never inside one: the first finds the action, the second checks it again as it is then
    and records its replacement; the return's version check refuses a return saved meanwhile."""
    if not reason.strip():
        raise InvalidReturn("paying another amount needs a reason")
    failed = _checked_at_shop(deps, shop_id, return_id, action_id, amount)
    now = deps.clock()
    with deps.uow() as uow:
        request, records, failed = _payable(uow, shop_id, return_id, failed.id)
        _refuse_if_settled(request, failed)
        planned = _replacement(failed, amount, records)
        request.override_amount(actor, now, PAYABLE_AGAIN[failed.kind], amount, reason,
                                {"replaces_action": failed.id, "idempotency_key": planned.key})
        uow.returns(shop_id).save(request)
        action_ids, outbox_ids = record_planned(uow, shop_id, request, [planned])
        uow.commit()
    return Outcome(request, None, action_ids, outbox_ids)


def _checked_at_shop(deps: Deps, shop_id: str, return_id: str, action_id: str | None, amount: Money) -> ActionRecord:
    """The failed action to pay again, once the shop said the amount is not more than the order has left and
    the failed key paid nothing (asked with no transaction open)."""
    with deps.uow() as uow:
        request, _, failed = _payable(uow, shop_id, return_id, action_id)
    found, left = order_and_left_to_refund(deps, shop_id, request.order_id)
    if found.adapter is None:
        raise ConfigError(f"shop {found.shop.address} has no credentials")
    check_override(amount, found.order, left)
    _refuse_if_settled(request, failed)
    _refuse_if_paid(found.adapter, failed, request)
    return failed


def _payable(
    uow: UnitOfWork, shop_id: str, return_id: str, action_id: str | None
) -> tuple[ReturnRequest, list[ActionRecord], ActionRecord]:
    """The resolved return, its actions and the failed one to pay again, refused when paying it could pay twice."""
    request = uow.returns(shop_id).get(return_id)
    if request is None:
        raise ReturnNotFound(f"no return {return_id}")
    records = uow.actions(shop_id).for_return(return_id)
    failed = _failed_action(records, return_id, action_id)
    if request.status is not ReturnStatus.RESOLVED:
        raise NotPayableAgain(f"return {return_id} is {request.status.value}: only a resolved return is paid")
    return request, records, failed


def _failed_action(records: list[ActionRecord], return_id: str, action_id: str | None) -> ActionRecord:
    """The action to pay again, after checking that paying it again cannot pay twice."""
    replaced = replaced_ids(records)
    if action_id is not None:
        chosen = next((r for r in records if r.id == action_id), None)
        if chosen is None:
            raise ReturnNotFound(f"no action {action_id} on return {return_id}")
    else:
        open_ones = [r for r in records if r.kind in PAYABLE_AGAIN and r.state is ActionState.FAILED
                     and r.id not in replaced]
        if not open_ones:
            raise NotPayableAgain(f"return {return_id} has no failed refund or store credit to pay again")
        chosen = open_ones[-1]
    if chosen.kind not in PAYABLE_AGAIN:
        raise NotPayableAgain(f"action {chosen.id} is a {chosen.kind.value}: only a refund or a store credit is "
                              "paid again with another amount")
    if chosen.payload.get("bonus"):
        raise NotPayableAgain(f"action {chosen.id} is the policy's credit bonus: it is paid as the policy set it "
                              "(retry it), never with another amount")
    if chosen.state is not ActionState.FAILED:
        raise NotPayableAgain(f"action {chosen.id} is {chosen.state.value}: only a failed action is paid again "
                              "with another amount")
    if not _refused_by_the_shop(chosen):
        raise NotPayableAgain(f"action {chosen.id} was given up while its outcome was unknown, so it may have "
                              "paid: retry it with its own key (the shop is asked first)")
    if chosen.id in replaced:
        raise NotPayableAgain(f"action {chosen.id} was already paid again by another action")
    busy = [r for r in _same_intent(records, chosen) if r.state is not ActionState.FAILED]
    if busy:
        raise NotPayableAgain(f"action {busy[0].id} already pays it ({busy[0].state.value})")
    return chosen


def _refused_by_the_shop(action: ActionRecord) -> bool:
    """Failed with no effect: marked so by the executor; an action failed before that mark existed counts when
    it failed at its first attempt (an unknown outcome is retried, so it fails only after several), so that
    returns stuck before the upgrade can be paid too. The shop is asked for the old key first either way."""
    result = action.result or {}
    if result.get(FAILED_BEFORE_EFFECT):
        return True
    return FAILED_BEFORE_EFFECT not in result and action.attempts == 1


def _same_intent(records: Iterable[ActionRecord], action: ActionRecord) -> list[ActionRecord]:
    """The action and every earlier or later round of it (``ret:<id>:refund``, ``ret:<id>:refund:r2``...)."""
    root = _ROUND.sub("", action.idempotency_key)
    return [r for r in records if r.kind is action.kind and _ROUND.sub("", r.idempotency_key) == root]


def _refuse_if_settled(request: ReturnRequest, failed: ActionRecord) -> None:
    """The executor's first check before a retry: a return settled by hand at the shop is paid nothing more."""
    settled = settled_at_shop(request, failed.kind)
    if settled is not None:
        raise NotPayableAgain(f"return {request.id} was settled at the shop (refund {settled.platform_id}): "
                              "nothing more is paid")


def _refuse_if_paid(adapter: ShopAdapter, failed: ActionRecord, request: ReturnRequest) -> None:
    """The executor's second check before a retry, asking the shop: the failed key's effect found."""
    found = find_earlier_effect(adapter, failed, request)
    if found is not None:
        raise NotPayableAgain(f"the shop holds {found.platform_id} for action {failed.id}: retry that action so "
                              "it is recorded; nothing more is paid")


def _replacement(failed: ActionRecord, amount: Money, records: list[ActionRecord]) -> PlannedAction:
    """The failed instruction with the agent's amount, under the next round's key (``...:refund:r2``)."""
    key = f"{_ROUND.sub('', failed.idempotency_key)}:r{len(_same_intent(records, failed)) + 1}"
    if failed.kind is ActionKind.REFUND:
        refund = replace(instructions.refund_from_json(failed.payload), amount=amount, idempotency_key=key)
        payload = instructions.refund_to_json(refund)
    else:
        credit = replace(instructions.credit_from_json(failed.payload), amount=amount, idempotency_key=key)
        payload = instructions.credit_to_json(credit)
    return PlannedAction(failed.kind, key, {**payload, REPLACES: failed.id})
