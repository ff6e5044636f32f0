"""The Shopify adapter's return shipping: the label and tracking of a return's parcel, attached the documented way
(``reverseDeliveryCreateWithShipping``, https://shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/
manage-reverse-deliveries) so the merchant sees them on the return in the Shopify admin.

A reverse delivery belongs to one reverse fulfillment order, and a return has one per location it goes back to:
the parcel is attached to each OPEN one, with every line (the empty line list) and ``notifyCustomer: false`` (the
connector e-mails the customer the label itself). Shopify takes no idempotency key here, so the tracking number
is what a retry looks for: ``find_return_shipping`` answers a delivery only once every open reverse fulfillment
order has one, and ``attach_return_shipping`` skips those that do, so a half-done attachment is completed, never
doubled. A self-issued label has no tracking number: then a delivery with a label and no tracking number is ours
(our signed label link differs from one attempt to the next, and Shopify may keep its own copy of the file).

The return must exist at Shopify (``platform_return_id``): without it there is nothing to attach to, and the
attachment fails for good (``PermanentError``) rather than writing the parcel somewhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.shipments import ShippingAttachment
from connector.errors import PermanentError
from platforms.shopify import mapping
from platforms.shopify import reverse_delivery_queries as rdq
from platforms.shopify.adapter.base import ShopifyAdapterBase

OPEN = "OPEN"


class ReverseDeliveries(ShopifyAdapterBase):
    """``AttachesReturnShipping`` for Shopify."""

    def attach_return_shipping(self, attachment: ShippingAttachment) -> str:
        """A reverse delivery on each open reverse fulfillment order lacking one; the first one's GID."""
        rfos = self._reverse_fulfillment_orders(attachment)
        open_rfos = [rfo for rfo in rfos if rfo.get("status") == OPEN]
        if not open_rfos:
            raise PermanentError(
                f"return {attachment.return_id}: Shopify return {attachment.platform_return_id} has no open reverse "
                "fulfillment order to attach the parcel to (not approved yet, or already closed)"
            )
        ids = []
        for rfo in open_rfos:
            found = _matching_delivery(rfo, attachment)
            ids.append(found if found is not None else self._create_delivery(str(rfo["id"]), attachment))
        return ids[0]

    def find_return_shipping(self, attachment: ShippingAttachment) -> str | None:
        """The GID of the parcel's reverse delivery when every open reverse fulfillment order has one (a closed
        return keeps what it had), else None: ``attach_return_shipping`` then completes what is missing."""
        rfos = self._reverse_fulfillment_orders(attachment)
        found = [_matching_delivery(rfo, attachment) for rfo in rfos]
        if any(rfo.get("status") == OPEN and match is None for rfo, match in zip(rfos, found, strict=True)):
            return None
        return next((match for match in found if match is not None), None)

    def _reverse_fulfillment_orders(self, attachment: ShippingAttachment) -> list[Mapping[str, Any]]:
        if not attachment.platform_return_id:
            raise PermanentError(
                f"return {attachment.return_id} does not exist at Shopify (no Shopify return id): there is no "
                "return to attach the reverse delivery to"
            )
        node = self._return_node(attachment.platform_return_id, rdq.RETURN_REVERSE_DELIVERIES)
        return mapping.nodes_of(node.get("reverseFulfillmentOrders"))

    def _create_delivery(self, rfo_id: str, attachment: ShippingAttachment) -> str:
        payload = self.client.mutate(
            rdq.REVERSE_DELIVERY_CREATE,
            reverse_delivery_variables(rfo_id, attachment),
            payload_key="reverseDeliveryCreateWithShipping",
        )
        delivery = payload.get("reverseDelivery") or {}
        if not delivery.get("id"):
            raise PermanentError("reverseDeliveryCreateWithShipping: no reverse delivery in the answer")
        return str(delivery["id"])


def reverse_delivery_variables(rfo_id: str, attachment: ShippingAttachment) -> dict[str, Any]:
    """The mutation's arguments: every line of the reverse fulfillment order (the empty list), the tracking
    number and URL when the carrier gave them, our signed label link, and no e-mail from Shopify."""
    variables: dict[str, Any] = {
        "reverseFulfillmentOrderId": rfo_id,
        "reverseDeliveryLineItems": [],
        "notifyCustomer": False,
    }
    tracking = {"number": attachment.tracking_number, "url": attachment.tracking_url}
    tracking = {key: value for key, value in tracking.items() if value}
    if tracking:
        variables["trackingInput"] = tracking
    if attachment.label_url:
        variables["labelInput"] = {"fileUrl": attachment.label_url}
    return variables


def _matching_delivery(rfo: Mapping[str, Any], attachment: ShippingAttachment) -> str | None:
    """The id of the reverse fulfillment order's delivery for this parcel, or None."""
    for delivery in mapping.nodes_of(rfo.get("reverseDeliveries")):
        shipping = delivery.get("deliverable") or {}
        number = str((shipping.get("tracking") or {}).get("number") or "")
        if attachment.tracking_number:
            if _same_number(number, attachment.tracking_number):
                return str(delivery["id"])
        elif not number and shipping.get("label"):
            return str(delivery["id"])
    return None


def _same_number(a: str, b: str) -> bool:
    """Tracking numbers as carriers print them: spaces and letter case carry no meaning."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()
