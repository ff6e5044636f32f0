"""The WooCommerce adapter's return shipping: a return parcel's carrier, tracking and label link, shown in the
shop's admin as a private order note, and kept as order meta for other plugins and for our retries.

WooCommerce has no return object and no shipment object, so the order carries both (woocommerce.md §1, §8):

* the note, ``POST orders/<id>/notes {note, customer_note: false}``: private, so WooCommerce e-mails nobody (the
  connector sends the customer the label itself); it names the return, carrier, tracking number and URL and the
  label link, and ends with our marker ``[rc-ship:<return>:<tracking>]`` (``markers.shipping_marker``);
* the meta, ``PUT orders/<id> {meta_data: [{key, value}]}``: key ``_returns_connector_tracking_<return id>``
  (``markers.TRACKING_META_PREFIX``), value ``{return_id, carrier, tracking_number, tracking_url, label_url,
  method, note_id}``. Written without a row id, WooCommerce replaces the key's value, so a rewrite is harmless.

Nothing here takes an idempotency key. The note is written first and the meta, naming the note, last: so
``find_return_shipping`` answers only a complete attachment (the meta, for this tracking number), and
``attach_return_shipping`` reuses a note of ours already on the order, so a retry after a lost answer or a crash
between the two writes completes the attachment and never writes a second note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.shipments import ShippingAttachment
from connector.errors import OutcomeUnknown, PermanentError
from platforms.woocommerce import markers
from platforms.woocommerce.adapter.base import WooAdapterBase
from platforms.woocommerce.ids import woo_id as _id


class ReturnShipping(WooAdapterBase):
    """``AttachesReturnShipping`` for WooCommerce."""

    def attach_return_shipping(self, attachment: ShippingAttachment) -> str:
        """The note (ours already there, else a new one) then the meta naming it; answers the note's id."""
        note_id = self._shipping_note(attachment) or self._write_shipping_note(attachment)
        value = {**shipping_meta_value(attachment), "note_id": note_id}
        body = {"meta_data": [{"key": tracking_meta_key(attachment.return_id), "value": value}]}
        updated = self._put(f"orders/{_id(attachment.order_id)}", body)
        self._remember_echo(
            attachment.order_id, updated.get("date_modified_gmt") if isinstance(updated, dict) else None
        )
        return note_id

    def find_return_shipping(self, attachment: ShippingAttachment) -> str | None:
        """The note id the order's meta holds for this return's parcel (same tracking number), else None."""
        raw = self.client.get(f"orders/{_id(attachment.order_id)}", {"_fields": "id,meta_data"})
        meta = raw.get("meta_data") if isinstance(raw, dict) else None
        value = markers.meta_value(meta, tracking_meta_key(attachment.return_id))
        if not isinstance(value, Mapping) or not value.get("note_id"):
            return None
        same = markers.compact_number(str(value.get("tracking_number") or ""))
        return str(value["note_id"]) if same == markers.compact_number(attachment.tracking_number) else None

    def _shipping_note(self, attachment: ShippingAttachment) -> str | None:
        """A private note of ours for this parcel already on the order (the notes endpoint has no pages)."""
        marker = markers.shipping_marker(attachment.return_id, attachment.tracking_number)
        notes = self.client.get(f"orders/{_id(attachment.order_id)}/notes", {"type": "internal"})
        for note in notes if isinstance(notes, list) else []:
            if isinstance(note, dict) and marker in str(note.get("note") or "") and note.get("id") is not None:
                return str(note["id"])
        return None

    def _write_shipping_note(self, attachment: ShippingAttachment) -> str:
        body = {"note": shipping_note(attachment), "customer_note": False}
        created = self._post(f"orders/{_id(attachment.order_id)}/notes", body)
        note_id = created.get("id") if isinstance(created, dict) else None
        if note_id is None:
            raise OutcomeUnknown(f"order {attachment.order_id}: the note's answer has no id")
        return str(note_id)


def tracking_meta_key(return_id: str) -> str:
    if not return_id:
        raise PermanentError("a return parcel needs its return's id")
    return markers.TRACKING_META_PREFIX + return_id


def shipping_meta_value(attachment: ShippingAttachment) -> dict[str, Any]:
    return {
        "return_id": attachment.return_id,
        "carrier": attachment.carrier,
        "tracking_number": attachment.tracking_number,
        "tracking_url": attachment.tracking_url,
        "label_url": attachment.label_url,
        "method": attachment.method,
    }


def shipping_note(attachment: ShippingAttachment) -> str:
    """The merchant's view of the parcel, one fact a line (WooCommerce shows a note's line breaks)."""
    lines = [f"Return {attachment.return_id}: return parcel with {attachment.carrier or 'no carrier'}."]
    if attachment.tracking_number:
        lines.append(f"Tracking number: {attachment.tracking_number}")
    else:
        lines.append("No tracking: the parcel is checked in when it arrives.")
    if attachment.tracking_url:
        lines.append(f"Tracking: {attachment.tracking_url}")
    if attachment.label_url:
        lines.append(f"Label: {attachment.label_url}")
    lines.append(markers.shipping_marker(attachment.return_id, attachment.tracking_number))
    return "\n".join(lines)
