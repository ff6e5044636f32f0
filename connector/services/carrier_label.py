"""Making one return's label with its carrier, and keeping what the carrier answers at once.

Why the reference first, the documents with it: the carrier's id for the return is what finds the label again
(to complete it, track it, cancel it), so it is stored in the transaction right after the answer, before
anything else can fail. A label without documents yet (Sendcloud answers before the carrier announced it) is
completed from that reference later: by ``complete_label`` when the carrier offers it (``CompletesLabels``),
else by asking again with the same idempotency key, which the port promises gives the same label.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from connector.carrier_settings import ShopCarrier
from connector.domain.orders import Order, Shop
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import PaperSize, ReturnLabel, TrackingStatus
from connector.errors import ConfigError
from connector.ports import CarrierAdapter, CompletesLabels
from connector.services.carrier_state import required_texts, store_shipment
from connector.services.deps import Deps
from connector.services.label_request import customer_locale, label_request
from connector.store.shipments_repo import PDF, QR_PNG

log = logging.getLogger("connector.labels")
PAPER_SIZES: Final = (PaperSize.A6, PaperSize.A4)
"""A6 for label printers (the link's default), A4 for home printers."""


def label_done(deps: Deps, shipment: Shipment) -> bool:
    """Whether the carrier's label is stored: its reference and a PDF, or the QR code of a labelless return."""
    if shipment.carrier_ref is None:
        return False
    if shipment.paper_sizes:
        return True
    with deps.uow() as uow:
        return uow.shipments(shipment.shop_id).document(shipment.id, QR_PNG, "") is not None


def make_label(
    deps: Deps,
    shop: Shop,
    shipment: Shipment,
    carrier: CarrierAdapter,
    request: ReturnRequest,
    read_order: Callable[[], Order],
) -> Shipment:
    """Ask the carrier for the label (or the documents of one it made) and store what it answers; the shipment
    as stored after."""
    if shipment.carrier_ref is not None and isinstance(carrier, CompletesLabels):
        label = carrier.complete_label(shipment.carrier_ref, PAPER_SIZES)
    else:
        order = read_order()
        asked = label_request(shipment, request, order, _account(deps, shop), required_texts(deps),
                              customer_locale(order, shop.locale))  # fmt: skip
        label = carrier.create_return_label(asked, PAPER_SIZES)
    return keep_label(deps, shop.id, shipment.id, label)


def keep_label(deps: Deps, shop_id: str, shipment_id: str, label: ReturnLabel) -> Shipment:
    """The carrier's answer on the shipment: its reference, tracking and documents, in one transaction."""
    at = deps.clock()

    def keep(shipment: Shipment) -> None:
        if shipment.carrier_ref not in (None, label.carrier_ref):
            log.warning("labels.reference-changed", extra={"shipment": shipment.id, "kept": shipment.carrier_ref})
        shipment.carrier_ref = shipment.carrier_ref or label.carrier_ref
        shipment.tracking_number = label.tracking_number or shipment.tracking_number
        shipment.tracking_url = label.tracking_url or shipment.tracking_url
        if (label.documents or label.qr_png) and shipment.status is TrackingStatus.LABEL_PENDING:
            shipment.status = TrackingStatus.AWAITING_DROPOFF

    stored = store_shipment(deps, shop_id, shipment_id, keep)
    if label.documents or label.qr_png:
        with deps.uow() as uow:
            repo = uow.shipments(shop_id)
            for document in label.documents:
                repo.put_document(shipment_id, PDF, document.paper_size.value, document.pdf, at)
            if label.qr_png:
                repo.put_document(shipment_id, QR_PNG, "", label.qr_png, at)
            uow.commit()
            stored = repo.get(shipment_id) or stored
    return stored


def _account(deps: Deps, shop: Shop) -> ShopCarrier:
    with deps.uow() as uow:
        account = uow.carriers(shop.id).get()
    if account is None:
        raise ConfigError(f"shop {shop.id} has no carrier configured any more")
    return account
