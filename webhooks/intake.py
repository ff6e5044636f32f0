"""What a webhook delivery gets: verify, deduplicate, persist, answer. No HTTP framework in here.

The order of checks follows the platforms' needs (see ``sources``). We answer 200 once the delivery and its
outbox row are committed, before any call to the platform. Nothing here touches Redis: the workers' relay
moves the row onto the queue, so a Redis outage never fails a delivery. Nothing here parses more than it
must or calls a shop. If the database is away, the answer is 503 so the platform retries.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

import psycopg
from sqlalchemy.exc import DBAPIError

from connector.bootstrap import Container
from webhooks.intake_store import IntakeStore
from webhooks.sources import SOURCES, Source, find_shop

log = logging.getLogger("connector.webhooks")

_STORE_ERRORS = (DBAPIError, psycopg.OperationalError, sqlite3.OperationalError)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    code: str
    message: str = ""

    def json(self) -> bytes:
        return _answer_json(self.status, self.code, self.message)


@functools.lru_cache(maxsize=256)
def _answer_json(status: int, code: str, message: str) -> bytes:
    body: dict[str, object] = {"ok": status < 300, "code": code}
    if message:
        body["message"] = message
    return json.dumps(body, separators=(",", ":")).encode()


ACCEPTED = Answer(200, "accepted")
DUPLICATE = Answer(200, "duplicate")
UNKNOWN_SHOP = Answer(404, "unknown_shop", "no such shop is connected")


class Intake:
    """One per web process: shared by its request threads (the store batches their commits)."""

    def __init__(self, container: Container, store: IntakeStore) -> None:
        self.container = container
        self.store = store
        self.max_body_bytes = container.config.webhooks.max_body_bytes

    def receive(self, platform: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        """``body`` is None when it was over the size limit and left unread."""
        source = SOURCES.get(platform)
        if source is None:
            return Answer(404, "unknown_platform", f"no webhook endpoint for {platform!r}")
        if body is None or len(body) > self.max_body_bytes:
            return Answer(413, "too_large", f"bodies are limited to {self.max_body_bytes} bytes")
        try:
            with self.store.arriving():
                return self._receive(platform, source, headers, body)
        except _STORE_ERRORS as exc:  # the database is away: the platform will retry
            log.error("webhooks.store-unavailable", extra={"platform": platform, "error": type(exc).__name__})
            return Answer(503, "store_unavailable", "the delivery could not be stored; please retry")

    def _receive(self, platform: str, source: Source, headers: Mapping[str, str], body: bytes) -> Answer:
        address = source.shop_address(headers)
        if source.is_ping(headers, body):
            log.info("webhooks.ping", extra={"platform": platform, "shop": address})
            return Answer(200, "ping")
        credentials = None
        if not source.verify_before_lookup:  # the secret is the shop's own: find the shop first
            shop, credentials = find_shop(self.container, source, address) if address else (None, None)
            if shop is None:
                return UNKNOWN_SHOP
        if not source.verify(body, headers, source.secrets(self.container, credentials)):
            log.warning("webhooks.invalid-signature", extra={"platform": platform, "shop": address})
            return Answer(401, "invalid_signature", "missing or invalid signature")
        if not address:
            return Answer(404, "unknown_shop", "the delivery names no shop")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return Answer(400, "invalid_json", "the body is not JSON")
        if not isinstance(payload, dict):
            return Answer(400, "invalid_json", "the body is not a JSON object")
        topic = source.topic(headers) or ""
        if not source.handles(topic):
            log.info("webhooks.unhandled-topic", extra={"platform": platform, "topic": topic, "shop": address})
            return Answer(200, "ignored", f"topic {topic!r} is not handled")
        dedup_key = source.dedup_key(headers, payload)
        if not dedup_key:
            return Answer(400, "missing_event_id", "the delivery carries no event id")
        accepted = self.store.accept(
            platform=platform, address=address, dedup_key=dedup_key, topic=topic, body=body,
            headers=_kept_headers(headers),
        )
        if accepted.shop_id is None:
            return UNKNOWN_SHOP
        if accepted.duplicate:
            log.info("webhooks.duplicate", extra={"platform": platform, "key": dedup_key})
            return DUPLICATE
        return ACCEPTED


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Keep the platform's own headers for later, never auth or cookies."""
    return {name: headers[name] for name in headers if name.lower().startswith(("x-shopify-", "x-wc-webhook-"))}
