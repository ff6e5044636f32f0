"""``POST /carriers/<carrier>/tracking/<shop_id>``: a carrier's tracking webhook, verified, stored, answered.

The merchant gives the carrier this address (Sendcloud: the integration's webhook URL), one per shop, so the
delivery names its shop and the shop's own carrier account verifies it: the adapter ``Deps.carrier_for`` builds
checks the signature over the raw body (Sendcloud: ``Sendcloud-Signature``, HMAC-SHA256 with the shop's key)
before anything is parsed. Its events are then stored with one outbox job per shipment, in one transaction
(``connector.services.tracking.record_tracking``), and only then answered 200: an answered event is never lost,
and the worker moves the return. An event for a parcel we do not know is answered 200 too (logged), or the
carrier would send it again for days. Nothing here calls the carrier or a shop, and nothing touches Redis.

Answers: 413 over the webhooks' body limit, 404 for a shop we do not know or whose carrier is not the one the
address names, 401 for a missing or wrong signature, 400 for a body the carrier's parser refuses, 503 when the
database or the shop's carrier account cannot be read (the carrier retries). Never a 500 with a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from connector.bootstrap import Container
from connector.errors import ConfigError, PermanentError
from connector.ports import CarrierAdapter
from connector.services.tracking import record_tracking
from webhooks.intake import STORE_ERRORS, Answer

log = logging.getLogger("connector.webhooks")

UNKNOWN_CARRIER = Answer(404, "unknown_carrier", "this shop has no such carrier account")
MISSING_SIGNATURE = Answer(401, "missing_signature", "the delivery carries no signature header")
INVALID_SIGNATURE = Answer(401, "invalid_signature", "the signature does not match this shop's carrier key")


class TrackingIntake:
    """One per web process, shared by its request threads."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.max_body_bytes = container.config.webhooks.max_body_bytes

    def receive(self, carrier_key: str, shop_id: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        """``body`` is None when it was over the size limit and left unread."""
        if body is None or len(body) > self.max_body_bytes:
            return Answer(413, "too_large", f"bodies are limited to {self.max_body_bytes} bytes")
        try:
            found = self._carrier(carrier_key, shop_id)
            if isinstance(found, Answer):
                return found
            return self._accept(found, shop_id, headers, body)
        except STORE_ERRORS as exc:
            log.error("tracking.store-unavailable", extra={"carrier": carrier_key, "error": type(exc).__name__})
            return Answer(503, "store_unavailable", "the delivery could not be stored; please retry")

    def _carrier(self, carrier_key: str, shop_id: str) -> CarrierAdapter | Answer:
        """The shop's carrier adapter, when it is the carrier the address names."""
        with self.container.uow() as uow:
            shop = uow.shops.find_by_id(shop_id)
            if shop is None or not shop.active:
                return Answer(404, "unknown_shop", "no such shop is connected")
            try:
                carrier = self.container.carrier_for(uow, shop)
            except ConfigError as exc:  # its credentials are not in the environment: nothing to verify with
                log.error("tracking.carrier-unavailable", extra={"shop": shop_id, "error": str(exc)})
                return Answer(503, "carrier_unavailable", "the shop's carrier account cannot be used; please retry")
        if carrier is None or carrier.key != carrier_key:
            log.warning("tracking.unknown-carrier", extra={"shop": shop_id, "carrier": carrier_key})
            return UNKNOWN_CARRIER
        return carrier

    def _accept(self, carrier: CarrierAdapter, shop_id: str, headers: Mapping[str, str], body: bytes) -> Answer:
        if not carrier.verify_tracking_webhook(body, headers):
            signed = any("signature" in name.lower() for name in headers)
            log.warning("tracking.invalid-signature", extra={"shop": shop_id, "carrier": carrier.key,
                                                             "signed": signed})
            return INVALID_SIGNATURE if signed else MISSING_SIGNATURE
        try:
            events = carrier.parse_tracking_webhook(body)
        except PermanentError as exc:
            return Answer(400, "invalid_body", str(exc))
        if not events:
            return Answer(200, "ignored", "no tracking event the connector follows")
        stored = record_tracking(self.container, shop_id, carrier.key, events, "webhook")
        return Answer(200, "accepted", f"{stored} new event(s) of {len(events)}")
