"""``api-keys issue|list|revoke``: per-shop keys for the agent API (helpdesks, warehouses, scripts)."""

from __future__ import annotations

import argparse
import json

from connector.cli.common import Subparsers, container_from
from connector.domain.orders import Shop
from connector.store.errors import UnknownShop
from connector.store.migrate import upgrade
from connector.store.uow import UnitOfWork


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "api-keys",
        help="issue, list or revoke API keys",
        description="Manage the per-shop API keys of the agent API (/api/v1/shops/<shop>/returns). A key is "
        "printed once, when issued, and stored only as a hash: keep it in your helpdesk's secret store.",
    )
    actions = parser.add_subparsers(dest="api_keys_command", metavar="ACTION", required=True)

    issue = actions.add_parser("issue", help="issue a key for a shop", description="Issue a new key for a shop.")
    issue.add_argument("--shop", required=True, help="shop id or address")
    issue.add_argument("--label", default="", help="what the key is for (e.g. 'zendesk')")
    issue.add_argument("--json", action="store_true", help="print JSON")
    issue.set_defaults(handler=run_issue)

    listing = actions.add_parser("list", help="list a shop's keys", description="List keys (never the keys).")
    listing.add_argument("--shop", required=True, help="shop id or address")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    revoke = actions.add_parser("revoke", help="revoke a key", description="Revoke a key; it stops working at once.")
    revoke.add_argument("--shop", required=True, help="shop id or address")
    revoke.add_argument("key_id", help="the key's id (the part after rck_, as listed)")
    revoke.set_defaults(handler=run_revoke)


def _shop(uow: UnitOfWork, key: str) -> Shop:
    for shop in uow.shops.list():
        if key in (shop.id, shop.address):
            return shop
    raise UnknownShop(f"no shop with id or address {key!r}")


def run_issue(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    with container.uow() as uow:
        shop = _shop(uow, args.shop)
        record, plain = uow.api_keys.issue(shop.id, args.label, container.clock())
        uow.commit()
    if args.json:
        print(json.dumps({"id": record.id, "shop_id": shop.id, "label": record.label, "key": plain}))
    else:
        print(f"issued key {record.id} for {shop.address}. It is shown only now; store it safely:")
        print(plain)
    return 0


def run_list(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    with container.uow() as uow:
        shop = _shop(uow, args.shop)
        records = uow.api_keys.list(shop.id)
    if args.json:
        print(json.dumps([
            {
                "id": r.id,
                "label": r.label,
                "active": r.active,
                "created_at": r.created_at.isoformat(),
                "last_used_at": None if r.last_used_at is None else r.last_used_at.isoformat(),
                "revoked_at": None if r.revoked_at is None else r.revoked_at.isoformat(),
            }
            for r in records
        ], indent=2))
        return 0
    if not records:
        print(f"no API keys for {shop.address}: issue one with `returns-connector api-keys issue --shop ...`")
    for r in records:
        state = "active" if r.active else f"revoked {r.revoked_at:%Y-%m-%d}"
        used = "never used" if r.last_used_at is None else f"last used {r.last_used_at:%Y-%m-%d %H:%M}"
        print(f"{r.id}  {state:<18} {used:<28} {r.label}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    container = container_from(args)
    upgrade(container.engine)
    key_id = args.key_id.removeprefix("rck_").split("_")[0]
    with container.uow() as uow:
        shop = _shop(uow, args.shop)
        revoked = uow.api_keys.revoke(shop.id, key_id, container.clock())
        uow.commit()
    if not revoked:
        print(f"error: {shop.address} has no active key {key_id}")
        return 1
    print(f"revoked key {key_id} of {shop.address}")
    return 0
