"""A busy shop's returns, as ``admin_queue_bench.py`` needs them: 100,000 returns over two years, with their lines,
their history, the orders they came from, their parcels and tracking, and their refunds, loaded by COPY.

Shaped like a real shop's: most returns older than six weeks are closed, recent ones spread over every state,
four in ten under the EU withdrawal preset (a refund deadline, paid once resolved, a few left overdue), 1 to 3
lines of a weighted mix of reasons, customers coming back (60,000 addresses for 100,000 returns). A second shop
holds returns with the same e-mails and order numbers, so every query has another shop's rows to leave aside.
Every document (amounts, fees, the policy's evaluation, the order) is one the store reads back: the evaluation is
the EU preset's own on a sample order.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchkit import ROOT

from connector.store.codec import reason_bits

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)  # the servers read the real clock
SHOP, OTHER = "bench-shop", "other-shop"
CUSTOMERS = 60_000
_BATCH = 5_000
_DAY = 86_400
_PATH = ("requested", "approved", "in_transit", "received", "inspected", "resolved", "closed")
_ACTIONS = {"approved": "approve", "in_transit": "mark_in_transit", "received": "receive", "inspected": "inspect",
            "resolved": "resolve", "closed": "close", "declined": "decline", "canceled": "cancel"}
_BY_AGE = (  # (older than days, {status: weight})
    (45, {"closed": 78, "declined": 8, "canceled": 4, "resolved": 6, "received": 1, "inspected": 1, "approved": 1,
          "requested": 1}),
    (14, {"closed": 40, "resolved": 20, "inspected": 8, "received": 8, "in_transit": 8, "approved": 6,
          "declined": 5, "canceled": 3, "requested": 2}),
    (0, {"requested": 15, "approved": 30, "in_transit": 20, "received": 10, "inspected": 5, "resolved": 8,
         "closed": 4, "declined": 5, "canceled": 3}),
)
_METHODS = {"prepaid_label": 55, "relay_point": 25, "in_store": 10, "home_pickup": 10}
_REASONS = {"size_too_small": 22, "size_too_large": 20, "unwanted": 18, "colour": 8, "style": 8, "defective": 9,
            "not_as_described": 6, "damaged_in_transit": 4, "wrong_item": 3, "arrived_late": 1, "other": 1}
_FIRST = ("jean", "marie", "ana", "louis", "chloe", "hugo", "lea", "tom", "ines", "paul", "emma", "noah")
_LAST = ("dupont", "martin", "lopez", "bernard", "petit", "durand", "leroy", "moreau", "simon", "laurent")
_DOMAINS = ("example.com", "exemple.fr", "mail.example.org", "example.net")
COLUMNS = {
    "returns": ("id", "shop_id", "order_id", "order_name", "status", "method", "currency", "customer_email",
                "keep_item", "money_moved", "refund_due_by", "fees", "amounts", "evaluation", "version",
                "created_at", "updated_at", "value_minor", "decline_reason", "reason_bits"),
    "return_lines": ("id", "return_id", "shop_id", "position", "order_line_id", "quantity", "reason",
                     "customer_note", "resolution", "received_quantity", "condition", "disposition"),
    "events": ("shop_id", "return_id", "seq", "at", "actor_kind", "actor_id", "action", "from_status", "to_status",
               "reason", "data"),
    "order_snapshots": ("shop_id", "order_id", "name", "email", "document", "stale", "fetched_at", "customer_id"),
    "shipments": ("id", "shop_id", "return_id", "carrier", "method", "idempotency_key", "status", "carrier_ref",
                  "tracking_number", "tracking_url", "pickup_ref", "alert", "last_event_at", "version",
                  "created_at", "updated_at"),
    "tracking_events": ("shop_id", "shipment_id", "carrier_status", "status", "occurred_at", "message", "source",
                        "received_at", "applied_at"),
    "actions": ("id", "shop_id", "return_id", "kind", "idempotency_key", "state", "payload", "result", "attempts",
                "created_at", "updated_at"),
}


@dataclass
class Seeded:
    """What was loaded, and a few of its values for the queries to ask."""

    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    seconds: float = 0.0
    ids: list[str] = field(default_factory=list)  # the bench shop's return ids, in no order
    emails: list[str] = field(default_factory=list)


def seed(database_url: str, returns: dict[str, int], seed_value: int = 20) -> Seeded:
    """The shops, the EU preset policy, then every row by COPY, then VACUUM ANALYZE (what autovacuum does on a
    live database: planner statistics and the visibility map for index-only scans)."""
    from connector.store.engine import make_engine

    started = time.perf_counter()
    evaluation = _shops_and_evaluation(database_url, list(returns))
    rng = random.Random(seed_value)
    emails = [_email(rng, n) for n in range(CUSTOMERS)]
    seeded = Seeded(emails=emails)
    engine = make_engine(database_url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # The rows are consistent by construction: no foreign-key trigger per row (a superuser's bulk load).
        cursor.execute("SET session_replication_role = replica")
        for shop_id, count in returns.items():
            for start in range(0, count, _BATCH):
                batch: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
                for n in range(start, min(count, start + _BATCH)):
                    _one(rng, shop_id, n, emails, evaluation, batch, seeded)
                _copy(cursor, batch, seeded)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM ANALYZE {', '.join(COLUMNS)}")  # this schema's tables only
    engine.dispose()
    seeded.seconds = time.perf_counter() - started
    return seeded


def _copy(cursor: Any, batch: dict[str, list[tuple[Any, ...]]], seeded: Seeded) -> None:
    """One COPY per table in turn (a connection runs one COPY at a time), parents before children."""
    for table, rows in batch.items():
        with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        seeded.rows[table] += len(rows)


def _shops_and_evaluation(database_url: str, shop_ids: list[str]) -> str:
    """The shops with the EU preset in force; the preset's evaluation of a sample return, as stored (JSON)."""
    from connector.bootstrap import Container
    from connector.config.model import Config, DatabaseSettings
    from connector.domain import Platform
    from connector.domain.events import Actor, ActorKind
    from connector.domain.resolutions import Resolution
    from connector.policy import EvaluationContext, evaluate, load
    from connector.services.opening import LineInput, draft_of, return_lines_of
    from connector.services.policies import set_policy
    from connector.services.verdicts import evaluation_document
    from connector.store.migrate import upgrade

    policy = load(ROOT / "policies" / "eu-fr-withdrawal.toml")
    container = Container(Config(database=DatabaseSettings(database_url)))
    upgrade(container.engine)
    with container.uow() as uow:
        for n, shop_id in enumerate(shop_ids):
            uow.shops.add(Platform.SHOPIFY, f"bench-{n}.myshopify.com", shop_id=shop_id,
                          credentials={"access_token": "shpat_bench"})
            set_policy(uow, shop_id, policy)
        uow.commit()
    container.close()
    order = _sample_order()
    lines = return_lines_of("RSAMPLE", [LineInput("L1", 1, _reason("size_too_small"), Resolution.refund())])
    draft = draft_of(lines, _method("prepaid_label"), False, NOW - timedelta(days=3))
    context = EvaluationContext(now=NOW - timedelta(days=3), actor=Actor(ActorKind.CUSTOMER, order.email))
    return json.dumps(evaluation_document(evaluate(policy, order, draft, context)))


def _one(rng: random.Random, shop_id: str, n: int, emails: list[str], evaluation: str,
         streams: dict[str, list[tuple[Any, ...]]], seeded: Seeded) -> None:
    created = NOW - timedelta(seconds=rng.randrange(730 * _DAY))
    status = _status(rng, (NOW - created).days)
    return_id = f"R{rng.getrandbits(48):012X}"
    email = emails[int(rng.paretovariate(1.2) * 7) % CUSTOMERS]
    method = _pick(rng, _METHODS)
    order_id, name = str(5_000_000 + n), f"#{10_000 + n}"
    lines = _lines(rng, return_id, shop_id, status)
    paid = sum(minor for *_, minor in lines)
    eu = rng.random() < 0.4
    moved = status in ("resolved", "closed")
    due = created + timedelta(days=14) if eu else None
    history = list(_history(rng, shop_id, return_id, status, created, email))
    streams["returns"].append((
        return_id, shop_id, order_id, name, status, method, "EUR", email, False, moved, due,
        _FEES, json.dumps(_amounts(lines, paid)), evaluation, len(history), created, history[-1][3], paid,
        "Outside the return window." if status == "declined" else None,
        reason_bits(_reason(line[6]) for line in lines),
    ))
    for line in lines:
        streams["return_lines"].append(line[:-1])
    for event in history:
        streams["events"].append(event)
    streams["order_snapshots"].append((shop_id, order_id, name, email, _order_document(order_id, name, email, created),
                                      False, created, None))
    _parcel(rng, streams, shop_id, return_id, method, status, created)
    if moved:
        streams["actions"].append((f"A{return_id}", shop_id, return_id, "refund", f"ret:{return_id}:refund",
                                  "succeeded", json.dumps({"amount": _money(paid)}), json.dumps({"id": n}), 1,
                                  history[-1][3], history[-1][3]))
    if shop_id == SHOP:
        seeded.ids.append(return_id)


def _status(rng: random.Random, age_days: int) -> str:
    weights = next(weights for older, weights in _BY_AGE if age_days >= older)
    return _pick(rng, weights)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _lines(rng: random.Random, return_id: str, shop_id: str, status: str) -> list[tuple[Any, ...]]:
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    received = status in ("received", "inspected", "resolved", "closed")
    inspected = status in ("inspected", "resolved", "closed")
    found = []
    for position in range(count):
        quantity = rng.choices((1, 2), weights=(85, 15))[0]
        found.append((
            f"{return_id}-{position + 1}", return_id, shop_id, position, f"L{position + 1}", quantity,
            _pick(rng, _REASONS), "", _RESOLUTION, quantity if received else 0,
            "used" if inspected else None, "restock" if inspected else None, quantity * rng.randrange(1500, 12000),
        ))
    return found


def _history(rng: random.Random, shop_id: str, return_id: str, status: str, created: datetime,
             email: str) -> Iterator[tuple[Any, ...]]:
    """request, then each step to ``status`` a few hours to days apart, by whom each would be taken."""
    steps = ["requested"] + (["approved", status] if status == "canceled" else
                             [status] if status == "declined" else list(_PATH[1 : _PATH.index(status) + 1]))
    at, previous = created, None
    for seq, step in enumerate(steps, start=1):
        if seq > 1:
            at = min(at + timedelta(seconds=rng.randrange(3600, 3 * _DAY)), NOW)
        actor = ("customer", email) if seq == 1 else ("system", "policy") if step in ("approved", "declined") \
            else ("agent", "agent-1")
        yield (shop_id, return_id, seq, at, *actor, "request" if seq == 1 else _ACTIONS[step], previous, step,
               "", "{}")
        previous = step


def _parcel(rng: random.Random, streams: dict[str, list[tuple[Any, ...]]], shop_id: str, return_id: str, method: str,
            status: str, created: datetime) -> None:
    """A label return's parcel once approved, with its carrier's scans."""
    if method == "in_store" or status in ("requested", "declined", "canceled"):
        return
    moved = _PATH.index(status) if status in _PATH else 1
    parcel = "delivered" if moved >= 3 else "in_transit" if moved == 2 else "awaiting_dropoff"
    number = f"3S{rng.getrandbits(40):012d}"
    shipment_id = f"S{return_id}"
    scans = [("1", "in_transit", created + timedelta(days=1))] + ([("11", "delivered", created + timedelta(days=3))]
                                                                  if parcel == "delivered" else [])
    last = scans[-1][2] if parcel != "awaiting_dropoff" else None
    streams["shipments"].append((
        shipment_id, shop_id, return_id, "sendcloud", method, f"ret:{return_id}:label", parcel, f"P{number}",
        number, f"https://tracking.example/{number}", "", "", last, 1, created, last or created,
    ))
    if parcel == "awaiting_dropoff":
        return
    for code, state, at in scans:
        streams["tracking_events"].append((shop_id, shipment_id, code, state, at, "", "webhook", at, at))


def _amounts(lines: list[tuple[Any, ...]], paid: int) -> dict[str, Any]:
    zero = _money(0)
    return {
        "currency": "EUR",
        "lines": [{"line_id": line[0], "paid": _money(line[-1]), "tax": _money(line[-1] // 6),
                   "restocking_fee": zero, "bonus": zero} for line in lines],
        "return_shipping_fee": zero, "shipping_refund": zero, "refund": _money(paid), "store_credit": zero,
        "exchange_value": zero, "store_credit_bonus": None,
    }


def _money(minor: int) -> dict[str, str]:
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": "EUR"}


def _email(rng: random.Random, n: int) -> str:
    return f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}{n}@{rng.choice(_DOMAINS)}"


def _order_document(order_id: str, name: str, email: str, created: datetime) -> str:
    document = dict(_ORDER_TEMPLATE, id=order_id, name=name, email=email,
                    created_at=(created - timedelta(days=9)).isoformat(), updated_at=created.isoformat())
    return json.dumps(document)


def _sample_order() -> Any:
    from connector.domain.money import Money
    from connector.domain.orders import Order, OrderLine

    lines = tuple(
        OrderLine(id=f"L{n}", title=f"Linen shirt {n}", quantity_ordered=2, quantity_fulfilled=2,
                  unit_price=Money("59.00", "EUR"), discount=Money("0", "EUR"), tax=Money("9.83", "EUR"),
                  taxes_included=True, sku=f"SKU-{n}", product_id=f"P{n}", variant_id=f"V{n}", variant_title="M",
                  fulfilled_at=NOW - timedelta(days=9), delivered_at=NOW - timedelta(days=7))
        for n in (1, 2, 3)
    )
    return Order(id="5000000", shop_id=SHOP, name="#10000", currency="EUR", email="jean.dupont0@example.com",
                 created_at=NOW - timedelta(days=10), updated_at=NOW - timedelta(days=7), lines=lines,
                 shipping_total=Money("4.90", "EUR"), country="FR")


def _reason(code: str) -> Any:
    from connector.domain.reasons import ReasonCode

    return ReasonCode(code)


def _method(code: str) -> Any:
    from connector.domain.resolutions import ReturnMethod

    return ReturnMethod(code)


def _template() -> dict[str, Any]:
    from connector.store.codec import order_to_json

    return order_to_json(_sample_order())


_ORDER_TEMPLATE = _template()
_FEES = json.dumps({"return_shipping": _money(590), "restocking": _money(0)})
_RESOLUTION = json.dumps({"kind": "refund", "bonus": None, "exchange_variant_id": None, "exchange_product_id": None,
                          "exchange_price": None})
