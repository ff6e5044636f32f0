"""``POST /webhooks/shopify`` and ``POST /webhooks/woocommerce``: verify, deduplicate, persist, enqueue, 200.

The order of checks follows the platforms' needs (see ``sources``). We answer 200 once the delivery and its
outbox row are committed, before any call to the platform; if Redis is down we still answer 200 and the
reconciler enqueues the row later. Nothing here parses more than it must or calls a shop.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from requests.structures import CaseInsensitiveDict
from werkzeug.exceptions import RequestEntityTooLarge

from connector.bootstrap import Container
from connector.jobs.queue import JobQueue
from connector.store.outbox_repo import JobKind
from webhooks.inbox import accept_delivery
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
    shop = credentials = None
    if not source.verify_before_lookup:
        shop, credentials = find_shop(container, source, address) if address else (None, None)
        if shop is None:
            return _answer(404, "unknown_shop", "no such shop is connected")
    if not source.verify(body, headers, source.secrets(container, credentials)):
        log.warning("webhooks.invalid-signature", extra={"platform": platform, "shop": address})
        return _answer(401, "invalid_signature", "missing or invalid signature")
    if shop is None:
        shop, credentials = find_shop(container, source, address) if address else (None, None)
        if shop is None:
            return _answer(404, "unknown_shop", "no such shop is connected")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _answer(400, "invalid_json", "the body is not JSON")
    if not isinstance(payload, dict):
        return _answer(400, "invalid_json", "the body is not a JSON object")
    topic = source.topic(headers) or ""
    if not source.handles(topic):
        log.info("webhooks.unhandled-topic", extra={"platform": platform, "topic": topic, "shop": shop.address})
        return _answer(200, "ignored", f"topic {topic!r} is not handled")
    dedup_key = source.dedup_key(headers, payload)
    if not dedup_key:
        return _answer(400, "missing_event_id", "the delivery carries no event id")
    queue: JobQueue | None = current_app.extensions.get("connector.queue")
    accepted = accept_delivery(
        container, shop_id=shop.id, platform=platform, dedup_key=dedup_key, topic=topic, body=body,
        headers=_kept_headers(headers), will_enqueue=queue is not None,
    )
    if accepted.duplicate:
        log.info("webhooks.duplicate", extra={"platform": platform, "key": dedup_key})
        return _answer(200, "duplicate")
    _kick(container, queue, shop.id, accepted.inbox_id, accepted.outbox_id)
    return _answer(200, "accepted")


def _kept_headers(headers: CaseInsensitiveDict[str]) -> dict[str, str]:
    """Keep the platform's own headers for later, never auth or cookies."""
    return {k: v for k, v in headers.items() if k.lower().startswith(("x-shopify-", "x-wc-webhook-"))}


def _kick(
    container: Container, queue: JobQueue | None, shop_id: str, inbox_id: int | None, outbox_id: int | None
) -> None:
    """Enqueue now (the outbox row was written as enqueued). If Redis is down, put the row back to pending
    so the next relay pass takes it: the answer is 200 either way and nothing is lost."""
    if queue is None or inbox_id is None or outbox_id is None:
        return
    try:
        queue.enqueue(JobKind.EVENT, shop_id, str(inbox_id), outbox_id)
    except Exception as exc:
        log.warning("webhooks.enqueue-deferred", extra={"error": type(exc).__name__})
        with container.uow() as uow:
            uow.outbox.mark_pending(outbox_id)
            uow.commit()
