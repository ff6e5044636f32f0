"""The label request for one return: who sends the parcel, where it goes, what is in it, and the words and signed
URL a label drawn by the connector prints.

Why every part comes from what is stored: the request is built again on every attempt (a retry, a worker that
took over), and must name the same parcel each time; only the idempotency key makes the carrier recognise it, the
rest must not drift. The sender is the order's shipping address (the parcel leaves from where it was delivered),
the recipient the warehouse of the shop's carrier settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from connector.carrier_settings import ShopCarrier
from connector.domain.orders import Order
from connector.domain.returns import ReturnRequest
from connector.domain.shipments import Shipment
from connector.domain.shipping import LabelRequest, PackingLine, Parcel, PostalAddress
from connector.errors import ConfigError, PermanentError
from connector.shipping_texts import LabelTexts

DEFAULT_WEIGHT_GRAMS: Final = 1000
"""A parcel's weight when the shop configures none (``options.default_weight_grams``): orders carry no weights,
and a kilogram covers most clothing returns (carriers price by bands and check at the depot)."""


def label_request(
    shipment: Shipment, request: ReturnRequest, order: Order, account: ShopCarrier, texts: LabelTexts, locale: str
) -> LabelRequest:
    """The request a carrier gets for ``shipment``, the key stored with it."""
    options = account.options
    recipient = account.return_address
    if recipient is None:
        raise ConfigError(f"the {account.carrier} carrier of shop {request.shop_id} has no return_address")
    return LabelRequest(
        return_id=request.id,
        idempotency_key=shipment.idempotency_key,
        sender=sender_of(order),
        recipient=recipient,
        parcel=Parcel(weight_grams=_weight(options)),
        method=shipment.method,
        option_code=str(_mapping(options.get("option_codes")).get(shipment.method) or ""),
        service_point_id=shipment.service_point.id if shipment.service_point else None,
        service_point_carrier=(shipment.service_point.carrier or None) if shipment.service_point else None,
        lines=packing_lines(request, order),
        verification_url=texts.verification_url(request.shop_id, request.id),
        wording=texts.wording(locale),
    )


def sender_of(order: Order) -> PostalAddress:
    """Where the parcel leaves from: the order's shipping address, with the order's e-mail when it has none (the
    carrier writes to the customer about the parcel). ``PermanentError`` for an order that shipped nowhere."""
    address = order.shipping_address
    if address is None:
        raise PermanentError(f"order {order.name} has no shipping address: the parcel's sender is unknown")
    if not address.email and order.email:
        return replace(address, email=order.email)
    return address


def packing_lines(request: ReturnRequest, order: Order) -> tuple[PackingLine, ...]:
    """What the customer puts in the parcel, as the order names it (a line the order no longer has: its id)."""
    titles = {line.id: _title(line.title, line.variant_title) for line in order.lines}
    return tuple(PackingLine(titles.get(it.order_line_id, it.order_line_id), it.quantity) for it in request.lines)


def customer_locale(order: Order, shop_locale: str) -> str:
    return (order.customer.locale if order.customer else None) or shop_locale


def _title(title: str, variant: str | None) -> str:
    return f"{title} ({variant})" if variant and variant not in title else title


def _weight(options: Mapping[str, Any]) -> int:
    try:
        return max(1, int(options.get("default_weight_grams") or DEFAULT_WEIGHT_GRAMS))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"default_weight_grams must be a whole number of grams: {exc}") from exc


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
