"""WooCommerce webhook deliveries: signature, ping, dedup key, and topic -> ``IncomingEvent``.

Woo signs ``base64(HMAC-SHA256(raw body, secret))`` in ``X-WC-Webhook-Signature``; there is no timestamp,
so there is no replay window. Deliveries are never retried and are coalesced per resource (the payload is
built at send time), so a webhook is a *hint* that an order changed: polling reconciles the rest.

The ``X-WC-Webhook-Delivery-ID`` is a hash of the webhook id and the current second: it changes per
attempt and identifies nothing, so we deduplicate on the resource, its ``date_modified_gmt`` and a digest
of the body: ``date_modified_gmt`` has one-second resolution, and a real store changed an order twice in one
second (created ``processing``, then set ``completed``), so a key without the body dropped the newer state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qs

from connector import webhook_signature as signatures
from connector.domain.orders import Order
from connector.ports import EventKind, IncomingEvent
from platforms.woocommerce.mapping import parse_gmt

SIGNATURE_HEADER: Final = "X-WC-Webhook-Signature"
TOPIC_HEADER: Final = "X-WC-Webhook-Topic"
RESOURCE_HEADER: Final = "X-WC-Webhook-Resource"
EVENT_HEADER: Final = "X-WC-Webhook-Event"
SOURCE_HEADER: Final = "X-WC-Webhook-Source"
WEBHOOK_ID_HEADER: Final = "X-WC-Webhook-ID"
DELIVERY_ID_HEADER: Final = "X-WC-Webhook-Delivery-ID"

ORDER_TOPICS: Final = ("order.created", "order.updated", "order.deleted", "order.restored")
"""What the connector subscribes to. ``order.updated`` also fires for refunds and for our own writes."""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:  # plain dicts in tests and workers are not case-insensitive
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def sign(raw_body: bytes, secret: str) -> str:
    """The signature Woo sends for ``raw_body``; used by tests and the sandbox."""
    return signatures.sign(raw_body, secret)


def verify_signature(raw_body: bytes, signature: str | None, secrets: Sequence[str]) -> bool:
    """True if ``signature`` matches ``raw_body`` under any of ``secrets`` (old and new during rotation)."""
    return signatures.verify(raw_body, signature, secrets)


def is_ping(headers: Mapping[str, str], raw_body: bytes) -> bool:
    """The unsigned ping Woo POSTs when a webhook is created: form body ``webhook_id=<n>``, no topic."""
    if _header(headers, TOPIC_HEADER) or _header(headers, SIGNATURE_HEADER):
        return False
    try:
        form = parse_qs(raw_body.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    ids = form.get("webhook_id")
    return set(form) == {"webhook_id"} and ids is not None and len(ids) == 1 and ids[0].isdigit()


def dedup_key(headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The same key for every delivery of one state of one resource, whatever the delivery id.

    ``wc:<resource>:<id>:<date_modified_gmt>:<body digest>``, so that two states saved in the same second
    are two changes (the body is the state, built when the delivery is sent); when the payload has no
    modification date (``deleted`` sends
    only ``{"id": N}``) the event name stands in for it, plus the delivery id so that a delete, a restore
    and a second delete are not merged.
    """
    topic = (_header(headers, TOPIC_HEADER) or "").strip().lower()
    # Headers are not signed: one spelling per resource, so "Order" and " order" are not two keys. (Intake
    # also refuses the same signed body twice, whatever its headers: see ``webhooks.deliveries``.)
    resource = (_header(headers, RESOURCE_HEADER) or "").strip().lower() or topic.partition(".")[0] or "unknown"
    resource_id = payload.get("id")
    modified = payload.get("date_modified_gmt")
    if isinstance(modified, str) and modified:
        return f"wc:{resource}:{resource_id}:{modified}:{_state_digest(payload)}"
    event = _header(headers, EVENT_HEADER) or topic.partition(".")[2] or "unknown"
    delivery = _header(headers, DELIVERY_ID_HEADER) or ""
    return f"wc:{resource}:{resource_id}:{event}:{delivery}"


def _state_digest(payload: Mapping[str, Any]) -> str:
    """A short digest of the resource's state: the same for the same body, whatever its key order."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def translate(
    topic: str,
    payload: Mapping[str, Any],
    *,
    shop_address: str,
    map_order: Callable[[Mapping[str, Any]], Order] | None = None,
    own_write: bool = False,
) -> IncomingEvent:
    """``order.*`` -> ``order_changed`` / ``order_deleted``; every other topic -> ``ignored``.

    The order is attached only when the payload holds all we need (no refunds: their line items are not
    in the order payload, so returned quantities would be wrong); otherwise the core fetches it.
    """
    resource_id = str(payload.get("id", ""))
    occurred = parse_gmt(payload.get("date_modified_gmt"))
    data: dict[str, Any] = {"topic": topic, "own_write": own_write}
    if "status" in payload:
        data["status"] = payload["status"]
    if topic == "order.deleted":
        return IncomingEvent(EventKind.ORDER_DELETED, shop_address, resource_id, occurred, data=data)
    if topic in ("order.created", "order.updated", "order.restored"):
        order = None
        if map_order is not None and not payload.get("refunds") and payload.get("line_items") is not None:
            try:
                order = map_order(payload)
            except (ValueError, TypeError):
                order = None  # a hint is still a hint: the core fetches the order
        return IncomingEvent(EventKind.ORDER_CHANGED, shop_address, resource_id, occurred, order=order, data=data)
    return IncomingEvent(EventKind.IGNORED, shop_address, resource_id, occurred, data=data)
