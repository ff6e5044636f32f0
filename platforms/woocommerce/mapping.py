"""WooCommerce REST v3 JSON -> the common model. Pure functions: no I/O, no clock.

Choices worth knowing:

* Money arrives as strings (``"10.00"``) or, for ``price``, as a JSON number that the client decodes as
  ``Decimal``; nothing goes through float.
* ``*_gmt`` dates carry no zone suffix; they are UTC. Non-GMT dates are site time and are ignored.
* Woo stores line ``subtotal``/``total`` **excluding tax** whatever ``prices_include_tax`` says. When the shop
  entered prices with tax we present gross amounts (``taxes_included=True``), otherwise net amounts; both
  give the same ``paid_total`` (``total + total_tax``).
* ``unit_price`` is ``subtotal / quantity`` rounded *up* to the minor unit, and ``discount`` is
  ``unit_price * quantity - total``: the discount is ``subtotal - total`` plus at most a few minor units of
  rounding, so ``paid_total`` is always exactly what Woo charged for the line.
* Core Woo has no fulfilment: a line counts as fulfilled when the order has a completion date or a status in
  ``SHIPPED_STATUSES`` (plugin statuses that only exist after shipping). Unknown statuses are kept as-is.
* Delivery dates come from order meta when a known tracking plugin wrote one (``delivered_at_from_meta``).
* ``quantity_returned`` comes from the order's refunds (``GET orders/<id>/refunds``), which the order payload
  only summarises; pass them in, or the quantities are zero.
* Fee lines are not mapped (they are not returnable goods); shipping includes its tax.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any, Final

from connector.domain.money import Money, minor_units
from connector.domain.orders import Customer, Order, OrderLine
from connector.domain.shipping import PostalAddress
from platforms.woocommerce.markers import LINES_META, meta_value

SHIPPED_STATUSES: Final = frozenset(
    {
        "completed",
        "shipped",
        "delivered",
        "partial-shipped",
        # post-shipping statuses registered by RMA plugins (WP Swings RMA, Flexible Refund):
        "return-requested",
        "return-approved",
        "return-cancelled",
        "exchange-request",
        "refund-request",
    }
)

OWN_DELIVERED_META: Final = "_returns_connector_delivered_at"
"""Set by the merchant's own integration (or by us) as an ISO-8601 UTC timestamp."""
TRACKSHIP_META: Final = "shipment_status"
"""TrackShip / Advanced Shipment Tracking (zorem): a list of ``{status, status_date, ...}`` per tracking
number; ``status == "delivered"`` with ``status_date`` ``"YYYY-MM-DD HH:MM:SS"``. We read ``status_date`` as
UTC (not confirmed: the plugin may write site time)."""
DELIVERED_META_KEYS: Final = (OWN_DELIVERED_META, TRACKSHIP_META)


class MappingError(ValueError):
    """The payload cannot be read as an order (missing id, currency or creation date)."""


# -- scalars ----------------------------------------------------------------------------------


def parse_gmt(value: Any) -> datetime | None:
    """A Woo ``*_gmt`` timestamp as aware UTC; a zone suffix, if any, is honoured. Bad input -> None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def to_decimal(value: Any) -> Decimal:
    if value is None or value == "" or isinstance(value, bool):
        return Decimal(0)
    if isinstance(value, float):  # only if someone decoded JSON without parse_float=Decimal
        raise TypeError("WooCommerce amounts must be decoded as Decimal, not float")
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MappingError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise MappingError(f"not an amount: {value!r}")
    return result


def money(value: Any, currency: str) -> Money:
    return Money(to_decimal(value), currency)


def to_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return default


def _ceil_unit(amount: Decimal, quantity: int, currency: str) -> Decimal:
    if quantity <= 0:
        return amount
    quantum = Decimal(1).scaleb(-minor_units(currency))
    return (amount / quantity).quantize(quantum, rounding=ROUND_CEILING)


# -- meta-derived facts -----------------------------------------------------------------------


def delivered_at_from_meta(meta_data: Any, keys: Sequence[str] = DELIVERED_META_KEYS) -> datetime | None:
    """The delivery time written by a known tracking integration; the latest when several parcels."""
    for key in keys:
        value = meta_value(meta_data, key)
        if value is None:
            continue
        if isinstance(value, str):
            stamp = parse_gmt(value)
            if stamp is not None:
                return stamp
        if isinstance(value, list | Mapping):
            entries = value.values() if isinstance(value, Mapping) else value
            stamps = [
                parse_gmt(entry.get("status_date"))
                for entry in entries
                if isinstance(entry, Mapping) and entry.get("status") == "delivered"
            ]
            found = [s for s in stamps if s is not None]
            # every parcel must be delivered, otherwise the order is not delivered yet
            if found and len(found) == len(list(entries)):
                return max(found)
    return None


def returned_quantities(refunds: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Units refunded per order item id, from full refund objects (not the order's summary).

    Our own refunds carry ``_returns_connector_lines`` with every returned unit, including those sent with
    quantity 0 so as not to restock them; other refunds count their line items' (negative) quantities.
    """
    counts: dict[str, int] = {}
    for refund in refunds:
        ours = meta_value(refund.get("meta_data"), LINES_META)
        if isinstance(ours, str):
            try:
                ours = json.loads(ours)
            except ValueError:
                ours = None
        if isinstance(ours, Mapping):
            for item_id, qty in ours.items():
                counts[str(item_id)] = counts.get(str(item_id), 0) + abs(to_int(qty))
            continue
        for original, item in refunded_items(refund):
            counts[original] = counts.get(original, 0) + abs(to_int(item.get("quantity")))
    return counts


def refunded_items(refund: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """A refund's line items with the order line each refunds (``_refunded_item_id``); others are skipped."""
    for item in refund.get("line_items") or []:
        if not isinstance(item, Mapping):
            continue
        original = meta_value(item.get("meta_data"), "_refunded_item_id")
        if original is not None:
            yield str(original), item


def _refunded_money(summary: Any) -> bool:
    """Whether an entry of the order's ``refunds`` summary gave money back (its ``total`` is negative)."""
    if not isinstance(summary, Mapping):
        return False
    try:
        return Decimal(str(summary.get("total") or "0")) != 0
    except ArithmeticError:
        return True  # unreadable: count it, as a refund was made


def financial_status(raw: Mapping[str, Any]) -> str:
    status = str(raw.get("status") or "")
    if status == "refunded":
        return "refunded"
    if any(_refunded_money(summary) for summary in raw.get("refunds") or ()):
        return "partially_refunded"  # not for a 0.00 refund that only put returned goods back in stock
    if raw.get("date_paid_gmt") or raw.get("date_paid"):
        return "paid"
    return "pending"


def _variant_title(item: Mapping[str, Any]) -> str | None:
    parts = []
    for meta in item.get("meta_data") or []:
        if not isinstance(meta, Mapping):
            continue
        key = str(meta.get("key") or "")
        if key.startswith("_"):
            continue
        shown = meta.get("display_value", meta.get("value"))
        if isinstance(shown, str | int) and str(shown):
            parts.append(str(shown))
    return " / ".join(parts) or None


# -- orders -----------------------------------------------------------------------------------


def line_from_woo(
    item: Mapping[str, Any],
    *,
    currency: str,
    prices_include_tax: bool,
    fulfilled: bool,
    returned: int,
    fulfilled_at: datetime | None,
    delivered_at: datetime | None,
) -> OrderLine:
    quantity = max(0, to_int(item.get("quantity")))
    subtotal = to_decimal(item.get("subtotal"))
    total = to_decimal(item.get("total"))
    tax = to_decimal(item.get("total_tax"))
    if prices_include_tax:
        subtotal += to_decimal(item.get("subtotal_tax"))
        total += tax
    unit = _ceil_unit(max(subtotal, total), quantity, currency)
    discount = Money(unit * max(quantity, 1) - total, currency).clamp_non_negative()
    product_id = to_int(item.get("product_id"))
    variation_id = to_int(item.get("variation_id"))
    item_id = str(item.get("id"))
    return OrderLine(
        id=item_id,
        # A variation's ``name`` is "Product - Blue, L", its attributes also being the variant's title: the
        # product's own name (``parent_name``) keeps them apart, as Shopify's lines do. Simple products have none.
        title=str(item.get("parent_name") or item.get("name") or ""),
        quantity_ordered=quantity,
        quantity_fulfilled=quantity if fulfilled else 0,
        unit_price=Money(unit, currency),
        discount=discount,
        tax=Money(tax, currency),
        quantity_returned=returned,
        taxes_included=prices_include_tax,
        sku=str(item.get("sku")) if item.get("sku") else None,
        product_id=str(product_id) if product_id else None,
        variant_id=str(variation_id or product_id) if (variation_id or product_id) else None,
        variant_title=_variant_title(item),
        platform_ids={
            "item_id": item_id,
            "product_id": str(product_id),
            "variation_id": str(variation_id),
        },
        fulfilled_at=fulfilled_at if fulfilled else None,
        delivered_at=delivered_at if fulfilled else None,
    )


def order_from_woo(
    raw: Mapping[str, Any],
    *,
    shop_id: str,
    refunds: Iterable[Mapping[str, Any]] | None = None,
    delivered_meta_keys: Sequence[str] = DELIVERED_META_KEYS,
    shipped_statuses: frozenset[str] = SHIPPED_STATUSES,
) -> Order:
    """A Woo order (GET ``orders/<id>`` or an ``order.*`` webhook body) as an ``Order``."""
    currency, created = _currency_and_creation(raw)
    status = str(raw.get("status") or "unknown")
    completed = parse_gmt(raw.get("date_completed_gmt"))
    fulfilled = completed is not None or status in shipped_statuses
    delivered = delivered_at_from_meta(raw.get("meta_data"), delivered_meta_keys)
    prices_include_tax = raw.get("prices_include_tax") is True
    refunds = None if refunds is None else list(refunds)
    returned = returned_quantities(refunds or [])
    lines = tuple(
        line_from_woo(
            item,
            currency=currency,
            prices_include_tax=prices_include_tax,
            fulfilled=fulfilled,
            returned=returned.get(str(item.get("id")), 0),
            fulfilled_at=completed,
            delivered_at=delivered,
        )
        for item in raw.get("line_items") or []
        if isinstance(item, Mapping)
    )
    billing = raw.get("billing") if isinstance(raw.get("billing"), Mapping) else {}
    shipping = raw.get("shipping") if isinstance(raw.get("shipping"), Mapping) else {}
    assert isinstance(billing, Mapping) and isinstance(shipping, Mapping)
    email = str(billing.get("email") or "")
    return Order(
        id=str(raw["id"]),
        shop_id=shop_id,
        name=str(raw.get("number") or raw["id"]),
        currency=currency,
        email=email,
        created_at=created,
        lines=lines,
        shipping_total=_shipping_paid(raw, currency),
        customer=_customer(raw, billing),
        updated_at=parse_gmt(raw.get("date_modified_gmt")),
        status=status,
        financial_status=financial_status(raw),
        country=str(shipping.get("country") or billing.get("country") or "") or None,
        shipping_address=_parcel_address(shipping, email),
        gateways=(str(raw["payment_method"]),) if raw.get("payment_method") else (),
        platform_ids={
            "order_key": str(raw.get("order_key") or ""),
            "number": str(raw.get("number") or ""),
            "status": status,
        },
        shipping_refunded=None if refunds is None else shipping_refunded(refunds, currency),
    )


def _currency_and_creation(raw: Mapping[str, Any]) -> tuple[str, datetime]:
    """What an order cannot go without (an id, its currency, when it was made): missing, it is refused."""
    if raw.get("id") is None:
        raise MappingError("order without id")
    currency = str(raw.get("currency") or "").upper()
    if len(currency) != 3:
        raise MappingError(f"order {raw.get('id')}: no currency")
    created = parse_gmt(raw.get("date_created_gmt"))
    if created is None:
        raise MappingError(f"order {raw.get('id')}: no date_created_gmt")
    return currency, created


def _shipping_paid(raw: Mapping[str, Any], currency: str) -> Money:
    """What the customer paid for shipping, tax included: the figure a shipping refund is capped by."""
    return Money.sum(
        (
            money(line.get("total"), currency) + money(line.get("total_tax"), currency)
            for line in raw.get("shipping_lines") or []
            if isinstance(line, Mapping)
        ),
        currency,
    )


def _parcel_address(shipping: Mapping[str, Any], email: str) -> PostalAddress | None:
    """The order's ``shipping`` block, where a return parcel comes from; None without a street, postcode and city
    (a virtual or downloadable order has no shipping address)."""
    fields = {key: str(shipping.get(key) or "").strip() for key in (
        "first_name", "last_name", "company", "address_1", "address_2", "city", "postcode", "country", "phone")}
    if not (fields["address_1"] and fields["postcode"] and fields["city"]):
        return None
    return PostalAddress(
        name=f"{fields['first_name']} {fields['last_name']}".strip() or fields["company"],
        street=", ".join(part for part in (fields["address_1"], fields["address_2"]) if part),
        postal_code=fields["postcode"], city=fields["city"], country=fields["country"].upper(),
        company=fields["company"], email=email, phone=fields["phone"],
    )


def _customer(raw: Mapping[str, Any], billing: Mapping[str, Any]) -> Customer:
    """The buyer from the billing details; a guest checkout has no customer id."""
    customer_id = to_int(raw.get("customer_id"))
    return Customer(
        id=str(customer_id) if customer_id else None,
        email=str(billing.get("email") or ""),
        first_name=str(billing.get("first_name") or ""),
        last_name=str(billing.get("last_name") or ""),
    )


def shipping_refunded(refunds: Iterable[Mapping[str, Any]], currency: str) -> Money:
    """Shipping (with its tax) the order's refunds gave back, by anyone: a refund object lists the shipping
    lines it refunds with negative ``total`` and ``total_tax`` (the order's summary of refunds does not)."""
    return Money.sum(
        (
            -(money(line.get("total"), currency) + money(line.get("total_tax"), currency))
            for refund in refunds
            for line in refund.get("shipping_lines") or ()
            if isinstance(line, Mapping)
        ),
        currency,
    )
