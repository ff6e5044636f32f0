"""Return use cases. The API, webhooks, rules and the CLI all go through these, and so through one policy.

Each use case decides in one unit of work: it loads the return, asks the domain to change it, saves it with its
version check, and records the platform actions (with their idempotency keys) and their outbox rows in the
same transaction. What it must read from the shop (the order, what is left to refund) is asked before that
transaction opens, never inside it; nothing here changes anything at the shop: the executor does, later, from
the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector.domain.actions import ActionKind
from connector.domain.errors import DomainError, InvalidReturn
from connector.domain.events import Actor
from connector.domain.money import Money
from connector.domain.orders import Order, Shop
from connector.domain.resolutions import Condition, Disposition, ResolutionKind, ReturnMethod
from connector.domain.returns import ReturnRequest
from connector.domain.states import ReturnStatus
from connector.policy import Evaluation, EvaluationContext, evaluate
from connector.policy.explain import Item, Label, Listing
from connector.providers import Capability, PlatformProvider
from connector.services.customer_history import customer_history
from connector.services.deps import Deps
from connector.services.opening import LineInput as LineInput
from connector.services.opening import draft_of, opened_request, return_lines_of, without_units_of
from connector.services.orders import OrderAtHand, order_at_hand
from connector.services.planning import PlannedAction, plan_resolution, simple_action
from connector.services.policies import current_policy
from connector.services.refundable import check_override, check_payable, order_and_left_to_refund
from connector.services.replaced import replaced_ids
from connector.services.retrying import on_concurrent_update
from connector.services.shipments import LogisticsChoice, plan_logistics
from connector.services.shipping_refunded import shipping_refunded
from connector.services.verdicts import POLICY, apply_decision
from connector.services.verdicts import KeepItemRefused as KeepItemRefused
from connector.services.verdicts import evaluation_document as evaluation_document
from connector.store.actions_repo import ActionState
from connector.store.outbox_repo import JobKind
from connector.store.returns_repo import ReturnRepository
from connector.store.uow import UnitOfWork

KEEP_ITEM_SKIPS = ["in_transit", "received", "inspected"]  # the steps a keep-the-item return never goes through


class ReturnNotFound(DomainError):
    """No such return for this shop (answered 404, never with another shop's data)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a use case did: the return as saved, the evaluation if one ran, the actions recorded."""

    request: ReturnRequest
    evaluation: Evaluation | None = None
    action_ids: tuple[str, ...] = ()
    outbox_ids: tuple[int, ...] = field(default=())


def record_planned(uow: UnitOfWork, shop_id: str, request: ReturnRequest, planned: Sequence[PlannedAction]) -> tuple[
    tuple[str, ...], tuple[int, ...]
]:
    actions = uow.actions(shop_id)
    action_ids: list[str] = []
    outbox_ids: list[int] = []
    for item in planned:
        existing = actions.by_key(item.key)
        record = actions.record(item.kind, item.key, item.payload, request.id)
        action_ids.append(record.id)
        if existing is None:
            outbox_ids.append(uow.outbox.add(shop_id, JobKind.ACTION, record.id))
    return tuple(action_ids), tuple(outbox_ids)


def _platform_steps_after_decision(
    provider: PlatformProvider, request: ReturnRequest, from_platform: bool
) -> list[PlannedAction]:
    """What the shop must be told once the policy or an agent has decided: a shop that keeps its own return
    record is told the decision, any other gets an order note."""
    steps: list[PlannedAction] = []
    if provider.has(Capability.RETURNS_MIRRORED_AT_SHOP):
        if from_platform and request.status is ReturnStatus.APPROVED:
            steps.append(simple_action(request, ActionKind.APPROVE))
        elif from_platform and request.status is ReturnStatus.DECLINED:
            steps.append(simple_action(request, ActionKind.DECLINE, reason=request.decline_reason or ""))
        elif not from_platform and request.status is ReturnStatus.APPROVED and not request.platform_return_id:
            steps.append(simple_action(request, ActionKind.CREATE_RETURN))
    else:
        status = request.status.value
        steps.append(simple_action(request, ActionKind.NOTE, f"note:{status}", text=f"Return {request.id}: {status}"))
    return steps


class ReturnService:
    """Use cases over the collaborators they are handed (``Deps``): units of work, adapters, providers, a clock."""

    def __init__(self, container: Deps) -> None:
        self.container = container

    # -- opening -----------------------------------------------------------------------------------

    def open_return(
        self,
        shop_id: str,
        order_id: str,
        lines: Sequence[LineInput],
        method: ReturnMethod,
        actor: Actor,
        *,
        platform_return_id: str | None = None,
        keep_item: bool = False,
        return_id: str | None = None,
        order: Order | None = None,
        shop_shipping_fee: Money | None = None,
        declined_at_shop: str | None = None,
        logistics: LogisticsChoice | None = None,
    ) -> Outcome:
        """Open a return, evaluate the shop's policy, and apply its decision at once.

        Without ``order``, the order is read (from the shop when the snapshot is stale) before the deciding
        transaction opens, which stores it with the return.

        ``shop_shipping_fee`` is the return shipping fee the shop charges the customer (it replaces the
        policy's); ``declined_at_shop`` opens a return the merchant already declined in the shop's admin, in
        that state and with that reason, telling the shop nothing. ``logistics``: the portal's relay point or pickup."""
        now = self.container.clock()
        from_platform = platform_return_id is not None
        known = None if order is not None else self._already_opened(shop_id, platform_return_id)
        if known is not None:
            return Outcome(known)
        order, store = self._order_to_return(shop_id, order_id, order)
        with self.container.uow() as uow:
            shop = uow.shops.get(shop_id)
            repo = uow.returns(shop_id)
            known = repo.get_by_platform_id(platform_return_id) if platform_return_id else None
            if known is not None:
                return Outcome(known)
            if store:
                uow.orders(shop_id).upsert(order)
            pending = repo.pending_quantities(order.id, unsynced_only=self._counts_mirrored_returns(shop))
            if from_platform:
                order = without_units_of(order, lines)
            new_id = return_id or f"R{uuid.uuid4().hex[:12].upper()}"
            return_lines = return_lines_of(new_id, lines)
            draft = draft_of(return_lines, method, keep_item, now)
            context = self._context(uow, shop_id, order, now, actor, {} if from_platform else pending)
            evaluation = evaluate(current_policy(uow, shop_id), order, draft, context)
            if keep_item and not evaluation.keep_item:
                raise KeepItemRefused(evaluation)  # nothing is opened: the customer may ask again, sending it back
            request = opened_request(
                new_id, order, return_lines, method, actor, now, pending, platform_return_id, evaluation,
                shop_shipping_fee,
            )
            self._decide_on_opening(request, evaluation, shop, now, actor, declined_at_shop)
            repo.add(request)
            repo.set_evaluation(request.id, evaluation_document(evaluation))
            planned = self._steps_after_opening(repo, request, order, shop, now, from_platform, declined_at_shop)
            planned += plan_logistics(uow, request, None, now, logistics)  # the label of an approved return
            action_ids, outbox_ids = record_planned(uow, shop_id, request, planned)
            uow.commit()
        return Outcome(request, evaluation, action_ids, outbox_ids)

    def _order_to_return(self, shop_id: str, order_id: str, given: Order | None) -> tuple[Order, bool]:
        """The order the return is judged on, and whether the deciding transaction stores it: the one given (a
        webhook's, stored as it came), else the snapshot, asked of the shop (no transaction open) when a webhook
        said it changed, so that quantities already returned are counted."""
        if given is not None:
            return given, True
        found = order_at_hand(self.container, shop_id, order_id, fresh=True)
        return found.order, found.fetched

    def _already_opened(self, shop_id: str, platform_return_id: str | None) -> ReturnRequest | None:
        """The return a platform already told us of: a webhook delivered twice asks the shop nothing."""
        if not platform_return_id:
            return None
        with self.container.uow() as uow:
            return uow.returns(shop_id).get_by_platform_id(platform_return_id)

    @staticmethod
    def _context(
        uow: UnitOfWork, shop_id: str, order: Order, now: Any, actor: Actor, pending: Mapping[str, int]
    ) -> EvaluationContext:
        """What the policy weighs beside the order: the customer's history, other open returns, the shipping
        already refunded."""
        return EvaluationContext(
            now=now,
            customer_returns=customer_history(uow, shop_id, order.email),
            pending_quantities=pending,
            actor=actor,
            shipping_refunded=shipping_refunded(uow, shop_id, order),
        )

    def _decide_on_opening(
        self,
        request: ReturnRequest,
        evaluation: Evaluation,
        shop: Shop,
        now: Any,
        actor: Actor,
        declined_at_shop: str | None,
    ) -> None:
        """The policy's decision, unless the merchant already declined it at the shop: then that, and its reason."""
        if declined_at_shop is None:
            apply_decision(request, evaluation, shop, now)
        else:
            request.decline_at_shop(actor, now, declined_at_shop)

    def _steps_after_opening(
        self,
        repo: ReturnRepository,
        request: ReturnRequest,
        order: Order,
        shop: Shop,
        now: Any,
        from_platform: bool,
        declined_at_shop: str | None,
    ) -> list[PlannedAction]:
        """What the platform is told once the return is stored; a granted keep-the-item return is paid at once.

        A return declined at the shop tells the shop nothing: it already knows.
        """
        provider = self.container.provider_for(shop.platform)
        planned = _platform_steps_after_decision(provider, request, from_platform) if declined_at_shop is None else []
        if request.keep_item and request.status is ReturnStatus.APPROVED:
            planned += self._resolve_kept(request, order, shop, now)
            repo.save(request)
        return planned

    def _counts_mirrored_returns(self, shop: Shop) -> bool:
        return self.container.capable(shop, Capability.ORDER_COUNTS_MIRRORED_RETURNS)

    def _folds_credit(self, shop: Shop, request: ReturnRequest) -> bool:
        # A keep-the-item return resolves before its return at the shop is created; the refund waits for it.
        folds = self.container.capable(shop, Capability.CREDIT_FOLDED_INTO_REFUND)
        return folds and (request.platform_return_id is not None or request.keep_item)

    def _resolve_kept(self, request: ReturnRequest, order: Order, shop: Shop, at: Any) -> list[PlannedAction]:
        """Keep-the-item: nothing to ship back or inspect, so the return resolves as soon as it is approved and
        is paid out (the policy's refund or credit) through the usual actions."""
        assert request.amounts is not None
        kinds = sorted({line.resolution.kind for line in request.lines})
        why = Item.of(
            "keep_item",
            "keep_item.resolved",
            outcome=Listing(tuple(Label(f"outcome.{kind}") for kind in kinds)),
            amount=request.amounts.refund + request.amounts.store_credit,
        )
        request.resolve(POLICY, at, why.render(shop.locale), {"keep_item": True, "skipped": KEEP_ITEM_SKIPS})
        return plan_resolution(request, order, credit_with_refund=self._folds_credit(shop, request))

    # -- agent and customer actions -----------------------------------------------------------------

    def approve(self, shop_id: str, return_id: str, actor: Actor, reason: str = "") -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.approve(actor, now, reason), decision_step=True)

    def decline(self, shop_id: str, return_id: str, actor: Actor, reason: str) -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.decline(actor, now, reason), decision_step=True)

    def mark_in_transit(self, shop_id: str, return_id: str, actor: Actor, tracking: str = "") -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.mark_in_transit(actor, now, tracking))

    def receive(self, shop_id: str, return_id: str, actor: Actor, quantities: Mapping[str, int]) -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.receive(actor, now, quantities))

    def inspect(
        self,
        shop_id: str,
        return_id: str,
        actor: Actor,
        line_id: str,
        condition: Condition | None,
        disposition: Disposition,
        note: str = "",
    ) -> Outcome:
        return self._change(
            shop_id, return_id, lambda r, now: r.inspect(actor, now, line_id, condition, disposition, note)
        )

    def cancel(self, shop_id: str, return_id: str, actor: Actor, reason: str) -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.cancel(actor, now, reason))

    def add_note(self, shop_id: str, return_id: str, actor: Actor, text: str) -> Outcome:
        return self._change(shop_id, return_id, lambda r, now: r.note(actor, now, text))

    @on_concurrent_update
    def resolve(
        self,
        shop_id: str,
        return_id: str,
        actor: Actor,
        *,
        override: Money | None = None,
        reason: str = "",
        restock_location_id: str | None = None,
    ) -> Outcome:
        """Resolve the return and record the refund, credit and exchange actions that pay it out.

        The shop is asked first (the order, what it has left to refund), with no transaction open; the deciding
        transaction then loads the return afresh, and its save's version check refuses a return changed while
        it decided (the decorator runs it again)."""
        if override is not None and not reason.strip():
            raise InvalidReturn("overriding the amount needs a reason")
        found, left = self._order_and_refundable(shop_id, return_id)
        now = self.container.clock()
        with self.container.uow() as uow:
            request = self._load(uow, shop_id, return_id)
            found.keep(uow)
            if override is not None:
                check_override(override, found.order, left)
            request.resolve(actor, now, reason)
            if override is not None:
                request.override_amount(actor, now, ResolutionKind.REFUND, override, reason)
            planned = plan_resolution(
                request,
                found.order,
                override=override,
                restock_location_id=restock_location_id,
                credit_with_refund=self._folds_credit(found.shop, request),
            )
            if override is None:
                check_payable(planned, left)
            uow.returns(shop_id).save(request)
            action_ids, outbox_ids = record_planned(uow, shop_id, request, planned)
            uow.commit()
        return Outcome(request, None, action_ids, outbox_ids)

    def _order_and_refundable(self, shop_id: str, return_id: str) -> tuple[OrderAtHand, Money]:
        """The return's order and what the shop has left to refund on it, asked of the shop outside any
        transaction (a platform that lists no refunds leaves the total paid, ``left_to_refund``)."""
        with self.container.uow() as uow:
            order_id = self._load(uow, shop_id, return_id).order_id
        return order_and_left_to_refund(self.container, shop_id, order_id)

    def _order_if_kept(self, shop_id: str, return_id: str) -> OrderAtHand | None:
        """A keep-the-item return's order, read (from the shop if need be) before an agent's decision: approving
        it resolves it at once, which plans the payment on the order."""
        with self.container.uow() as uow:
            request = self._load(uow, shop_id, return_id)
        return order_at_hand(self.container, shop_id, request.order_id) if request.keep_item else None

    def close_if_paid(self, uow: UnitOfWork, shop: Shop, request: ReturnRequest) -> list[PlannedAction]:
        """Once every money action of a resolved return has succeeded, close it (and tell the shop)."""
        if request.status is not ReturnStatus.RESOLVED:
            return []
        money = {ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE}
        records = [a for a in uow.actions(shop.id).for_return(request.id) if a.kind in money]
        replaced = replaced_ids(records)  # failed, then paid with another amount by a newer action
        if any(a.state is not ActionState.SUCCEEDED and a.id not in replaced for a in records):
            return []
        request.close(Actor.system(), self.container.clock(), "paid out")
        if self.container.capable(shop, Capability.RETURNS_MIRRORED_AT_SHOP) and request.platform_return_id:
            return [simple_action(request, ActionKind.CLOSE)]
        return [simple_action(request, ActionKind.NOTE, "note:closed", text=f"Return {request.id}: closed")]

    # -- internals -------------------------------------------------------------------------------------

    def _load(self, uow: UnitOfWork, shop_id: str, return_id: str) -> ReturnRequest:
        request = uow.returns(shop_id).get(return_id)
        if request is None:
            raise ReturnNotFound(f"no return {return_id}")
        return request

    @on_concurrent_update
    def _change(self, shop_id: str, return_id: str, step: Any, decision_step: bool = False) -> Outcome:
        """One step on the return in one transaction; a decision on a keep-the-item return reads its order first,
        outside it, since approving such a return resolves it at once."""
        kept = self._order_if_kept(shop_id, return_id) if decision_step else None
        now = self.container.clock()
        with self.container.uow() as uow:
            shop = uow.shops.get(shop_id)
            request = self._load(uow, shop_id, return_id)
            before = request.status
            step(request, now)
            planned: list[PlannedAction] = []
            if decision_step:
                provider = self.container.provider_for(shop.platform)
                planned = _platform_steps_after_decision(provider, request, request.platform_return_id is not None)
                if request.keep_item and before is ReturnStatus.REQUESTED and request.status is ReturnStatus.APPROVED:
                    # A keep-the-item return an agent approved after review resolves at once too.
                    assert kept is not None  # read above: whether a return keeps its items never changes
                    kept.keep(uow)
                    planned += self._resolve_kept(request, kept.order, shop, now)
            elif (
                request.status is ReturnStatus.CANCELED
                and before is not ReturnStatus.CANCELED
                and self.container.capable(shop, Capability.RETURNS_MIRRORED_AT_SHOP)
                and request.platform_return_id
            ):
                planned = [simple_action(request, ActionKind.CANCEL)]
            planned += plan_logistics(uow, request, before, now)  # approved: its label; canceled: the label's cancel
            uow.returns(shop_id).save(request)
            action_ids, outbox_ids = record_planned(uow, shop_id, request, planned)
            uow.commit()
        return Outcome(request, None, action_ids, outbox_ids)

