"""Screen 5: the confirmation (first visit, ``?new=1``) and, at the same address, the tracking page.

The address carries a long-lived signed token (``tracking_link``), not the order access: a customer follows it
from the confirmation e-mail weeks later, after the return is closed, and still sees its steps and the money
paid. An unknown return answers the portal's plain 404 page.

With a carrier, the page shows the return's parcel: the relay point or pickup window chosen, the tracking number
linked to the carrier's tracking page, the parcel's state in words, and the label's signed links (A6 / A4,
``connector.pages.labels``) once it is stored. A return to bring to the shop shows, once
approved, a QR code of the store page's signed address for it (``connector.pages.store.links``), which staff
scan at the counter, and the return's number in large type for those who type it.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from connector.domain.resolutions import ReturnMethod
from connector.domain.states import ReturnStatus
from connector.errors import ConfigError
from connector.pages.i18n import current_language, use_order_locale
from connector.pages.labels import label_url
from connector.pages.portal import bp, logistics_words  # noqa: F401 - the filters the template uses
from connector.pages.portal.current import container, signer
from connector.pages.portal.links import portal_url
from connector.pages.portal.look import show_shop_look
from connector.pages.portal.qr_code import qr_svg
from connector.pages.portal.tracking_link import read_tracking
from connector.pages.store.links import store_return_url
from connector.services.return_tracking import TrackedReturn, tracked_return


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
        store_qr=_store_qr(shop_id, tracked),
        label_links=_label_links(shop_id, tracked),
    )


def _label_links(shop_id: str, tracked: TrackedReturn) -> list[tuple[str, str]]:
    """(paper size, signed link) of each label PDF stored for the return's parcel, A6 first; none before."""
    parcel = tracked.shipment
    if parcel is None:
        return []
    sizes = sorted(parcel.paper_sizes, key=lambda size: (size != "A6", size))
    return [(size, label_url(container().config, shop_id, parcel.id, size, signer=signer())) for size in sizes]


def _store_qr(shop_id: str, tracked: TrackedReturn) -> Markup | None:
    """The in-store QR code, while an approved return waits to be brought to the shop; None otherwise, or when
    the process has no key to sign the address with (the number, printed anyway, still identifies it)."""
    ret = tracked.request
    if ret.method is not ReturnMethod.IN_STORE or ret.status is not ReturnStatus.APPROVED or ret.keep_item:
        return None
    try:
        url = store_return_url(container().config, shop_id, ret.id)
    except ConfigError:
        return None
    return qr_svg(url, _("QR code of return %(number)s", number=ret.id))
