"""Screen 5: the confirmation (first visit, ``?new=1``) and, at the same address, the tracking page.

The address carries a long-lived signed token (``tracking_link``), not the order access: a customer follows it
from the confirmation e-mail weeks later, after the return is closed, and still sees its steps and the money
paid. An unknown return answers the portal's plain 404 page.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from connector.pages.i18n import current_language, use_order_locale
from connector.pages.portal import bp
from connector.pages.portal.current import container, signer
from connector.pages.portal.links import portal_url
from connector.pages.portal.look import show_shop_look
from connector.pages.portal.tracking_link import read_tracking
from connector.services.return_tracking import tracked_return


@bp.get("/r/<tracking>")
def tracking(shop_id: str, tracking: str) -> tuple[str, int] | str:
    return_id = read_tracking(signer(), tracking, shop_id)
    tracked = tracked_return(container(), shop_id, return_id)
    if tracked is None:
        return render_template("portal/problem.html", status=404), 404
    order = tracked.order
    use_order_locale(order.customer.locale if order is not None and order.customer else None)
    show_shop_look(shop_id)
    new = request.args.get("new") == "1"
    return render_template(
        "portal/tracking.html",
        page_title=_("Your return is registered") if new else _("Your return"),
        tracked=tracked,
        new=new,
        language=current_language(),
        tracking_url=portal_url("tracking", tracking=tracking),
    )
