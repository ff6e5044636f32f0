"""After "Drop-off at a relay point": the points near the customer, nearest first, to pick the one they will use.

The first list is near the order's shipping postcode (near the point already chosen, when the customer comes
back to change it); a search form (a plain GET, so it works without
JavaScript) looks near another one. Each point shows its name, address, distance and opening hours; the
choice is a radio list posted with the draft. The page searches the carrier again on POST and keeps the point
whose id was sent, so the draft only ever holds a point the carrier listed. A postcode that is malformed, or
near which the carrier lists nothing, brings the form back with the field marked, in the customer's language.

A shop whose carrier lists no points (none, or the self-issued one) has nothing to pick here: the screen steps
aside to the review.
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
from connector.services.portal_logistics import RelaySearch, SearchProblem, relay_points

POSTCODE: Final = "postcode"
POINT: Final = "point"
MAX_POSTCODE: Final = 20
"""Longer than any country's postcode with spaces; more is not a postcode, and is not sent to the carrier."""


@bp.route("/o/<access>/relay-point", methods=["GET", "POST"])
def relay_point(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order, draft = carried_draft(shop_id, access)
    if chosen_method(draft) is not ReturnMethod.RELAY_POINT:
        return redirect(portal_url("method", access=access, d=sealed(draft)), 303)
    source = request.form if request.method == "POST" else request.args
    asked = source.get(POSTCODE)
    too_long = asked is not None and len(asked) > MAX_POSTCODE
    near = asked if asked is not None else (draft.point.address.postal_code if draft.point else None)
    search = relay_points(container(), shop_id, order.order_id, "" if too_long else near)
    use_order_locale(search.order.customer.locale if search.order.customer else None)
    show_branding(search.branding)
    if search.pick is None:
        return redirect(portal_url("review", access=access, d=sealed(replace(draft, point=None))), 303)
    if too_long:
        search = replace(search, postal_code="", problem=SearchProblem.INVALID_POSTCODE)
    if request.method == "GET":
        return _page(shop_id, access, draft, search, searched=asked is not None)
    if not form_token_valid(shop_id, order_subject(order.order_id)):
        problem = _("This form was open for too long. Please choose again.")
        return _page(shop_id, access, draft, search, searched=True, problem=problem, status=400)
    chosen = next((point for point in search.points if point.id == request.form.get(POINT)), None)
    if chosen is None:
        errors = {POINT: _("Choose the relay point where you will drop the parcel.")} if search.points else {}
        return _page(shop_id, access, draft, search, searched=True, errors=errors, status=422)
    token = sealed(replace(draft, point=chosen))
    return redirect(portal_url("review", access=access, d=token), 303)


def _page(
    shop_id: str,
    access: str,
    draft: Draft,
    search: RelaySearch,
    *,
    searched: bool,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int] | str:
    """The search form and the list. A postcode that is malformed or near which nothing is listed marks the
    field (422 when the customer searched; the first list, near the order's postcode, answers 200); a carrier that
    did not answer says so above the form (503)."""
    found = dict(errors or {})
    message = _search_problem(search)
    if message and search.problem is SearchProblem.UNAVAILABLE:
        problem, status = message, 503
    elif message:
        found[POSTCODE] = message
        status = max(status, 422) if searched else status
    token = sealed(draft)
    page = render_template(
        "portal/relay_point.html",
        page_title=_("Choose a relay point"),
        search=search,
        current=draft.point.id if draft.point else None,
        errors=found,
        problem=problem,
        csrf=form_token(shop_id, order_subject(search.order.id)),
        draft=token,
        search_action=portal_url("relay_point", access=access),
        action=portal_url("relay_point", access=access, d=token),
        back_url=portal_url("method", access=access, d=token),
    )
    return (page, status) if status != 200 else page


def _search_problem(search: RelaySearch) -> str | None:
    if search.problem is SearchProblem.INVALID_POSTCODE:
        return str(_("Enter a valid postcode, for example %(example)s.", example=_example(search.country)))
    if search.problem is SearchProblem.NOTHING_FOUND:
        return str(_("We found no relay point near %(postcode)s. Check the postcode or try another one.",
                     postcode=search.postal_code))
    if search.problem is SearchProblem.UNAVAILABLE:
        return str(_("Relay points cannot be listed right now. Please try again in a minute."))
    return None


_EXAMPLES: Final = {"FR": "75011", "BE": "1000", "NL": "1012 AB", "DE": "10115", "ES": "28001", "GB": "SW1A 1AA"}


def _example(country: str) -> str:
    return _EXAMPLES.get(country, "75011")
