"""Screen 3: how the items go back. Only the methods the shop offers, each with its fee or "free".

A return where every line is kept has nothing to send back, so the screen steps aside and hands over to the
review with the shop's first method recorded (the policy charges no return shipping for kept goods).

A method whose shop's carrier offers a choice leads to it first (``picks.next_screen``): a relay point to pick, a
pickup window. Changing the method forgets the point or window chosen for the other one.
"""

from __future__ import annotations

from dataclasses import replace

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from connector.pages.i18n import use_order_locale
from connector.pages.portal import bp
from connector.pages.portal.asked import KEEP, chosen_method
from connector.pages.portal.carried import carried_draft, sealed
from connector.pages.portal.current import container
from connector.pages.portal.draft import Draft
from connector.pages.portal.forms import form_token, form_token_valid, order_subject
from connector.pages.portal.layout import show_branding
from connector.pages.portal.links import portal_url
from connector.pages.portal.picks import next_screen
from connector.policy.methods import MethodOffer
from connector.services.portal_methods import MethodChoices, return_methods

FIELD = "method"


@bp.route("/o/<access>/method", methods=["GET", "POST"])
def method(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order, draft = carried_draft(shop_id, access)
    choices = return_methods(container(), shop_id, order.order_id)
    use_order_locale(choices.order.customer.locale if choices.order.customer else None)
    show_branding(choices.settings.branding)
    offers = choices.settings.methods
    if all(line.outcome == KEEP for line in draft.lines) and offers:
        return _to_review(access, replace(draft, method=offers[0].method.value))
    if request.method == "GET":
        current = chosen_method(draft)
        return _page(shop_id, access, draft, choices, current.value if current else None)
    if not form_token_valid(shop_id, order_subject(order.order_id)):
        problem = _("This form was open for too long. Please choose again.")
        return _page(shop_id, access, draft, choices, None, problem=problem), 400
    picked = request.form.get(FIELD, "")
    if not _offered(offers, picked):
        errors = {FIELD: _("Choose how you will send the items back.")}
        return _page(shop_id, access, draft, choices, None, errors=errors), 422
    kept = draft if draft.method == picked else replace(draft, method=picked, point=None, pickup=None)
    return redirect(portal_url(next_screen(shop_id, kept), access=access, d=sealed(kept)), 303)


def _offered(offers: tuple[MethodOffer, ...], picked: str) -> bool:
    return any(offer.method.value == picked for offer in offers)


def _to_review(access: str, draft: Draft) -> Response:
    return redirect(portal_url("review", access=access, d=sealed(draft)), 303)


def _page(
    shop_id: str,
    access: str,
    draft: Draft,
    choices: MethodChoices,
    current: str | None,
    *,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
) -> str:
    token = sealed(draft)
    return render_template(
        "portal/method.html",
        page_title=_("How will you send the items back?"),
        offers=choices.settings.methods,
        current=current,
        errors=errors or {},
        problem=problem,
        csrf=form_token(shop_id, order_subject(choices.order.id)),
        draft=token,
        action=portal_url("method", access=access, d=token),
        back_url=portal_url("lines", access=access, d=token),
    )
