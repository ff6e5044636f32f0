"""Screen 4: everything before the customer confirms, then the Confirm button that opens the return.

The figures are the policy's quote (``connector.services.portal_quote``), computed as the return will be opened
and saved nowhere. Confirm sends the form token and the draft; the return is opened once per draft
(``connector.services.portal_confirm``), so a second tap, a reload or the back button lands on the same return.

The relay point or pickup window picked after the method is shown with a way to change it; a draft still lacking
the pick its shop's carrier asks for goes back to that screen (``picks.missing_pick``).
"""

from __future__ import annotations

from flask import redirect, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from connector.domain.events import Actor, ActorKind
from connector.domain.resolutions import ReturnMethod
from connector.pages.i18n import current_language, use_order_locale
from connector.pages.portal import bp, logistics_words  # noqa: F401 - the filters the template uses
from connector.pages.portal.asked import AskedReturn, asked_return, chosen_method
from connector.pages.portal.carried import carried_draft, sealed
from connector.pages.portal.current import container, signer
from connector.pages.portal.draft import Draft
from connector.pages.portal.forms import form_token, form_token_valid, order_subject
from connector.pages.portal.links import portal_url
from connector.pages.portal.look import show_shop_look
from connector.pages.portal.picks import missing_pick
from connector.pages.portal.tracking_link import tracking_token
from connector.pages.signed import OrderAccess
from connector.services.portal_confirm import Confirmation, Confirmed, confirm_return
from connector.services.portal_logistics import display_zone, order_country
from connector.services.portal_quote import Quote, quote_return
from connector.services.portal_return import ExchangesUnavailable, InvalidLines
from connector.services.shipments import LogisticsChoice


@bp.get("/o/<access>/review")
def review(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order, draft = carried_draft(shop_id, access)
    method = chosen_method(draft)
    screen = "method" if method is None else missing_pick(shop_id, draft)
    if method is None or screen is not None:
        return redirect(portal_url(screen or "method", access=access, d=sealed(draft)), 303)
    return _quoted_page(shop_id, access, order, draft, method)


@bp.post("/o/<access>/review")
def confirm(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order, draft = carried_draft(shop_id, access)
    method = chosen_method(draft)
    screen = "method" if method is None else missing_pick(shop_id, draft)
    if method is None or screen is not None:
        return redirect(portal_url(screen or "method", access=access, d=sealed(draft)), 303)
    if not form_token_valid(shop_id, order_subject(order.order_id)):
        problem = _("This page was open for too long. Check your return again, then confirm it.")
        return _quoted_page(shop_id, access, order, draft, method, problem=problem, status=400)
    asked = asked_return(draft)
    actor = Actor(ActorKind.CUSTOMER, order.customer_id or "")
    try:
        done = confirm_return(container(), shop_id, order.order_id, draft.draft_id, asked.lines, method, actor,
                              keep_item=asked.keep_item, photos=asked.photos, logistics=_logistics(draft))
    except InvalidLines:
        return _changed_page(access), 409
    except ExchangesUnavailable:
        return _unavailable_page(access, draft)
    if done.status is Confirmation.IN_PROGRESS:
        problem = _("Your return is being created. Wait a few seconds, then confirm again: "
                    "it will not be created twice.")
        return _quoted_page(shop_id, access, order, draft, method, problem=problem, status=409)
    if done.status in (Confirmation.DECLINED, Confirmation.KEEP_ITEM_REFUSED):
        if done.quote is not None:  # the reason in the order's language, as the page around it
            use_order_locale(done.quote.order.customer.locale if done.quote.order.customer else None)
        return _quoted_page(shop_id, access, order, draft, method, problem=_refusal(done), status=422,
                            quote=done.quote)
    assert done.return_id is not None
    token = tracking_token(signer(), shop_id, done.return_id)
    return redirect(portal_url("tracking", tracking=token, new="1"), 303)


def _quoted_page(
    shop_id: str,
    access: str,
    order: OrderAccess,
    draft: Draft,
    method: ReturnMethod,
    *,
    problem: str | None = None,
    status: int = 200,
    quote: Quote | None = None,
) -> Response | tuple[str, int] | str:
    """The review page; ``quote`` when the confirm already has one (the one that refused the return)."""
    if quote is None:
        asked: AskedReturn = asked_return(draft)
        try:
            quote = quote_return(container(), shop_id, order.order_id, asked.lines, method,
                                 keep_item=asked.keep_item)
        except InvalidLines:
            return _changed_page(access), 409
        except ExchangesUnavailable:
            return _unavailable_page(access, draft)
    use_order_locale(quote.order.customer.locale if quote.order.customer else None)
    show_shop_look(quote.shop)
    token = sealed(draft)
    page = render_template(
        "portal/review.html",
        page_title=_("Check and confirm your return"),
        quote=quote,
        replacements=_replacement_names(draft),
        language=current_language(),
        problem=problem,
        can_confirm=quote.opens,
        csrf=form_token(shop_id, order_subject(order.order_id)),
        draft=token,
        action=portal_url("review", access=access, d=token),
        items_url=portal_url("lines", access=access, d=token),
        method_url=portal_url("method", access=access, d=token),
        point=draft.point,
        pickup=draft.pickup,
        pickup_zone=display_zone(order_country(quote.order) or "", quote.policy.timezone),
        point_url=portal_url("relay_point", access=access, d=token),
        pickup_url=portal_url("pickup", access=access, d=token),
    )
    return (page, status) if status != 200 else page


def _logistics(draft: Draft) -> LogisticsChoice | None:
    """The point or window picked, for the return's shipment (the label is made for it)."""
    if draft.point is None and draft.pickup is None:
        return None
    return LogisticsChoice(service_point=draft.point, pickup_window=draft.pickup)


def _replacement_names(draft: Draft) -> list[str]:
    """Each line's replacement as the customer chose it ("Sweater — M / Blue"), in the quote's order (the
    draft's); empty for a line that is not exchanged, or from a draft sealed before names were kept."""
    return [" — ".join(part for part in line.exchange_title if part) for line in draft.lines]


def _refusal(done: Confirmed) -> str:
    """Why Confirm opened nothing (the policy declines the return, or refuses keeping the items), in the
    customer's language; the page below it says the same at length."""
    language = current_language()
    if done.refused is not None:
        return done.refused.text(language)
    quote = done.quote
    if quote is not None and quote.keep_item_refused is not None and done.status is Confirmation.KEEP_ITEM_REFUSED:
        return quote.keep_item_refused.render(language)
    said = quote.evaluation.customer_decline_text(language) if quote is not None else None
    return said or _("This return cannot be accepted")


def _changed_page(access: str) -> str:
    """The order changed since the items were chosen (units returned meanwhile, a replacement sold out)."""
    return render_template(
        "portal/review_problem.html",
        page_title=_("Your order has changed"),
        message=_("Some of the items you chose can no longer be returned as chosen. Please choose them again."),
        next_url=portal_url("lines", access=access),
        next_label=_("Choose the items again"),
    )


def _unavailable_page(access: str, draft: Draft) -> tuple[str, int]:
    """The shop cannot be asked about replacements (no credentials yet): 409, the customer's choice cannot be
    honoured now; never a 5xx for what a customer chose."""
    page = render_template(
        "portal/review_problem.html",
        page_title=_("Exchanges are not available right now"),
        message=_("The shop cannot be asked about replacements at the moment. Try again in a minute, or choose "
                  "a refund or store credit instead."),
        next_url=portal_url("lines", access=access, d=sealed(draft)),
        next_label=_("Change my choices"),
    )
    return page, 409
