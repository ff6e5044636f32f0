"""``reconcile`` and ``actions list|retry``: the operator's view of background work."""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from decimal import InvalidOperation

from connector.bootstrap import Container
from connector.cli.common import Subparsers, container_from
from connector.domain.errors import DomainError
from connector.domain.events import Actor, ActorKind
from connector.domain.money import Money
from connector.domain.refund_deadline import DeadlineRisk
from connector.errors import ConfigError
from connector.jobs.queue import make_queue
from connector.jobs.reconcile import reconcile
from connector.services.failed_payment import pay_failed_action
from connector.services.refund_deadlines import count_deadline_risks
from connector.services.replaced import replaced_ids
from connector.store.actions_repo import ActionRecord, ActionState
from connector.store.migrate import upgrade


def register(sub: Subparsers) -> None:
    rec = sub.add_parser(
        "reconcile",
        help="re-enqueue stuck work and poll shops for changes",
        description="One reconciler pass: relay outbox rows that never reached the queue (or were lost with "
        "Redis), enqueue due and stuck actions, and schedule a poll of each shop whose interval has passed. "
        "With --every it loops; run one per deployment (two are harmless).",
    )
    rec.add_argument("--every", type=float, default=0, metavar="SECONDS", help="repeat every N seconds")
    rec.set_defaults(handler=run_reconcile)

    actions = sub.add_parser("actions", help="list or retry platform actions",
                             description="Actions are refunds, credits, exchanges and other calls to the shops.")
    verbs = actions.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    listing = verbs.add_parser("list", help="list actions", description="List actions, newest first.")
    listing.add_argument("--failed", action="store_true", help="only actions that failed after their last retry")
    listing.add_argument("--shop", help="shop id or address (default: every shop)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)
    retry = verbs.add_parser("retry", help="retry a failed action",
                             description="Put a failed action back to run with the SAME idempotency key: the shop "
                             "is asked for an earlier effect first, so a retry never pays twice.")
    retry.add_argument("action_id")
    retry.add_argument("--amount", help="pay this amount instead, as a NEW action with its own key (only for a "
                       "refund or store credit the shop refused; at most what the order has left to refund)")
    retry.add_argument("--currency", help="the amount's currency (default: the failed action's)")
    retry.add_argument("--reason", default="", help="why another amount is paid (required with --amount)")
    retry.add_argument("--agent", default="cli", help="who decides, for the return's history (default: cli)")
    retry.set_defaults(handler=run_retry)


def run_reconcile(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    queue = make_queue(container)
    if queue.embedded:
        raise ConfigError("reconcile needs the shared Redis: set REDIS_URL")
    while True:
        result = reconcile(container, queue)
        print(f"relayed {result.relayed}, actions {result.actions}, polls {result.polls}", flush=True)
        if args.every <= 0:
            return 0
        time.sleep(args.every)


def run_list(args: argparse.Namespace) -> int:
    container = container_from(args)
    rows = []
    deadlines: Counter[DeadlineRisk] = Counter()
    with container.uow() as uow:
        shops = [s for s in uow.shops.list() if args.shop in (None, s.id, s.address)]
        for shop in shops:
            deadlines += count_deadline_risks(uow, shop.id, container.clock())
            state = ActionState.FAILED if args.failed else None
            for record in uow.actions(shop.id).list(state=state):
                rows.append({"id": record.id, "shop": shop.address, "return": record.return_id,
                             "kind": record.kind.value, "state": record.state.value, "attempts": record.attempts,
                             "key": record.idempotency_key, "error": record.last_error,
                             "updated_at": record.updated_at.isoformat()})
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("no failed actions" if args.failed else "no actions")
    for row in [] if args.json else rows:
        print(f"{row['id']}  {row['kind']:<13} {row['state']:<9} tries={row['attempts']} {row['shop']} "
              f"return={row['return']} {row['error'] or ''}")
    if not args.json:
        print(f"EU withdrawal refunds: {deadlines[DeadlineRisk.OVERDUE]} overdue, "
              f"{deadlines[DeadlineRisk.DUE_SOON]} due within 2 days (returns?refund_deadline=at_risk)")
    return 0


def run_retry(args: argparse.Namespace) -> int:
    container = container_from(args)
    shop_id, record = _find_action(container, args.action_id)
    if args.amount is not None:
        return _pay_again(args, container, shop_id, record)
    with container.uow() as uow:
        if record.state is not ActionState.FAILED:
            raise ConfigError(f"action {record.id} is {record.state.value}, only failed actions are retried")
        if record.return_id and record.id in replaced_ids(uow.actions(shop_id).for_return(record.return_id)):
            raise ConfigError(f"action {record.id} was paid with another amount by a newer action; "
                              "it is not retried")
        uow.actions(shop_id).transition(record.id, ActionState.FAILED, ActionState.UNKNOWN,
                                        next_attempt_at=container.clock())
        uow.commit()
    print(f"action {record.id} ({record.kind.value}) will run again with key {record.idempotency_key}")
    return 0


def _find_action(container: Container, action_id: str) -> tuple[str, ActionRecord]:
    """The action and its shop, whichever shop it belongs to."""
    with container.uow() as uow:
        for shop in uow.shops.list():
            record = uow.actions(shop.id).get(action_id)
            if record is not None:
                return shop.id, record
    raise ConfigError(f"no action {action_id}")


def _pay_again(args: argparse.Namespace, container: Container, shop_id: str, record: ActionRecord) -> int:
    """``retry --amount``: the failed refund or credit is replaced by a new action paying the agent's amount."""
    if record.return_id is None:
        raise ConfigError(f"action {record.id} belongs to no return")
    currency = args.currency or str((record.payload.get("amount") or {}).get("currency") or "")
    try:
        outcome = pay_failed_action(container, shop_id, record.return_id, Actor(ActorKind.AGENT, args.agent),
                                    Money(args.amount, currency), args.reason, record.id)
    except (DomainError, InvalidOperation, ValueError) as exc:
        raise ConfigError(f"action {record.id}: {exc}") from exc
    with container.uow() as uow:
        new = uow.actions(shop_id).get(outcome.action_ids[0])
    assert new is not None
    print(f"action {record.id} stays failed; action {new.id} ({new.kind.value}) pays {args.amount} {currency} "
          f"with key {new.idempotency_key}")
    return 0
