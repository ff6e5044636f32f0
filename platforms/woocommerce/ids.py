"""WooCommerce ids as the REST API takes them."""

from __future__ import annotations

from connector.errors import NotFound


def woo_id(value: str) -> int:
    """Woo ids are positive integers; anything else cannot exist in the shop (so: ``NotFound``)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise NotFound(f"not a WooCommerce id: {value!r}") from None
    if number <= 0:
        raise NotFound(f"not a WooCommerce id: {value!r}")
    return number
