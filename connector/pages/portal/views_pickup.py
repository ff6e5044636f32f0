"""After "Pickup at your home": the windows the shop's carrier offers, to pick the day the driver comes.

The windows are the carrier's (``CarrierAdapter.pickup_windows``), shown on the customer's clock
(``portal_logistics.display_zone``) as a radio list posted with the draft. The page asks the carrier again on
POST and keeps the window whose start was sent, so the draft only ever holds a window the carrier offered.
A shop whose carrier collects nothing has nothing to pick here: the screen steps aside to the review.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from connector.domain.resolutions import ReturnMethod
from connector.pages.i18n import use_order_locale
from connector.pages.portal import bp, logistics_words  # noqa: F401 - the filters the template uses
from connector.pages.portal.asked import chosen_method
from connector.pages.portal.carried import carried_draft, sealed
from connector.pages.portal.current import container
from connector.pages.portal.draft import Draft
from connector.pages.portal.forms import form_token, form_token_valid, order_subject
from connector.pages.portal.layout import show_branding
from connector.pages.portal.links import portal_url
from connector.services.portal_logistics import PickupOffer, pickup_offer

WINDOW: Final = "window"


@bp.route("/o/<access>/pickup", methods=["GET", "POST"])
def pickup(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order, draft = carried_draft(shop_id, access)
    if chosen_method(draft) is not ReturnMethod.HOME_PICKUP:
        return redirect(portal_url("method", access=access, d=sealed(draft)), 303)
    offer = pickup_offer(container(), shop_id, order.order_id)
    use_order_locale(offer.order.customer.locale if offer.order.customer else None)
    show_branding(offer.branding)
    if offer.pick is None:
        return redirect(portal_url("review", access=access, d=sealed(replace(draft, pickup=None))), 303)
    if request.method == "GET":
        return _page(shop_id, access, draft, offer)
    if not form_token_valid(shop_id, order_subject(order.order_id)):
        problem = _("This form was open for too long. Please choose again.")
        return _page(shop_id, access, draft, offer, problem=problem, status=400)
    sent = request.form.get(WINDOW, "")
    chosen = next((window for window in offer.windows if window.starts_at.isoformat() == sent), None)
    if chosen is None:
        errors = {WINDOW: _("Choose when the carrier may come.")} if offer.windows else {}
        return _page(shop_id, access, draft, offer, errors=errors, status=422)
    return redirect(portal_url("review", access=access, d=sealed(replace(draft, pickup=chosen))), 303)


def _page(
    shop_id: str,
    access: str,
    draft: Draft,
    offer: PickupOffer,
    *,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int] | str:
    """The windows; none offered (the carrier did not answer, or has no day left) says so and offers the way
    back to the methods (503 when the carrier did not answer)."""
    if offer.unavailable:
        problem, status = _("Pickup days cannot be listed right now. Please try again in a minute."), 503
    token = sealed(draft)
    page = render_template(
        "portal/pickup.html",
        page_title=_("Choose a pickup day"),
        offer=offer,
        current=draft.pickup.starts_at.isoformat() if draft.pickup else None,
        errors=errors or {},
        problem=problem,
        csrf=form_token(shop_id, order_subject(offer.order.id)),
        draft=token,
        action=portal_url("pickup", access=access, d=token),
        back_url=portal_url("method", access=access, d=token),
    )
    return (page, status) if status != 200 else page
