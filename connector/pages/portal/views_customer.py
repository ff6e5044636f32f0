"""The signed-in customer's orders: the first screen for a customer the storefront says is logged in.

Shopify's app proxy serves it in place of the lookup (screen 1) when it carries a verified
``logged_in_customer_id``; each order links to its "choose items" page with a signed order access naming the
customer. Reached directly, with no customer signed in, it hands over to the lookup.
"""

from __future__ import annotations

from dataclasses import fields

from flask import redirect, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.portal import bp
from connector.pages.portal.current import container, signer
from connector.pages.portal.layout import PageLook, show_look
from connector.pages.portal.links import portal_url
from connector.pages.portal.signed_in import signed_in_customer
from connector.pages.signed import OrderAccess
from connector.services.customer_orders import customer_orders
from connector.services.portal_settings import portal_settings


@bp.get("/orders")
def customer_order_list(shop_id: str) -> BaseResponse | str:
    customer_id = signed_in_customer()
    if customer_id is None:
        return redirect(portal_url("start"), 303)
    found = customer_orders(container(), shop_id, customer_id)
    branding = portal_settings(container(), shop_id).branding
    show_look(PageLook(**{look.name: getattr(branding, look.name) for look in fields(PageLook)}))
    entries = [
        (order, portal_url("lines", access=signer().order_access_token(shop_id, OrderAccess(order.id, customer_id))))
        for order in found.orders
    ]
    return render_template(
        "portal/customer_orders.html", page_title=_("Your orders"), entries=entries, lookup_url=portal_url("lookup")
    )
