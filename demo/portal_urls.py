"""The customer portal's addresses the demo prints for each shop, for a person to walk through a return in a
browser while the demo runs: the portal with an order number and e-mail to find, the shop's return policy,
and on Shopify the storefront's app proxy (simulated by ``demo.storefront``), as a visitor and logged in."""

from __future__ import annotations

from connector.domain.orders import Order, Platform, Shop
from demo.storefront import PREFIX


def portal_lines(app_url: str, storefront_url: str, shop: Shop, order: Order | None) -> list[str]:
    """Indented lines under the shop's heading of ``report.try_it``."""
    portal = f"{app_url}/portal/{shop.id}/"
    lines = [f"  return portal: {portal}" + (f"   (order {order.name}, e-mail {order.email})" if order else "")]
    lines.append(f"  return policy page: {portal}policy")
    if shop.platform != Platform.SHOPIFY or not storefront_url:
        return lines
    lines.append(f"  the storefront's app proxy (SIMULATED on 127.0.0.1, signed as Shopify signs): {storefront_url}"
                 f"{PREFIX}/")
    customer = storefront_customer(order)
    if customer:
        lines.append(f"  ... logged in as that order's customer: {storefront_url}/customer/{customer}{PREFIX}/")
    return lines


def storefront_customer(order: Order | None) -> str | None:
    """The number Shopify's proxy gives as ``logged_in_customer_id`` for the order's customer."""
    customer_id = order.customer.id if order and order.customer else None
    number = (customer_id or "").rsplit("/", 1)[-1]
    return number if number.isdigit() else None
