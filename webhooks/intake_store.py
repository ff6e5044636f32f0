"""Storing a delivery: find the shop, insert the delivery (deduplicated) and its pending outbox row, atomically.

This is the whole of a webhook's cost to us, so on PostgreSQL it is one statement in one round trip, and
concurrent requests of one process share it (``GroupCommit``): one commit for the lot instead of one each.
SQLite (``sqlite_intake``) batches the same way, in one write transaction.
The answer says which case each delivery was: no such shop, a duplicate, or accepted (with both ids).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import psycopg

from connector.bootstrap import Container
from connector.store.inbox_repo import InboxState
from connector.store.outbox_repo import JobKind, insert_pending_sql
from connector.store.replays_repo import REPLAY_HORIZON_HOURS
from webhooks.deliveries import Accepted, IncomingDelivery
from webhooks.group_commit import GroupCommit
from webhooks.pg_connection import IntakeConnection
from webhooks.sqlite_intake import SqliteIntake

# Raw SQL on purpose: through SQLAlchemy's execution layer the statement costs twice the client CPU (measured
# 257 vs 128 us for one delivery), and it runs once per webhook. Autocommit: the statement is the transaction.
# Prepared once per connection: the server skips parsing and planning (-15% of its CPU here). A lone delivery
# (sync workers, quiet times) takes this one-row form through libpq directly (see ``pg_connection``).
# A delivery is stored only when its digest is fresh too (``fresh``): the same signed body for the same shop
# and topic within the retry horizon is a duplicate, whatever event id its unsigned headers carry.
_ACCEPT_ONE = f"""
WITH shop AS (
    SELECT id FROM shops WHERE platform = $1::text AND address = $2::text
), fresh AS (
    INSERT INTO webhook_digests (platform, digest, received_at)
    SELECT $1::text, $9::text, now() FROM shop
    ON CONFLICT (platform, digest) DO UPDATE SET received_at = excluded.received_at
        WHERE webhook_digests.received_at < now() - $10::interval
    RETURNING 1
), delivery AS (
    INSERT INTO webhook_inbox (shop_id, platform, dedup_key, topic, body, headers, state, attempts, received_at)
    SELECT shop.id, $1::text, $3::text, $4::text, $5::bytea, $6::json, $7::text, 0, now()
    FROM shop, fresh
    ON CONFLICT (shop_id, dedup_key) DO NOTHING
    RETURNING id, shop_id
), job AS (
    {insert_pending_sql("delivery.shop_id, $8::text, delivery.id::text, now() FROM delivery")}
)
SELECT (SELECT id FROM shop), (SELECT id FROM delivery), (SELECT id FROM job)
"""  # noqa: S608 - constant text: the outbox INSERT comes from insert_pending_sql
_ACCEPT_ONE_NAME = b"connector_accept_one"
_ACCEPT_ONE_BINARY = (0, 0, 0, 0, 1, 0, 0, 0, 0, 0)  # the body goes as bytes, the rest as text

# Several deliveries: the same steps over a JSON array, one parameter (bodies as hex: byte-exact, whatever
# their encoding). Rows are inserted in key order so two batches racing on the same keys cannot deadlock.
_ACCEPT_MANY = f"""
WITH input AS (
    SELECT * FROM json_to_recordset($1::json)
        AS t(ord int, platform text, address text, dedup_key text, topic text, body text, headers json,
             digest text)
), shop AS (
    SELECT input.ord, shops.id AS shop_id
    FROM input JOIN shops ON shops.platform = input.platform AND shops.address = input.address
), fresh AS (
    INSERT INTO webhook_digests (platform, digest, received_at)
    SELECT input.platform, input.digest, now() FROM input JOIN shop USING (ord)
    ORDER BY input.platform, input.digest
    ON CONFLICT (platform, digest) DO UPDATE SET received_at = excluded.received_at
        WHERE webhook_digests.received_at < now() - $4::interval
    RETURNING platform, digest
), delivery AS (
    INSERT INTO webhook_inbox (shop_id, platform, dedup_key, topic, body, headers, state, attempts, received_at)
    SELECT shop.shop_id, input.platform, input.dedup_key, input.topic, decode(input.body, 'hex'), input.headers,
           $2::text, 0, now()
    FROM input JOIN shop USING (ord) JOIN fresh USING (platform, digest)
    ORDER BY shop.shop_id, input.dedup_key
    ON CONFLICT (shop_id, dedup_key) DO NOTHING
    RETURNING id AS inbox_id, shop_id, dedup_key
), job AS (
    {insert_pending_sql("delivery.shop_id, $3::text, delivery.inbox_id::text, now() FROM delivery",
                        returning="id AS outbox_id, ref_id")}
)
SELECT input.ord, shop.shop_id, delivery.inbox_id, job.outbox_id
FROM input
LEFT JOIN shop USING (ord)
LEFT JOIN delivery ON delivery.shop_id = shop.shop_id AND delivery.dedup_key = input.dedup_key
LEFT JOIN job ON job.ref_id = delivery.inbox_id::text
"""  # noqa: S608 - constant text: the outbox INSERT comes from insert_pending_sql
_ACCEPT_MANY_NAME = b"connector_accept_many"
_HORIZON = f"{REPLAY_HORIZON_HOURS} hours".encode()


def _accepted(shop_id: bytes | None, inbox_id: bytes | None, outbox_id: bytes | None) -> Accepted:
    """One result row, as libpq gives it (text, or None for NULL)."""
    return Accepted(shop_id.decode() if shop_id is not None else None,
                    int(inbox_id) if inbox_id is not None else None,
                    int(outbox_id) if outbox_id is not None else None)


class IntakeStore:
    """One per web process (``create_app``), shared by its request threads."""

    def __init__(self, container: Container, max_batch: int = 64, max_wait: float = 0.001) -> None:
        self.container = container
        self._coming = 0  # requests in flight that have not submitted their delivery yet
        self._coming_lock = threading.Lock()
        self._arrival = threading.local()
        engine = container.engine
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = IntakeConnection(url)  # opened on first use: never on SQLite
        self._connection_lock = threading.Lock()
        self._postgresql = engine.dialect.name == "postgresql"
        self._sqlite = None if self._postgresql else SqliteIntake(engine)
        self._group: GroupCommit[IncomingDelivery, Accepted] = GroupCommit(
            self._store_batch, max_batch, expected=lambda: self._coming, max_wait=max_wait
        )
        container.on_close(self.close)

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """Wrap a request that may store a delivery: a commit about to start waits briefly for it."""
        with self._coming_lock:
            self._coming += 1
        self._arrival.counted = True
        try:
            yield
        finally:
            if self._arrived():  # it never submitted: a leader may be waiting for it
                self._group.nudge()

    def _arrived(self) -> bool:
        """This thread's request has submitted (or will not): stop counting it as coming. False when it
        had already stopped counting."""
        if not getattr(self._arrival, "counted", False):
            return False
        self._arrival.counted = False
        with self._coming_lock:
            self._coming -= 1
        return True

    def accept(
        self, *, platform: str, address: str, dedup_key: str, topic: str, body: bytes, headers: Mapping[str, str]
    ) -> Accepted:
        delivery = IncomingDelivery(platform, address, dedup_key[:255], topic, body, dict(headers))
        self._arrived()
        return self._group.submit(delivery)

    def _store_batch(self, batch: Sequence[IncomingDelivery]) -> list[Accepted]:
        if self._sqlite is not None:
            return self._sqlite.store(batch)
        return self._store_postgresql(batch)

    def _store_postgresql(self, batch: Sequence[IncomingDelivery]) -> list[Accepted]:
        if len(batch) == 1:
            return self._execute(batch)
        # The same key or digest twice in one batch (a platform's concurrent retry, a replay): store the first,
        # the rest are duplicates (and one statement may not upsert the same digest row twice).
        owners: dict[tuple[str, str], int] = {}
        owner_of = []
        for index, delivery in enumerate(batch):
            by_key = owners.setdefault((delivery.platform, f"key:{delivery.address}:{delivery.dedup_key}"), index)
            by_digest = owners.setdefault((delivery.platform, "digest:" + delivery.digest), index)
            owner_of.append(min(by_key, by_digest))
        unique = sorted(set(owner_of))
        stored = dict(zip(unique, self._execute([batch[i] for i in unique]), strict=True))
        answers = []
        for index, owner in enumerate(owner_of):
            found = stored[owner]
            answers.append(found if owner == index else Accepted(found.shop_id, None, None))
        return answers

    def _execute(self, batch: Sequence[IncomingDelivery]) -> list[Accepted]:
        with self._connection_lock:
            for attempt in (1, 2):
                try:
                    return self._accept_one(batch[0]) if len(batch) == 1 else self._accept_many(batch)
                except psycopg.OperationalError:
                    # The server closed the connection (restart, idle timeout): reconnect and retry once.
                    # Safe: if the first try did commit, the retry sees duplicates.
                    self._connection.close()
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _accept_one(self, delivery: IncomingDelivery) -> list[Accepted]:
        params = (delivery.platform.encode(), delivery.address.encode(), delivery.dedup_key.encode(),
                  delivery.topic.encode(), delivery.body, json.dumps(delivery.headers).encode(),
                  InboxState.RECEIVED.value.encode(), JobKind.EVENT.value.encode(), delivery.digest.encode(), _HORIZON)
        rows = self._connection.run_prepared(_ACCEPT_ONE_NAME, _ACCEPT_ONE, params, _ACCEPT_ONE_BINARY)
        return [_accepted(shop_id, inbox_id, outbox_id) for shop_id, inbox_id, outbox_id in rows]

    def _accept_many(self, batch: Sequence[IncomingDelivery]) -> list[Accepted]:
        document = json.dumps([
            {"ord": ord_, "platform": d.platform, "address": d.address, "dedup_key": d.dedup_key, "topic": d.topic,
             "body": d.body.hex(), "headers": d.headers, "digest": d.digest}
            for ord_, d in enumerate(batch)
        ])
        params = (document.encode(), InboxState.RECEIVED.value.encode(), JobKind.EVENT.value.encode(), _HORIZON)
        rows = self._connection.run_prepared(_ACCEPT_MANY_NAME, _ACCEPT_MANY, params, (0, 0, 0, 0))
        by_ord = {int(ord_ or b"-1"): _accepted(*ids) for ord_, *ids in rows}
        return [by_ord[index] for index in range(len(batch))]

    def close(self) -> None:
        self._connection.close()
