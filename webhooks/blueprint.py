"""``POST /webhooks/shopify`` and ``POST /webhooks/woocommerce``: verify, deduplicate, persist, enqueue, 200.

The order of checks follows the platforms' needs (see ``sources``). We answer 200 once the delivery and its
outbox row are committed, before any call to the platform. Nothing here touches Redis: the workers' relay
moves the row onto the queue, so a Redis outage never fails a delivery. Nothing here parses more than it
must or calls a shop.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import psycopg
from flask import Blueprint, Response, current_app, jsonify, request
from requests.structures import CaseInsensitiveDict
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import RequestEntityTooLarge

from connector.bootstrap import Container
from webhooks.intake_store import IntakeStore
from webhooks.sources import SOURCES, find_shop

log = logging.getLogger("connector.webhooks")
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _answer(status: int, code: str, message: str = "") -> tuple[Response, int]:
    body: dict[str, Any] = {"ok": status < 300, "code": code}
    if message:
        body["message"] = message
    return jsonify(body), status


@bp.post("/<platform>")
def receive(platform: str) -> tuple[Response, int]:
    source = SOURCES.get(platform)
    if source is None:
        return _answer(404, "unknown_platform", f"no webhook endpoint for {platform!r}")
    container: Container = current_app.extensions["connector"]
    limit = container.config.webhooks.max_body_bytes
    try:
        body: bytes | None = request.get_data(cache=True)  # refused unread above MAX_CONTENT_LENGTH
    except RequestEntityTooLarge:
        body = None
    if body is None or len(body) > limit:
        return _answer(413, "too_large", f"bodies are limited to {limit} bytes")
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(dict(request.headers.items()))
    address = source.shop_address(headers)
    if source.is_ping(headers, body):
        log.info("webhooks.ping", extra={"platform": platform, "shop": address})
        return _answer(200, "ping")
    credentials = None
    if not source.verify_before_lookup:  # the secret is the shop's own: find the shop first
        shop, credentials = find_shop(container, source, address) if address else (None, None)
        if shop is None:
            return _answer(404, "unknown_shop", "no such shop is connected")
    if not source.verify(body, headers, source.secrets(container, credentials)):
        log.warning("webhooks.invalid-signature", extra={"platform": platform, "shop": address})
        return _answer(401, "invalid_signature", "missing or invalid signature")
    if not address:
        return _answer(404, "unknown_shop", "the delivery names no shop")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _answer(400, "invalid_json", "the body is not JSON")
    if not isinstance(payload, dict):
        return _answer(400, "invalid_json", "the body is not a JSON object")
    topic = source.topic(headers) or ""
    if not source.handles(topic):
        log.info("webhooks.unhandled-topic", extra={"platform": platform, "topic": topic, "shop": address})
        return _answer(200, "ignored", f"topic {topic!r} is not handled")
    dedup_key = source.dedup_key(headers, payload)
    if not dedup_key:
        return _answer(400, "missing_event_id", "the delivery carries no event id")
    try:
        store: IntakeStore = current_app.extensions["connector.intake"]
        accepted = store.accept(
            platform=platform, address=address, dedup_key=dedup_key, topic=topic, body=body,
            headers=_kept_headers(headers),
        )
    except (DBAPIError, psycopg.OperationalError) as exc:  # the database is away: the platform will retry
        log.error("webhooks.store-unavailable", extra={"platform": platform, "error": type(exc).__name__})
        return _answer(503, "store_unavailable", "the delivery could not be stored; please retry")
    if accepted.shop_id is None:
        return _answer(404, "unknown_shop", "no such shop is connected")
    if accepted.duplicate:
        log.info("webhooks.duplicate", extra={"platform": platform, "key": dedup_key})
        return _answer(200, "duplicate")
    return _answer(200, "accepted")


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Keep the platform's own headers for later, never auth or cookies."""
    return {k: v for k, v in headers.items() if k.lower().startswith(("x-shopify-", "x-wc-webhook-"))}
