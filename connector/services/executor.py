"""Run one recorded action against the shop, exactly once in effect.

The action row (with its idempotency key) was stored before any platform call. Here we claim it with a
compare-and-set, call the shop outside any transaction, and record the outcome. When an earlier attempt's
outcome is unknown (timeout after sending, a worker killed mid-call), we first ask the shop whether the
effect already exists, and only then try again with the same key.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select

from connector.domain.actions import ActionKind, PlatformEffect
from connector.domain.errors import DomainError
from connector.domain.events import Actor
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.errors import ConfigError, OutcomeUnknown, PermanentError, RetryableError
from connector.ports import ShopAdapter
from connector.services import instructions
from connector.services.action_table import ORDERED_BEFORE, ActionCall, find_earlier_effect, perform
from connector.services.carrier_actions import (
    CARRIER_KINDS,
    CarrierCall,
    LabelPending,
    alert_failure,
    run_carrier_action,
)
from connector.services.deps import Deps
from connector.services.orders import current_order
from connector.services.returns import ReturnService, record_planned
from connector.services.shop_refunds import settled_at_shop
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.errors import ConcurrentUpdate
from connector.store.outbox_repo import JobKind
from connector.store.tables import actions
from connector.store.uow import UnitOfWork

log = logging.getLogger("connector.executor")
EXECUTOR = Actor.system("executor")
MONEY = frozenset({ActionKind.REFUND, ActionKind.STORE_CREDIT, ActionKind.EXCHANGE})
FAILED_BEFORE_EFFECT = "failed_before_effect"
"""In a failed action's result: the shop refused it, so it had no effect (see ``_fail``)."""
PAYMENT_POLL = timedelta(minutes=5)
"""How often an exchange order awaiting the customer's payment is looked at again (webhooks may be lost)."""


@dataclass(frozen=True, slots=True)
class Claim:
    record: ActionRecord
    uncertain: bool


def backoff(attempts: int, base: int, cap: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter, at least one second."""
    ceiling = min(cap, base * (2 ** max(attempts - 1, 0)))
    return timedelta(seconds=max(1.0, (rng or random).uniform(0, ceiling)))


class ActionExecutor:
    def __init__(self, deps: Deps, service: ReturnService | None = None) -> None:
        self.deps = deps
        self.service = service or ReturnService(deps)
        self.settings = deps.config.queue

    def run(self, shop_id: str, action_id: str) -> ActionState | None:
        claim = self._claim(shop_id, action_id)
        if claim is None:
            return None
        record = claim.record
        try:
            with self.deps.uow() as uow:
                shop = uow.shops.get(shop_id)
                adapter = self.deps.adapter_for(uow, shop)
                request = uow.returns(shop_id).get(record.return_id) if record.return_id else None
            if record.kind in CARRIER_KINDS:
                effect = run_carrier_action(CarrierCall(self.deps, shop, record, request, adapter, claim.uncertain))
            else:
                effect = self._at_shop(adapter, shop, record, request, claim.uncertain)
        except LabelPending as exc:
            return self._wait_for_carrier(shop_id, record, exc)
        except OutcomeUnknown as exc:
            return self._retry(shop_id, record, ActionState.UNKNOWN, exc)
        except RetryableError as exc:
            return self._retry(shop_id, record, ActionState.PENDING, exc)
        except (PermanentError, ConfigError, DomainError) as exc:
            return self._fail(shop_id, record, exc, refused=isinstance(exc, PermanentError))
        except Exception as exc:
            # A bug or an answer we could not read, maybe after the shop acted: unknown, so the next attempt
            # looks first. Left RUNNING, the action would wait for the stuck sweep, and retried that way it is
            # never checked against max_attempts, so a persistent fault would never be reported as failed.
            log.exception("executor.action-crashed", extra={"action": record.id, "kind": record.kind.value})
            return self._retry(shop_id, record, ActionState.UNKNOWN, exc)
        if awaiting_payment(effect):
            return self._await_payment(shop_id, record, effect)
        return self._succeed(shop_id, record, effect)

    # -- claiming ------------------------------------------------------------------------------------

    def _claim(self, shop_id: str, action_id: str) -> Claim | None:
        now = self.deps.clock()
        with self.deps.uow() as uow:
            repo = uow.actions(shop_id)
            record = repo.get(action_id)
            if record is None or record.state in (ActionState.SUCCEEDED, ActionState.FAILED):
                return None
            if record.state is ActionState.RUNNING:
                return None  # another worker holds it; if it vanished, the reconciler makes it unknown
            if self._waiting_on_earlier(uow, shop_id, record):
                repo.transition(record.id, record.state, record.state, next_attempt_at=now + timedelta(seconds=1))
                uow.commit()
                return None
            uncertain = record.state in (ActionState.UNKNOWN, ActionState.RUNNING) or record.attempts > 0
            if not repo.transition(record.id, record.state, ActionState.RUNNING, count_attempt=True):
                return None
            uow.commit()
        return Claim(record, uncertain)

    @staticmethod
    def _waiting_on_earlier(uow: UnitOfWork, shop_id: str, record: ActionRecord) -> bool:
        before = ORDERED_BEFORE.get(record.kind)
        if not before or record.return_id is None:
            return False
        siblings = uow.actions(shop_id).for_return(record.return_id)
        return any(
            s.kind in before and s.state is not ActionState.SUCCEEDED and s.created_at <= record.created_at
            for s in siblings
            if s.id != record.id and s.state is not ActionState.FAILED
        )

    # -- the platform call ---------------------------------------------------------------------------

    def _at_shop(
        self, adapter: ShopAdapter | None, shop: Shop, record: ActionRecord, request: ReturnRequest | None,
        uncertain: bool,
    ) -> PlatformEffect:
        if adapter is None:
            raise ConfigError(f"shop {shop.address} has no credentials")
        effect = find_earlier_effect(adapter, record, request) if uncertain else None
        if effect is None:
            effect = settled_at_shop(request, record.kind)  # a merchant refunded it by hand: never pay twice
        if effect is None:
            effect = self._perform(adapter, shop, record, request)
        return effect

    def _perform(
        self, adapter: ShopAdapter, shop: Shop, record: ActionRecord, request: ReturnRequest | None
    ) -> PlatformEffect:
        """The kind's entry in ``action_table`` does the work; this seam gives it the order reader."""
        return perform(ActionCall(adapter, shop, record, request, self._read_order(shop, adapter)))

    def _read_order(self, shop: Shop, adapter: ShopAdapter) -> Callable[[str], Order]:
        def read(order_id: str) -> Order:
            return current_order(self.deps, shop, order_id, adapter)  # the shop is asked with no transaction open

        return read

    # -- recording the outcome ------------------------------------------------------------------------

    def _succeed(self, shop_id: str, record: ActionRecord, effect: PlatformEffect) -> ActionState:
        for _ in range(5):
            try:
                with self.deps.uow() as uow:
                    self._apply_effect(uow, shop_id, record, effect)
                    uow.commit()
            except ConcurrentUpdate:
                continue
            log.info("executor.action-succeeded", extra={"action": record.id, "kind": record.kind.value})
            return ActionState.SUCCEEDED
        # The shop has the effect but we could not record it: the action stays running, the reconciler makes
        # it unknown after stuck_after, and the next run finds the effect instead of repeating it.
        log.warning("executor.effect-not-recorded", extra={"action": record.id, "kind": record.kind.value})
        return ActionState.RUNNING

    def _apply_effect(self, uow: UnitOfWork, shop_id: str, record: ActionRecord, effect: PlatformEffect) -> None:
        result = instructions.effect_to_json(effect)
        uow.actions(shop_id).transition(record.id, None, ActionState.SUCCEEDED, result=result)
        if record.return_id is None:
            return
        repo = uow.returns(shop_id)
        request = repo.get(record.return_id)
        if request is None:
            return
        now = self.deps.clock()
        if record.kind is ActionKind.CREATE_RETURN and effect.platform_id:
            request.platform_return_id = effect.platform_id
            request.note(EXECUTOR, now, "created at the shop", {"platform_return_id": effect.platform_id})
        if record.kind in MONEY and effect.amount is not None and effect.amount.currency == request.currency:
            request.record_money_moved(EXECUTOR, now, _money_event(record), effect.amount)
            if effect.manual:
                request.note(EXECUTOR, now, "the gateway could not refund: refunded manually, the merchant must pay",
                             {"platform_id": effect.platform_id})
        shop = uow.shops.get(shop_id)
        follow_up = self.service.close_if_paid(uow, shop, request)
        repo.save(request)
        record_planned(uow, shop_id, request, follow_up)

    def _await_payment(self, shop_id: str, record: ActionRecord, effect: PlatformEffect) -> ActionState:
        """The exchange order exists but waits for the customer to pay the difference.

        The action goes back to pending with the order in its result and the payment link in its error, and
        is looked at again (find, never create) every ``PAYMENT_POLL``: once the shop marks the order paid it
        succeeds and the return closes. The return's history says once what is awaited and where to pay.
        """
        due = f"{effect.extra.get('amount_due')} {effect.extra.get('currency', '')}".strip()
        link = effect.extra.get("payment_url", "")
        now = self.deps.clock()
        result = instructions.effect_to_json(effect)
        error = f"awaiting payment of {due} for exchange order {effect.platform_id}: {link}"
        with self.deps.uow() as uow:
            actions_repo = uow.actions(shop_id)
            if not actions_repo.park(record.id, result=result, error=error, until=now + PAYMENT_POLL):
                # Woken while it ran (the shop said the order changed): look again at once, not in minutes.
                actions_repo.transition(record.id, ActionState.RUNNING, ActionState.PENDING, result=result, error=error)
                uow.outbox.add(shop_id, JobKind.ACTION, record.id)
            repo = uow.returns(shop_id)
            request = repo.get(record.return_id) if record.return_id else None
            if request is not None and record.result is None:
                request.note(
                    EXECUTOR, now, f"awaiting the customer's payment of {due} for the exchange order",
                    {"platform_id": effect.platform_id, "amount_due": due, "payment_url": link},
                )
                repo.save(request)
            uow.commit()
        log.info("executor.awaiting-payment", extra={"action": record.id, "platform_id": effect.platform_id})
        return ActionState.PENDING

    def _wait_for_carrier(self, shop_id: str, record: ActionRecord, exc: LabelPending) -> ActionState:
        """A label the carrier has not announced yet: looked at again after ``exc.wait``, without counting as a
        failure (the label job gives up itself after ``carrier_actions.PENDING_LIMIT``)."""
        with self.deps.uow() as uow:
            uow.actions(shop_id).transition(
                record.id, ActionState.RUNNING, ActionState.PENDING, error=_describe(exc),
                next_attempt_at=self.deps.clock() + exc.wait,
            )
            uow.commit()
        log.info("executor.label-pending", extra={"action": record.id, "wait_s": exc.wait.total_seconds()})
        return ActionState.PENDING

    def _retry(self, shop_id: str, record: ActionRecord, state: ActionState, exc: Exception) -> ActionState:
        attempts = record.attempts + 1
        if attempts >= self.settings.max_attempts:
            return self._fail(shop_id, record, exc)
        delay = backoff(attempts, self.settings.backoff_base_seconds, self.settings.backoff_max_seconds)
        hint = getattr(exc, "retry_after", None)
        if hint:
            delay = max(delay, timedelta(seconds=float(hint)))
        with self.deps.uow() as uow:
            uow.actions(shop_id).transition(
                record.id, ActionState.RUNNING, state, error=_describe(exc),
                next_attempt_at=self.deps.clock() + delay,
            )
            uow.commit()
        log.warning("executor.action-retry", extra={"action": record.id, "state": state.value, "error": _describe(exc)})
        return state

    def _fail(self, shop_id: str, record: ActionRecord, exc: Exception, refused: bool = False) -> ActionState:
        """``refused``: the shop answered no (a PermanentError), so nothing was paid, and an agent may pay the
        return with another amount (``services.failed_payment``); an action given up after retries may have."""
        earlier = record.result or {}
        result = {**earlier, FAILED_BEFORE_EFFECT: True} if refused else None
        if not refused and FAILED_BEFORE_EFFECT in earlier:  # refused once, retried, then given up: maybe paid
            result = {k: v for k, v in earlier.items() if k != FAILED_BEFORE_EFFECT}
        with self.deps.uow() as uow:
            uow.actions(shop_id).transition(record.id, None, ActionState.FAILED, error=_describe(exc), result=result)
            uow.commit()
        log.error("executor.action-failed", extra={"action": record.id, "error": _describe(exc)})
        if record.kind in CARRIER_KINDS:
            alert_failure(self.deps, shop_id, record, _describe(exc))
        return ActionState.FAILED


def due_actions(uow: UnitOfWork, now: datetime, stuck_after: timedelta) -> list[tuple[str, str]]:
    """(shop_id, action_id) of actions to run now: due retries, and running ones whose worker vanished."""
    rows = uow.connection.execute(
        select(actions.c.shop_id, actions.c.id).where(
            or_(
                and_(
                    actions.c.state.in_([ActionState.PENDING.value, ActionState.UNKNOWN.value]),
                    or_(actions.c.next_attempt_at.is_(None), actions.c.next_attempt_at <= now),
                ),
                and_(actions.c.state == ActionState.RUNNING.value, actions.c.updated_at < now - stuck_after),
            )
        ).order_by(actions.c.created_at).limit(1000)
    )
    return [(str(shop), str(action)) for shop, action in rows]


def _money_event(record: ActionRecord) -> str:
    """The history entry for money paid: a credit bonus shows as its own line, apart from the credit."""
    if record.kind is ActionKind.STORE_CREDIT and record.payload.get("bonus"):
        return "store_credit_bonus"
    return record.kind.value


def awaiting_payment(effect: PlatformEffect) -> bool:
    """An exchange whose order the customer has still to pay (the shop reports the amount due)."""
    due = effect.extra.get("amount_due", "0") or "0"
    return effect.kind is ActionKind.EXCHANGE and Decimal(due) > 0


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


