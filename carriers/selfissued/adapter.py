"""The self-issued carrier: a label the connector draws itself, for merchants without a carrier account.

It does one thing, the label (``LABEL_PDF``), and declares nothing else, so the portal offers neither relay
points nor pickup with it. Nothing follows the parcel: no tracking number, no webhooks, nothing to poll; the
return moves when the merchant scans the label's barcode on receipt. The label is a pure function of the request
(``carriers.selfissued.label``), so asking twice with the same idempotency key gives the same bytes without
storing anything here, and cancelling has nothing to undo.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from carriers.selfissued import qr
from carriers.selfissued.label import draw_label
from connector.domain.shipping import (
    CancelResult,
    CarrierCapability,
    LabelDocument,
    LabelRequest,
    LabelWording,
    PaperSize,
    PickupBooking,
    PickupWindow,
    PostalAddress,
    ReturnLabel,
    ServicePoint,
    ServicePointQuery,
    TrackingEvent,
)
from connector.domain.timeutil import utcnow
from connector.errors import PermanentError

KEY: Final = "self_issued"
CAPABILITIES: Final = frozenset({CarrierCapability.LABEL_PDF})


class SelfIssuedCarrier:
    """``connector.ports.CarrierAdapter`` for labels drawn by the connector. ``clock`` stamps the label's
    ``created_at`` (the PDF itself carries a fixed date, see ``label``)."""

    key: str = KEY
    capabilities: frozenset[CarrierCapability] = CAPABILITIES

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock

    def create_return_label(self, request: LabelRequest, paper_sizes: tuple[PaperSize, ...]) -> ReturnLabel:
        wording = _checked(request)
        sizes = tuple(dict.fromkeys(paper_sizes or (PaperSize.A6,)))
        documents = tuple(LabelDocument(size, draw_label(request, wording, size)) for size in sizes)
        return ReturnLabel(
            carrier=KEY,
            carrier_ref=request.return_id,
            tracking_number="",
            tracking_url="",
            documents=documents,
            created_at=self._clock(),
        )

    def find_service_points(self, query: ServicePointQuery) -> list[ServicePoint]:
        raise _unsupported("relay points")

    def pickup_windows(self, address: PostalAddress, after: datetime) -> list[PickupWindow]:
        return []  # no carrier comes: the portal offers no pickup with this one (no HOME_PICKUP declared)

    def book_pickup(self, carrier_ref: str, address: PostalAddress, window: PickupWindow | None) -> PickupBooking:
        raise _unsupported("home pickup")

    def verify_tracking_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return False  # it sends none: whatever claims to come from it is forged

    def parse_tracking_webhook(self, raw_body: bytes) -> list[TrackingEvent]:
        return []

    def poll_tracking(self, carrier_ref: str) -> list[TrackingEvent]:
        return []  # the merchant's scan on receipt is the only event, and it is the connector's own

    def cancel_label(self, carrier_ref: str) -> CancelResult:
        return CancelResult.CANCELLED  # no carrier was told: an unused printout cancels nothing


def _checked(request: LabelRequest) -> LabelWording:
    """The request's wording, once it holds what this label prints; refused for good otherwise, since asking
    again with the same request cannot help."""
    if request.wording is None:
        raise PermanentError(f"return {request.return_id}: a self-issued label needs its wording")
    parts = urlsplit(request.verification_url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise PermanentError(f"return {request.return_id}: a self-issued label needs an absolute verification URL")
    # The QR code carries the return's number through its URL: one scan must name the return.
    if len(request.verification_url.encode("utf-8")) > qr.CAPACITY:
        raise PermanentError(
            f"return {request.return_id}: the verification URL is longer than the label's QR code holds "
            f"({qr.CAPACITY} bytes)"
        )
    if request.return_id not in request.verification_url:
        raise PermanentError(f"return {request.return_id}: the verification URL does not name the return")
    if not request.return_id.isascii() or not request.return_id.isprintable():
        raise PermanentError(f"return {request.return_id!r}: Code 128 prints ASCII return numbers only")
    return request.wording


def _unsupported(what: str) -> PermanentError:
    return PermanentError(f"the self-issued carrier offers no {what} (capabilities: {sorted(CAPABILITIES)})")
