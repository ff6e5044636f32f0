"""Sendcloud's tracking webhook: its signature and its events (``openapi/sendcloud-v3-webhooks-openapi.yml``).

Signature, as the description says: header ``Sendcloud-Signature`` = hex HMAC-SHA256 of the request body,
keyed with the integration's Secret Key (or its "Webhook Signature Key"). We sign the raw bytes received,
never a re-serialisation (the doc's Python sample hashes ``json.dumps`` of the data, which equals the raw body
only when Sendcloud serialises the same way; its test vector ``{"key": "value"}``/``secretkey`` →
``1eed4b3d…4b0a`` is checked in the tests). Compared in constant time.

Events: ``parcel_status_changed`` only; the others (``return_created``, ``integration_*``) give none.
Deliveries are retried by Sendcloud and arrive unordered, so each event carries the webhook's ``timestamp``
(the carrier's own ``carrier_status_change_timestamp`` when given) for the core's ordering and dedup.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any, Final

from carriers.sendcloud.mapping import STATUS_IDS, parse_time
from connector.domain.shipping import TrackingEvent
from connector.errors import PermanentError

log = logging.getLogger(__name__)

SIGNATURE_HEADER: Final = "Sendcloud-Signature"


def signature(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify(secret: str, raw_body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the body is signed with ``secret``. Header names are matched case-insensitively."""
    if not secret:
        return False
    given = next((value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER.lower()), "")
    return bool(given) and hmac.compare_digest(given.strip().lower(), signature(secret, raw_body))


def parse(raw_body: bytes) -> list[TrackingEvent]:
    """The tracking events of a verified delivery. The carrier reference is the parcel's id (the webhook names
    no return id); ``tracking_number`` is the key the core matches returns on."""
    try:
        payload: Any = json.loads(raw_body)
    except ValueError as exc:
        raise PermanentError("Sendcloud webhook: the body is not JSON") from exc
    if not isinstance(payload, Mapping) or payload.get("action") != "parcel_status_changed":
        return []
    parcel = payload.get("parcel")
    if not isinstance(parcel, Mapping):
        raise PermanentError("Sendcloud webhook: parcel_status_changed without a parcel")
    status = parcel.get("status") or {}
    status_id = status.get("id") if isinstance(status, Mapping) else None
    mapped = STATUS_IDS.get(status_id) if isinstance(status_id, int) else None
    occurred = parse_time(payload.get("carrier_status_change_timestamp")) or parse_time(payload.get("timestamp"))
    if mapped is None or occurred is None:
        log.info("sendcloud webhook: status %r at %r not followed", status_id, payload.get("timestamp"))
        return []
    return [
        TrackingEvent(
            carrier_ref=str(parcel.get("id", "")),
            tracking_number=str(parcel.get("tracking_number") or ""),
            status=mapped,
            carrier_status=str(status_id),
            occurred_at=occurred,
            message=str(status.get("message") or ""),
        )
    ]
