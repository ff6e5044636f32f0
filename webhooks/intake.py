"""What a webhook delivery gets: verify, deduplicate, persist, answer. No HTTP framework in here.

The order of checks follows the platforms' needs (each platform's ``WebhookSource``, from its provider).
We answer 200 once the delivery and its outbox row are committed, before any call to the platform. Nothing
here touches Redis: the workers' relay moves the row onto the queue, so a Redis outage never fails a
delivery. Nothing here parses more than it must or calls a shop. If the database is away, the answer is
503 so the platform retries.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.exc import DBAPIError

from connector import providers
from connector.bootstrap import Container
from connector.webhook_source import WebhookSource
from webhooks.intake_store import IntakeStore

log = logging.getLogger("connector.webhooks")

STORE_ERRORS = (DBAPIError, psycopg.OperationalError, sqlite3.OperationalError)


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
INVALID_SIGNATURE = Answer(401, "invalid_signature", "missing or invalid signature")
SHOP_MISMATCH = Answer(401, "shop_mismatch", "the body names another shop than the delivery's shop header")
SHOP_NOT_NAMED = Answer(401, "shop_not_named", "this topic is only accepted when its body names the shop")
_DECOY_SECRET = secrets.token_urlsafe(32)


class Intake:
    """One per web process: shared by its request threads (the store batches their commits)."""

    def __init__(self, container: Container, store: IntakeStore) -> None:
        self.container = container
        self.store = store
        self.max_body_bytes = container.config.webhooks.max_body_bytes
        self.sources: dict[str, WebhookSource] = {
            provider.key: provider.webhook_source for provider in providers.registered()
            if provider.webhook_source is not None
        }
        """The platforms that send webhooks, by the last segment of ``/webhooks/<platform>``; read once, as
        the plugins are loaded once per process."""

    def receive(self, platform: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        """``body`` is None when it was over the size limit and left unread."""
        source = self.sources.get(platform)
        if source is None:
            return Answer(404, "unknown_platform", f"no webhook endpoint for {platform!r}")
        if body is None or len(body) > self.max_body_bytes:
            return Answer(413, "too_large", f"bodies are limited to {self.max_body_bytes} bytes")
        try:
            with self.store.arriving():
                return self._receive(platform, source, headers, body)
        except STORE_ERRORS as exc:  # the database is away: the platform will retry
            log.error("webhooks.store-unavailable", extra={"platform": platform, "error": type(exc).__name__})
            return Answer(503, "store_unavailable", "the delivery could not be stored; please retry")

    def _receive(self, platform: str, source: WebhookSource, headers: Mapping[str, str], body: bytes) -> Answer:
        address = source.shop_address(headers)
        if source.is_ping(headers, body):
            log.info("webhooks.ping", extra={"platform": platform, "shop": address})
            return Answer(200, "ping")
        credentials = None
        if not source.verify_before_lookup:  # the secret is the shop's own: find the shop first
            credentials = self._credentials(source, address) if address else None
        # An unknown shop is checked against a decoy secret and fails like a bad signature, at a similar
        # cost: the answer must not tell which stores are connected.
        keys = source.secrets(self.container.config, credentials) or [_DECOY_SECRET]
        if not source.verify(body, headers, keys):
            log.warning("webhooks.invalid-signature", extra={"platform": platform, "shop": address})
            return INVALID_SIGNATURE
        if not address:
            return Answer(404, "unknown_shop", "the delivery names no shop")
        try:
            payload = json.loads(body)
        except RecursionError:
            return Answer(400, "invalid_json", "the body's JSON is nested too deeply")
        except (ValueError, UnicodeDecodeError):
            return Answer(400, "invalid_json", "the body is not JSON")
        if not isinstance(payload, dict):
            return Answer(400, "invalid_json", "the body is not a JSON object")
        topic = source.topic(headers) or ""
        if not source.handles(topic):
            log.info("webhooks.unhandled-topic", extra={"platform": platform, "topic": topic, "shop": address})
            return Answer(200, "ignored", f"topic {topic!r} is not handled")
        refusal = self._refuse_other_shop(source, address, topic, payload)
        if refusal is not None:
            return refusal
        dedup_key = source.dedup_key(headers, payload)
        if not dedup_key:
            return Answer(400, "missing_event_id", "the delivery carries no event id")
        accepted = self.store.accept(
            platform=platform, address=address, dedup_key=dedup_key, topic=topic, body=body,
            headers=_kept_headers(headers, source.kept_header_prefixes),
        )
        if accepted.shop_id is None:
            return UNKNOWN_SHOP
        if accepted.duplicate:
            log.info("webhooks.duplicate", extra={"platform": platform, "key": dedup_key})
            return DUPLICATE
        return ACCEPTED

    def _credentials(self, source: WebhookSource, address: str) -> dict[str, str] | None:
        """The shop's decrypted credentials, for platforms whose webhook secret is the shop's own."""
        with self.container.uow() as uow:
            shop = uow.shops.find(source.platform, address)
            return uow.shops.credentials(shop.id) if shop is not None else None

    def _refuse_other_shop(
        self, source: WebhookSource, address: str, topic: str, payload: Mapping[str, Any]
    ) -> Answer | None:
        """A signed body is acted on for the shop it names, never for another shop an unsigned header names:
        its shop domains must be the header's, and its shop id the one the shop is known by. Destructive
        topics must name their shop. Refused deliveries are stored nowhere."""
        named = source.named_shop(topic, payload)
        strangers = sorted(named.domains - {address})
        if strangers or len(named.ids) > 1:
            return _shop_mismatch(source, address, strangers or sorted(named.ids))
        if source.destructive(topic) and address not in named.domains:
            log.warning("webhooks.shop-not-named", extra={"platform": source.platform, "header": address,
                                                          "topic": topic})
            return SHOP_NOT_NAMED
        if named.ids:
            (claimed,) = named.ids
            with self.container.uow() as uow:
                agrees = uow.shops.confirm_platform_id(source.platform, address, claimed,
                                                       learn=address in named.domains)
                uow.commit()
            if not agrees:
                return _shop_mismatch(source, address, [claimed])
        return None


def _shop_mismatch(source: WebhookSource, address: str, named: list[str]) -> Answer:
    log.warning("webhooks.shop-mismatch", extra={"platform": source.platform, "header": address,
                                                 "body": named})
    return SHOP_MISMATCH


def _kept_headers(headers: Mapping[str, str], prefixes: tuple[str, ...]) -> dict[str, str]:
    """Keep the platform's own headers for later, never auth or cookies."""
    return {name: headers[name] for name in headers if name.lower().startswith(prefixes)}
