"""What every part of the WooCommerce adapter stands on: the shop's settings, its raw reads, its writes,
and the order notes and echoes each write leaves.

The adapter is split by idea (``orders``, ``refunds``, ``store_credit``, ``exchanges``) into mixins of one
class, ``WooCommerceAdapter``; this base holds what they all share, so that each needs no other. WooCommerce
has no return object, so the return lifecycle is only notes, and lives here with them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.errors import ConnectorError, OutcomeUnknown, PermanentError
from connector.pages.return_link import ReturnLinkNotes
from platforms.woocommerce.client import WooClient
from platforms.woocommerce.echo import EchoRegistry
from platforms.woocommerce.errors import WooApiError
from platforms.woocommerce.gateways import GatewayRefunds
from platforms.woocommerce.ids import woo_id as _id
from platforms.woocommerce.products import ProductCatalog
from platforms.woocommerce.variations import VariationCatalogue

log = logging.getLogger(__name__)

StoreCreditMode = Literal["fixed_cart", "smart_coupon", "auto"]
WP_FATAL_ERROR: Final = "internal_server_error"
"""The code of WordPress's fatal-error handler answer (HTTP 500): PHP died mid-request."""


class WooAdapterBase:
    """The attributes ``WooCommerceAdapter.__init__`` sets, and the reads and writes every part uses."""

    client: WooClient
    shop_id: str
    shop_address: str
    webhook_secret: str | None
    store_credit_mode: StoreCreditMode
    credit_validity: timedelta
    manual_refund_fallback: bool
    echoes: EchoRegistry
    delivered_meta_keys: tuple[str, ...]
    _clock: Callable[[], datetime]
    _smart_coupons: bool | None
    products: ProductCatalog
    gateways: GatewayRefunds
    variations: VariationCatalogue
    return_link_notes: ReturnLinkNotes | None

    def _order_raw(self, order_id: str) -> dict[str, Any]:
        raw = self.client.get(f"orders/{_id(order_id)}")
        if not isinstance(raw, dict):
            raise PermanentError(f"order {order_id}: unexpected answer")
        return raw

    def _refunds_raw(self, order_id: str) -> list[dict[str, Any]]:
        return [r for r in self.client.paginate(f"orders/{_id(order_id)}/refunds") if isinstance(r, dict)]

    def _remember_echo(self, order_id: str, modified_gmt: Any = None) -> None:
        """Record the order's state after our write; a failure here never fails the write."""
        try:
            if not isinstance(modified_gmt, str):
                fresh = self.client.get(f"orders/{_id(order_id)}", {"_fields": "id,date_modified_gmt"})
                modified_gmt = fresh.get("date_modified_gmt") if isinstance(fresh, dict) else None
            if isinstance(modified_gmt, str):
                self.echoes.remember(str(order_id), modified_gmt)
        except ConnectorError as exc:
            log.info("woocommerce.echo.unknown", extra={"order_id": order_id, "error": str(exc)})

    # -- notes and the local-only return lifecycle --------------------------------------------

    def _post(self, path: str, body: Any) -> Any:
        """A write. WordPress's fatal-error answer (500 ``internal_server_error``, "There has been a critical
        error on this website") means PHP died, possibly after the write was saved: an unknown outcome, to be
        looked for before any retry, not a refusal that fails the action for good."""
        return _written(lambda: self.client.post(path, body))

    def _put(self, path: str, body: Any) -> Any:
        """A replacing write (an order's meta), its failures read as ``_post`` reads them."""
        return _written(lambda: self.client.put(path, body))

    def add_order_note(self, order_id: str, note: str) -> None:
        """A private note (the customer is not emailed): the merchant's history inside WooCommerce."""
        self._post(f"orders/{_id(order_id)}/notes", {"note": note, "customer_note": False})

    def add_return_link_note(self, order: Order) -> str:
        """The portal's "Request a return" link as a customer note: WooCommerce e-mails it to the order's
        billing address and shows it in My Account. The note's id."""
        if self.return_link_notes is None:
            raise PermanentError("this adapter was built without the portal's return links")
        body = {"note": self.return_link_notes.note(order), "customer_note": True}
        created = self._post(f"orders/{_id(order.id)}/notes", body)
        note_id = created.get("id") if isinstance(created, dict) else None
        if note_id is None:
            raise OutcomeUnknown(f"order {order.id}: the note's answer has no id")
        return str(note_id)

    def find_return_link_note(self, order_id: str) -> str | None:
        """The id of a customer note of the order holding our link, or None. The notes endpoint answers every
        note of the order at once (it has no pages)."""
        marker = ReturnLinkNotes.marker(self.shop_id)
        notes = self.client.get(f"orders/{_id(order_id)}/notes", {"type": "customer"})
        for note in notes if isinstance(notes, list) else []:
            if isinstance(note, dict) and note.get("customer_note") and marker in str(note.get("note") or ""):
                return str(note.get("id"))
        return None

    def _note_quietly(self, order_id: str, note: str) -> None:
        try:
            self.add_order_note(order_id, note)
        except ConnectorError as exc:
            log.warning("woocommerce.note.failed", extra={"order_id": order_id, "error": str(exc)})

    def create_return(self, request: ReturnRequest, order: Order) -> str | None:
        units = sum(line.quantity for line in request.lines)
        self._note_quietly(order.id, f"Return {request.id} requested: {units} item(s) (returns connector).")
        return None

    def approve_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} approved.")

    def decline_return(self, request: ReturnRequest, reason: str) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} declined: {reason}")

    def close_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} closed.")

    def cancel_return(self, request: ReturnRequest) -> None:
        self._note_quietly(request.order_id, f"Return {request.id} cancelled.")


def _written(write: Callable[[], Any]) -> Any:
    """Run a write; WordPress's fatal-error answer is an unknown outcome (see ``WooAdapterBase._post``)."""
    try:
        return write()
    except WooApiError as exc:
        if exc.status == 500 and exc.code == WP_FATAL_ERROR:
            raise OutcomeUnknown(str(exc)) from exc
        raise
