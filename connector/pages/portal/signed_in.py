"""The customer a storefront says is logged in, for the request being served.

Why a request value and not a token: Shopify's app proxy adds the logged-in customer's id to EVERY request it
forwards, signed with the app secret, so the proxy's view (``platforms.shopify.proxy_views``) verifies it and
hands it over here for this request only. Nothing outside a verified proxied request ever sets it, so a
direct visit to ``/portal/<shop_id>/orders`` has no customer and is sent to the lookup.

The id is spelled as the platform spells ``Order.customer.id`` (the proxy's caller converts it).
"""

from __future__ import annotations

from typing import Final

from flask import g

_CUSTOMER: Final = "connector_portal_signed_in_customer"


def sign_in_customer(customer_id: str) -> None:
    setattr(g, _CUSTOMER, customer_id)


def signed_in_customer() -> str | None:
    customer: str | None = g.get(_CUSTOMER)
    return customer or None
