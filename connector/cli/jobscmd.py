"""``reconcile`` and ``actions list|retry``: the operator's view of background work."""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from connector.cli.common import Subparsers, container_from
from connector.domain.refund_deadline import DeadlineRisk
from connector.errors import ConfigError
from connector.jobs.queue import make_queue
from connector.jobs.reconcile import reconcile
from connector.services.refund_deadlines import count_deadline_risks
from connector.store.actions_repo import ActionState
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
    with container.uow() as uow:
        for shop in uow.shops.list():
            record = uow.actions(shop.id).get(args.action_id)
            if record is None:
                continue
            if record.state is not ActionState.FAILED:
                raise ConfigError(f"action {record.id} is {record.state.value}, only failed actions are retried")
            uow.actions(shop.id).transition(record.id, ActionState.FAILED, ActionState.UNKNOWN,
                                            next_attempt_at=container.clock())
            uow.commit()
            print(f"action {record.id} ({record.kind.value}) will run again with key {record.idempotency_key}")
            return 0
    raise ConfigError(f"no action {args.action_id}")
