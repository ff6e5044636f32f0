"""Fixed-window counters shared by every process: in Redis when one is configured, else in the database.

A process-local dict would let each gunicorn worker grant its own allowance. What is limited (an IP
address, an order number) is stored as a sha256, never in clear.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from connector.bootstrap import Container
from connector.store.tables import rate_limits

log = logging.getLogger("connector.api.ratelimit")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends


def _bucket(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


class RateLimiter:
    def __init__(self, container: Container) -> None:
        self.container = container

    def hit(self, names: Sequence[str], limit: int, window_seconds: int) -> Verdict:
        """Count one hit on each named bucket; refused when any bucket is over ``limit`` this window."""
        now = self.container.clock()
        stamp = int(now.timestamp())
        window = stamp // window_seconds
        retry_after = max(1, (window + 1) * window_seconds - stamp)
        buckets = [_bucket(name) for name in names]
        counts = self._redis_hits(buckets, window, window_seconds)
        if counts is None:
            counts = self._db_hits(buckets, window, now + timedelta(seconds=window_seconds))
        allowed = all(count <= limit for count in counts)
        if not allowed:
            log.info("api.rate-limited", extra={"window": window})
        return Verdict(allowed, retry_after)

    def _redis_hits(self, buckets: Sequence[str], window: int, window_seconds: int) -> list[int] | None:
        client = self.container.redis
        if client is None:
            return None
        try:
            pipe = client.pipeline(transaction=False)
            for bucket in buckets:
                key = f"connector:ratelimit:{bucket}:{window}"
                pipe.incr(key)
                pipe.expire(key, window_seconds * 2)
            results = pipe.execute()
        except RedisError as exc:  # still limited, through the database, while Redis is away
            log.warning("api.rate-limit-redis-unavailable", extra={"error": type(exc).__name__})
            return None
        return [int(value) for value in results[0::2]]

    def _db_hits(self, buckets: Sequence[str], window: int, expires_at: datetime) -> list[int]:
        with self.container.engine.begin() as conn:
            counts = [_increment(conn, bucket, window, expires_at) for bucket in buckets]
            if random.random() < 0.02:  # keep the table small without a separate sweeper
                conn.execute(delete(rate_limits).where(rate_limits.c.expires_at < expires_at - timedelta(hours=1)))
        return counts


def _increment(conn: Connection, bucket: str, window: int, expires_at: datetime) -> int:
    """Atomic upsert: concurrent hits on one bucket each add one."""
    statement = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        statement(rate_limits)
        .values(bucket=bucket, window_no=window, hits=1, expires_at=expires_at)
        .on_conflict_do_update(index_elements=["bucket", "window_no"], set_={"hits": rate_limits.c.hits + 1})
    )
    hits: object = conn.execute(
        select(rate_limits.c.hits).where(rate_limits.c.bucket == bucket, rate_limits.c.window_no == window)
    ).scalar_one()
    return int(str(hits))


__all__ = ["RateLimiter", "Verdict"]
