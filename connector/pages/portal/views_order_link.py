"""The "Request a return" link sent with an order (``connector.pages.return_link``): straight to the order's
"choose items" page, no lookup.

The link is checked in full before the order is shown: our signature, the shop, its age, and the order's
e-mail today against the hash the link was made with (a link forwarded after the order changed hands, or
made for another order, opens nothing). Whatever is wrong, the customer gets the friendly "this link is not
valid" page with the lookup one click away.
"""

from __future__ import annotations

from flask import redirect
from werkzeug.wrappers import Response as BaseResponse

from connector.pages.portal import bp
from connector.pages.portal.current import container, signer
from connector.pages.portal.links import portal_url
from connector.pages.return_link import ROUTE
from connector.pages.signed import OrderAccess, Rejected, SignedValueRejected
from connector.services.orders import order_at_hand
from connector.store.errors import UnknownShop


@bp.get(ROUTE)
def order_link(shop_id: str, token: str) -> BaseResponse:
    link = signer().read_woo_return_link(token, shop_id)
    try:
        order = order_at_hand(container(), shop_id, link.order_id).order
    except UnknownShop:
        raise SignedValueRejected(Rejected.INVALID) from None
    if not signer().email_matches(link, order.email):
        raise SignedValueRejected(Rejected.WRONG_SUBJECT)
    access = signer().order_access_token(shop_id, OrderAccess(order.id))
    return redirect(portal_url("lines", access=access), 303)
