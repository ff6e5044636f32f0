"""``connector.ports.CarrierAdapter`` for Sendcloud's Returns API v3.

A label, step by step (v3 returns, ``sc-public-v3-scp-post-returns_create_new_return``):

1. ``POST /v3/returns`` with ``external_reference`` = our idempotency key and ``order_number`` = the return's
   number. It answers ``201 {return_id, parcel_id}`` at once and announces to the carrier later, so the
   ``ReturnLabel`` comes back with ``carrier_ref`` = the return id even when the label is not ready yet (no
   documents, no tracking number): the caller stores that id at once and asks ``complete_label`` later.
2. ``GET /v3/returns/{id}`` a few times (``announce_polls``): once ``label`` is set, the PDFs are fetched from
   ``GET /v3/parcels/{parcel_id}/documents/label?paper_size=A6|A4`` and, for labelless returns, the QR from
   ``GET /v2/parcels/{parcel_id}/documents/qr`` (the ``qr`` type is described in v2 only; carriers.md marks it
   unconfirmed for v3 returns: a 404 leaves ``qr_png`` empty).

Never two labels: a write whose answer was lost (``OutcomeUnknown``) is not sent again blindly. The adapter
first looks for the return (``find_return``); Sendcloud itself refuses a second return with the same
``external_reference`` ("External reference has already been used in another return."), without saying which
it is, so a refusal of that kind also leads to the look-up.

Where the descriptions and carriers.md disagree (the descriptions win): the v3 list ``GET /v3/returns`` takes
no ``external_reference`` filter and its Return object describes neither ``id`` nor ``external_reference``.
So the look-up lists the returns created in a window (``from_date``/``to_date``, both required) and matches
``external_reference`` when the object carries it, else ``order_number`` (our return number, unique per
return); the return's id is read from ``id`` when present. When no id can be had, the outcome stays
``OutcomeUnknown``: the job retries later or an agent looks, and no second label is made.

Pickup: the descriptions have no pickup booking for returns; a return is collected when created with
``delivery_option: "pickup"`` and a shipping option with the ``pick_up`` functionality, on a day the carrier
chooses. So ``HOME_PICKUP`` is declared only when the shop configures a ``pickup_option_code``, and
``book_pickup`` confirms the return was made for pickup (window None); the windows a customer picks from are the
shop's configured promise (``pickup``). Likewise ``QR_LABELLESS`` needs a
``labelless_option_code`` (``delivery_option: "drop_off_labelless"``).

Relay points: the ``CreateReturn`` body has no service point field, so the point the customer chose is where they
drop the parcel, and the label must be one that point takes: the shipping option of the point's own network
(``carriers.sendcloud.relay``: ``relay_option_codes`` per network, else the single relay option for its own
network). The search asks only for those networks, and a point of another network gets no label
(``PermanentError`` naming it). The point's network comes with the request (``service_point_carrier``, as the
search listed it), else from ``GET /v3/service-points/{id}``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from carriers.sendcloud import mapping, webhooks
from carriers.sendcloud.client import SendcloudClient
from carriers.sendcloud.errors import is_duplicate_reference
from carriers.sendcloud.relay import RelayOption
from carriers.sendcloud.settings import KEY, SendcloudSettings
from connector.domain.shipping import (
    CancelResult,
    CarrierCapability,
    LabelDocument,
    LabelRequest,
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
from connector.errors import NotFound, OutcomeUnknown, PermanentError, RetryableError

log = logging.getLogger(__name__)

METHOD_OPTIONS: Final = {
    "prepaid_label": "drop_off_point",
    "relay_point": "drop_off_point",
    "home_pickup": "pickup",
}
LIST_DATE_FORMAT: Final = "%Y-%m-%d %H:%M:%S"  # the v3 list's from_date/to_date example: '2022-04-06 00:00:00'


class SendcloudCarrier:
    """One shop's Sendcloud account. ``webhook_secret`` is the Secret Key or the "Webhook Signature Key"."""

    key: str = KEY

    def __init__(
        self,
        client: SendcloudClient,
        settings: SendcloudSettings,
        webhook_secret: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._settings = settings
        self._webhook_secret = webhook_secret
        self._clock = clock
        self._sleep = sleep
        self.capabilities: frozenset[CarrierCapability] = settings.capabilities()

    # -- labels ------------------------------------------------------------------------------------------

    def create_return_label(self, request: LabelRequest, paper_sizes: tuple[PaperSize, ...]) -> ReturnLabel:
        body = self.return_body(request)
        started = self._clock()
        try:
            answer = self._client.request("POST", "/v3/returns", json=body, what="create a return", ok=(201,))
        except OutcomeUnknown:
            found = self.find_return(request, since=started - timedelta(minutes=5))
            if found is None:
                raise
            return_id = found
        except PermanentError as exc:
            if not is_duplicate_reference(str(exc)):
                raise
            found = self.find_return(request, since=started - self._settings.lookup_window)
            if found is None:
                raise OutcomeUnknown(
                    f"Sendcloud: return {request.return_id} exists (external_reference taken) but is not listed yet"
                ) from exc
            return_id = found
        else:
            return_id = str(answer.body["return_id"])
        try:
            return self.complete_label(return_id, paper_sizes, polls=self._settings.announce_polls)
        except RetryableError as exc:
            # The return exists: its id goes back now, to be stored, and the label is completed later.
            log.warning("sendcloud return %s made, its label not read yet: %s", return_id, exc)
            return ReturnLabel(carrier=KEY, carrier_ref=return_id, tracking_number="", tracking_url="",
                               created_at=self._clock())

    def return_body(self, request: LabelRequest) -> dict[str, Any]:
        """The ``CreateReturn`` body (v3 returns requestBodies) for a request."""
        option, delivery = self._option_for(request)
        ship_with: dict[str, Any] = {"type": "shipping_option_code", "shipping_option_code": option}
        if self._settings.contract is not None:
            ship_with["contract"] = self._settings.contract
        body: dict[str, Any] = {
            "from_address": mapping.address(request.sender),
            "to_address": mapping.address(request.recipient),
            "ship_with": ship_with,
            "weight": {"value": max(1, request.parcel.weight_grams), "unit": "g"},
            "order_number": request.return_id,
            "external_reference": request.idempotency_key,
            "delivery_option": delivery,
            "send_tracking_emails": False,
        }
        parcel = request.parcel
        if parcel.length_cm and parcel.width_cm and parcel.height_cm:
            body["dimensions"] = {
                "length": parcel.length_cm, "width": parcel.width_cm, "height": parcel.height_cm, "unit": "cm"
            }
        if parcel.declared_value is not None:
            body["total_order_value"] = {
                "value": float(parcel.declared_value.amount), "currency": parcel.declared_value.currency
            }
        if request.lines:
            body["parcel_items"] = [
                {"description": line.title[:255], "quantity": line.quantity} for line in request.lines
            ]
        if self._settings.brand_id is not None:
            body["brand_id"] = self._settings.brand_id
        return body

    def _option_for(self, request: LabelRequest) -> tuple[str, str]:
        """(shipping_option_code, delivery_option) for the request's return method."""
        settings = self._settings
        if request.method == "home_pickup":
            if not settings.pickup_option_code:
                raise PermanentError("Sendcloud: this shop has no pickup_option_code: home pickup is not offered")
            return request.option_code or settings.pickup_option_code, "pickup"
        if request.method == "relay_point":
            chosen = self.relay_option(request)
            return chosen.code, chosen.delivery_option
        if request.method not in METHOD_OPTIONS:
            raise PermanentError(f"Sendcloud makes no label for the return method {request.method!r}")
        option = request.option_code or settings.option_code
        if not option:
            raise PermanentError("Sendcloud: no shipping option code configured (option_code)")
        return option, METHOD_OPTIONS[request.method]

    def relay_option(self, request: LabelRequest) -> RelayOption:
        """The option of the chosen point's network (``carriers.sendcloud.relay``): a point takes only its own
        network's parcels; ``PermanentError`` naming the network when the shop has no option for it."""
        return self._settings.relay.option_for(
            self._point_network(request), request.option_code, point=request.service_point_id or ""
        )

    def _point_network(self, request: LabelRequest) -> str | None:
        """The chosen point's network: as the request carries it, else as Sendcloud describes the point."""
        if request.service_point_carrier:
            return request.service_point_carrier
        if not request.service_point_id:
            return None
        return self.service_point(request.service_point_id).carrier

    def complete_label(self, carrier_ref: str, paper_sizes: tuple[PaperSize, ...], polls: int = 1) -> ReturnLabel:
        """The label of a return already made: its PDFs (and QR) once announced, else the pending label."""
        details = self._return(carrier_ref)
        for _ in range(max(0, polls - 1)):
            if details.get("label") or details.get("errors"):
                break
            self._sleep(self._settings.announce_wait_s)
            details = self._return(carrier_ref)
        if details.get("errors"):
            raise PermanentError(f"Sendcloud return {carrier_ref}: announcement failed: {details['errors']}")
        return self._label(carrier_ref, details, paper_sizes)

    def _label(self, carrier_ref: str, details: Mapping[str, Any], sizes: tuple[PaperSize, ...]) -> ReturnLabel:
        label = details.get("label") or {}
        parcel_id = mapping.parcel_id(label)
        documents: tuple[LabelDocument, ...] = ()
        qr_png = None
        if parcel_id is not None:
            documents = tuple(
                LabelDocument(size, self._document(parcel_id, size)) for size in dict.fromkeys(sizes or (PaperSize.A6,))
            )
            if details.get("delivery_option") == "drop_off_labelless":
                qr_png = self._qr(parcel_id)
        cost = details.get("label_cost")
        return ReturnLabel(
            carrier=KEY,
            carrier_ref=carrier_ref,
            tracking_number=str(details.get("tracking_number") or ""),
            tracking_url=str(details.get("tracking_url") or ""),
            documents=documents,
            qr_png=qr_png,
            price=mapping.label_cost(cost),
            created_at=mapping.parse_time(details.get("created_at")) or self._clock(),
        )

    def _document(self, parcel_id: str, size: PaperSize) -> bytes:
        answer = self._client.request(
            "GET",
            f"/v3/parcels/{parcel_id}/documents/label",
            params={"paper_size": size.value},
            headers={"Accept": "application/pdf"},
            what=f"label {size.value} of parcel {parcel_id}",
        )
        if not answer.content.startswith(b"%PDF"):
            raise PermanentError(f"Sendcloud label of parcel {parcel_id}: not a PDF ({answer.content_type})")
        return answer.content

    def _qr(self, parcel_id: str) -> bytes | None:
        try:
            answer = self._client.request(
                "GET", f"/v2/parcels/{parcel_id}/documents/qr", headers={"Accept": "image/png"},
                what=f"QR code of parcel {parcel_id}",
            )
        except NotFound:
            return None
        return answer.content

    def _return(self, carrier_ref: str) -> Mapping[str, Any]:
        answer = self._client.request("GET", f"/v3/returns/{int(carrier_ref)}", what=f"return {carrier_ref}")
        if not isinstance(answer.body, Mapping):
            raise PermanentError(f"Sendcloud return {carrier_ref}: the answer is not a Return object")
        return answer.body

    # -- finding a return made before -----------------------------------------------------------------------

    def find_return(self, request: LabelRequest, since: datetime) -> str | None:
        """The id of the return made for ``request`` since ``since``, found by its ``external_reference`` (or,
        as the list describes no such field, its ``order_number``); None when none is listed."""
        for item in self._returns_since(since):
            reference = item.get("external_reference")
            if reference is not None and reference != request.idempotency_key:
                continue
            if reference is None and item.get("order_number") != request.return_id:
                continue
            if item.get("id") is None:
                raise OutcomeUnknown(f"Sendcloud: return {request.return_id} is listed without its id")
            return str(item["id"])
        return None

    def _returns_since(self, since: datetime) -> Iterator[Mapping[str, Any]]:
        params: dict[str, str | int | float | bool | list[str]] = {
            "from_date": since.strftime(LIST_DATE_FORMAT),
            "to_date": (self._clock() + timedelta(minutes=5)).strftime(LIST_DATE_FORMAT),
            "page_size": 40,
        }
        for _ in range(50):  # 2,000 returns at most: a window that large is an agent's job
            answer = self._client.request("GET", "/v3/returns", params=params, what="list returns")
            body = answer.body if isinstance(answer.body, Mapping) else {}
            yield from (item for item in body.get("data") or [] if isinstance(item, Mapping))
            cursor = parse_qs(urlsplit(str(body.get("next") or "")).query).get("cursor")
            if not cursor:
                return
            params["cursor"] = cursor[0]  # our base URL, never the host the link names

    # -- relay points, pickup, tracking, cancel ---------------------------------------------------------

    def find_service_points(self, query: ServicePointQuery) -> list[ServicePoint]:
        """Points near the query's reference point; when it names no carrier, those of the networks the shop
        ships relay returns with, and only those (Sendcloud may answer a superseded carrier's points under
        another code: they are left out and logged, as no label would be made for them)."""
        networks = self._settings.relay.networks
        if not query.carriers and not networks:
            return []
        asked = query if query.carriers else replace(query, carriers=networks)
        answer = self._client.request(
            "GET", "/v3/service-points", params=mapping.service_point_params(asked), what="service points"
        )
        data = (answer.body or {}).get("data") or {}
        points = [mapping.service_point(item) for item in data.get("results") or [] if not item.get("is_expired")]
        if not query.carriers:
            others = sorted({point.carrier for point in points} - set(networks))
            if others:
                log.warning("sendcloud service points of %s left out: no relay option for them", ", ".join(others))
            points = [point for point in points if point.carrier in networks]
        return sorted(points, key=lambda point: (point.distance_m is None, point.distance_m or 0))[: query.limit]

    def service_point(self, service_point_id: str) -> ServicePoint:
        """One point by its id (``GET /v3/service-points/{id}``), expired or not; ``PermanentError`` when
        Sendcloud knows no such point."""
        if not service_point_id.isdigit():
            raise PermanentError(f"Sendcloud: {service_point_id!r} is not a service point id")
        try:
            answer = self._client.request(
                "GET", f"/v3/service-points/{int(service_point_id)}", what=f"service point {service_point_id}"
            )
        except NotFound as exc:
            raise PermanentError(f"Sendcloud knows no service point {service_point_id}: {exc}") from exc
        data = (answer.body or {}).get("data") if isinstance(answer.body, Mapping) else None
        if not isinstance(data, Mapping):
            raise PermanentError(f"Sendcloud service point {service_point_id}: the answer has no data")
        return mapping.service_point(data)

    def service_point_available(self, service_point_id: str) -> bool:
        """Whether a point chosen earlier still takes parcels (``POST /v3/service-points/{id}/check-availability``,
        live with some carriers): search results may include points no longer available."""
        answer = self._client.request(
            "POST", f"/v3/service-points/{int(service_point_id)}/check-availability",
            what=f"availability of service point {service_point_id}",
        )
        data = (answer.body or {}).get("data") or {}
        return data.get("is_available") is True

    def pickup_windows(self, address: PostalAddress, after: datetime) -> list[PickupWindow]:
        """The shop's configured windows (``carriers.sendcloud.pickup``), the same for every address."""
        if CarrierCapability.HOME_PICKUP not in self.capabilities:
            return []
        return self._settings.pickup.windows(after)

    def book_pickup(self, carrier_ref: str, address: PostalAddress, window: PickupWindow | None) -> PickupBooking:
        if CarrierCapability.HOME_PICKUP not in self.capabilities:
            raise PermanentError("Sendcloud: home pickup is not configured for this shop (pickup_option_code)")
        details = self._return(carrier_ref)
        if details.get("delivery_option") != "pickup":
            raise PermanentError(f"Sendcloud return {carrier_ref} was not made for pickup: make it with home_pickup")
        return PickupBooking(carrier_ref=carrier_ref, window=None, confirmation=f"sendcloud return {carrier_ref}")

    def verify_tracking_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return webhooks.verify(self._webhook_secret, raw_body, headers)

    def parse_tracking_webhook(self, raw_body: bytes) -> list[TrackingEvent]:
        return webhooks.parse(raw_body)

    def poll_tracking(self, carrier_ref: str) -> list[TrackingEvent]:
        """The return's ``status_history`` (v3 returns, Retrieve a return), oldest first."""
        details = self._return(carrier_ref)
        events: list[TrackingEvent] = []
        for entry in details.get("status_history") or []:
            status = mapping.PARENT_STATUSES.get(mapping.slug(str(entry.get("parent_status") or "")))
            occurred = mapping.parse_time(entry.get("carrier_update_timestamp"))
            if status is None or occurred is None:
                continue
            events.append(
                TrackingEvent(
                    carrier_ref=carrier_ref,
                    tracking_number=str(details.get("tracking_number") or ""),
                    status=status,
                    carrier_status=mapping.slug(str(entry.get("parent_status"))),
                    occurred_at=occurred,
                    message=str(entry.get("carrier_message") or ""),
                )
            )
        return sorted(events, key=lambda event: event.occurred_at)

    def cancel_label(self, carrier_ref: str) -> CancelResult:
        """``PATCH /v3/returns/{id}/cancel``: 202 is only a request (confirmed later by the parent status)."""
        answer = self._client.request(
            "PATCH", f"/v3/returns/{int(carrier_ref)}/cancel", what=f"cancel return {carrier_ref}", ok=(202, 409)
        )
        return CancelResult.NOT_CANCELLABLE if answer.status == 409 else CancelResult.REQUESTED

