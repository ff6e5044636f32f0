"""``policy check|show|set|simulate``: a shop's return policy as a versioned TOML document."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from connector.bootstrap import Container
from connector.cli.common import Subparsers, container_from
from connector.config.locate import key_lines, line_of
from connector.errors import ConfigError
from connector.policy import EvaluationContext, Policy, PolicyError, load, simulate
from connector.policy.schema import fingerprint, policy_to_dict
from connector.services.policies import current_policy, set_policy
from connector.store.migrate import upgrade
from connector.store.returns_repo import ReturnFilter


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("policy", help="check, show, set or simulate a return policy",
                            description="Each shop has one return policy in force; every change is a new version.")
    verbs = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    check = verbs.add_parser("check", help="validate a policy file",
                             description="Validate FILE; each problem names the key, file and line.")
    check.add_argument("file")
    check.set_defaults(handler=run_check)
    show = verbs.add_parser("show", help="print a shop's policy in force", description="Print the policy as JSON.")
    show.add_argument("--shop", required=True, help="shop id or address")
    show.set_defaults(handler=run_show)
    put = verbs.add_parser("set", help="store a new policy version for a shop",
                           description="Validate FILE and store it as the shop's new policy version.")
    put.add_argument("--shop", required=True, help="shop id or address")
    put.add_argument("file")
    put.set_defaults(handler=run_set)
    sim = verbs.add_parser(
        "simulate", help="replay past returns under a new policy",
        description="Replay the shop's stored orders and returns under the policy in FILE and report what "
        "would change: decisions, refund and credit totals per currency, outcomes, and each changed return.",
    )
    sim.add_argument("--shop", required=True, help="shop id or address")
    sim.add_argument("--policy", required=True, metavar="FILE")
    sim.add_argument("--limit", type=int, default=10_000, help="most recent returns to replay (default 10000)")
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(handler=run_simulate)


def load_with_lines(path: str) -> Policy:
    """Load a policy; on error, name the file and line of each key at fault."""
    try:
        return load(path)
    except PolicyError as exc:
        try:
            lines = key_lines(Path(path).read_text(encoding="utf-8"))
        except OSError:
            lines = {}
        problems = []
        for error in exc.errors:
            key = error.partition(": ")[0]
            found = re.search(r"at line (\d+)", error)
            line = int(found.group(1)) if found else line_of(key, lines)
            problems.append(f"{path}:{line}: {error}" if line else f"{path}: {error}")
        raise ConfigError("\n".join(problems)) from exc


def _shop_id(container: Container, key: str) -> str:
    with container.uow() as uow:
        for shop in uow.shops.list():
            if key in (shop.id, shop.address):
                return str(shop.id)
    raise ConfigError(f"--shop: no shop with id or address {key!r}")


def run_check(args: argparse.Namespace) -> int:
    policy = load_with_lines(args.file)
    print(f"ok: {args.file} is a valid policy ({policy.name}, fingerprint {fingerprint(policy)[:12]})")
    return 0


def run_show(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    shop_id = _shop_id(container, args.shop)
    with container.uow() as uow:
        policy = current_policy(uow, shop_id)
        version = uow.policies(shop_id).current()
    print(json.dumps({"version": version.version if version else 0, "policy": policy_to_dict(policy)},
                     indent=2, default=str))
    return 0


def run_set(args: argparse.Namespace) -> int:
    policy = load_with_lines(args.file)
    container = container_from(args)
    upgrade(container.engine)
    shop_id = _shop_id(container, args.shop)
    with container.uow() as uow:
        version = set_policy(uow, shop_id, policy)
        uow.commit()
    print(f"policy {policy.name!r} is version {version} for shop {args.shop}")
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    new = load_with_lines(args.policy)
    container = container_from(args)
    upgrade(container.engine)
    shop_id = _shop_id(container, args.shop)
    with container.uow() as uow:
        old = current_policy(uow, shop_id)
        returns = uow.returns(shop_id).list(ReturnFilter(limit=args.limit))
        orders = {r.order_id: uow.orders(shop_id).get(r.order_id) for r in returns}
    cases = [
        (orders[r.order_id], r, EvaluationContext(now=r.created_at))
        for r in reversed(returns)
        if orders.get(r.order_id) is not None
    ]
    report = simulate(old, new, cases)  # type: ignore[arg-type]
    if args.json:
        print(json.dumps({
            "cases": report.cases,
            "changed": [{"return": c.return_id, "order": c.order_id, "changes": list(c.changes),
                         "old": c.old.decision.value, "new": c.new.decision.value} for c in report.changed],
            "old_decisions": {k.value: v for k, v in report.old_decisions.items()},
            "new_decisions": {k.value: v for k, v in report.new_decisions.items()},
            "old_refund": {k: str(v) for k, v in report.old_totals.refund.items()},
            "new_refund": {k: str(v) for k, v in report.new_totals.refund.items()},
        }, indent=2))
        return 0
    print(report.summary())
    for case in report.changed[:50]:
        print(f"  return {case.return_id} (order {case.order_id}): {', '.join(case.changes)}; "
              f"{case.old.decision.value} -> {case.new.decision.value}")
    return 0
