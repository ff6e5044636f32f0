"""Screen 2, "choose items": the order's lines, what each can be returned for and until when, and why not;
the customer picks lines, quantities, reasons, notes, photos and an outcome per line.

GET shows the form (filled in again from ``?d=`` when the customer comes back from a later screen); POST
checks it, stores the photos at once (``connector.services.draft_photos``) and hands the choices to screen 3
as a signed draft (``draft``), or shows the form again with each wrong field marked.
"""

from __future__ import annotations

from typing import Final

from flask import redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from connector.domain.reasons import ReasonCode
from connector.pages.i18n import current_language, use_order_locale
from connector.pages.portal import bp
from connector.pages.portal.choices_form import (
    ChoicesForm,
    blank_form,
    draft_lines,
    form_from_draft,
    read_form,
    searches_in_draft,
    searches_sent,
)
from connector.pages.portal.current import container, signer
from connector.pages.portal.draft import Draft, new_draft_id, seal, unseal
from connector.pages.portal.forms import form_token, form_token_valid, order_subject
from connector.pages.portal.layout import show_branding
from connector.pages.portal.links import portal_url
from connector.pages.portal.wording import photo_refusal, reason_label
from connector.photos.checking import PhotoRefused
from connector.photos.ports import MAX_PER_RETURN
from connector.services.draft_photos import keep_draft_photos
from connector.services.return_choices import ReturnChoices, return_choices, with_replacements_found

DRAFT_PARAM: Final = "d"
SEARCH_BUTTON: Final = "find"
"""The name of every line's Search button (its value the line's position): the form is sent to search, not to
go on."""
_FORM_OVERHEAD: Final = 256 * 1024
"""Room for the form's text fields next to the photos in one POST."""


@bp.route("/o/<access>", methods=["GET", "POST"])
def lines(shop_id: str, access: str) -> Response | tuple[str, int] | str:
    order_id = signer().read_order_access(access, shop_id).order_id
    if request.method == "POST":
        # Three full-size photos must fit; the app's default limit is the webhooks' (1 MB).
        request.max_content_length = MAX_PER_RETURN * container().config.photos.max_bytes + _FORM_OVERHEAD
    earlier = _earlier_draft(shop_id, order_id)
    choices = _choices(shop_id, order_id, earlier)
    if request.method == "GET":
        form = form_from_draft(choices, earlier) if earlier is not None else blank_form(choices)
        return _page(shop_id, access, choices, form, earlier)
    if SEARCH_BUTTON in request.form:
        return _searched(shop_id, access, choices, earlier)
    return _submitted(shop_id, access, choices, earlier)


def _searched(shop_id: str, access: str, choices: ReturnChoices, earlier: Draft | None) -> tuple[str, int] | str:
    """A line's Search button: the same page, every choice as sent, with the other products found. Nothing is
    checked yet (the customer is still choosing) and no file is kept: the page asks for photos again."""
    if not form_token_valid(shop_id, order_subject(choices.order.id)):
        return _expired_form(shop_id, access, choices, earlier)
    form = read_form(choices, request.form, request.files, earlier, checked=False)
    return _page(shop_id, access, choices, form, earlier)


def _submitted(shop_id: str, access: str, choices: ReturnChoices, earlier: Draft | None) -> Response | tuple[str, int]:
    if not form_token_valid(shop_id, order_subject(choices.order.id)):
        return _expired_form(shop_id, access, choices, earlier)
    form = read_form(choices, request.form, request.files, earlier)
    if form.errors:
        return _page(shop_id, access, choices, form, earlier), 422
    draft_id = earlier.draft_id if earlier is not None else new_draft_id()
    photos = _stored_photos(shop_id, draft_id, form)
    draft = Draft(
        draft_id=draft_id,
        shop_id=shop_id,
        order_id=choices.order.id,
        lines=draft_lines(form, photos),
        method=earlier.method if earlier is not None else None,
    )
    if form.errors:  # a photo refused: the page keeps those already stored, in the draft it carries
        return _page(shop_id, access, choices, form, draft), 422
    return redirect(portal_url("method", access=access, **{DRAFT_PARAM: seal(draft, signer())}), 303)


def _expired_form(shop_id: str, access: str, choices: ReturnChoices, earlier: Draft | None) -> tuple[str, int]:
    form = blank_form(choices)
    form.problem = _("This form was open for too long. Please make your choices again.")
    return _page(shop_id, access, choices, form, earlier), 400


def _stored_photos(shop_id: str, draft_id: str, form: ChoicesForm) -> dict[int, tuple[str, ...]]:
    """Each selected line's photos: the new files, checked and stored now, else those of the earlier pass.
    A refusal is put on the line's photo field (the files of the lines before it stay stored for the draft)."""
    stored: dict[int, tuple[str, ...]] = {}
    room = MAX_PER_RETURN
    for entry in form.selected:
        reason = ReasonCode(entry.reason)
        if not entry.files:
            stored[entry.index] = entry.kept_photos if reason.takes_photos else ()
        else:
            try:
                contents = [upload.read() for upload in entry.files]
                stored[entry.index] = keep_draft_photos(container(), shop_id, draft_id, reason, contents, room)
            except PhotoRefused as refused:
                form.errors[entry.id("photos")] = photo_refusal(refused.code, container().config.photos.max_bytes)
                stored[entry.index] = ()
        entry.kept_photos = stored[entry.index]
        room -= len(stored[entry.index])
    return stored


def _choices(shop_id: str, order_id: str, earlier: Draft | None) -> ReturnChoices:
    choices = return_choices(container(), shop_id, order_id)
    if request.method == "POST":  # the shop is searched for a genuine form only
        valid = form_token_valid(shop_id, order_subject(choices.order.id))
        searches = searches_sent(choices, request.form) if valid else {}
    else:
        searches = searches_in_draft(earlier, choices) if earlier is not None else {}
    if searches:
        choices = with_replacements_found(container(), choices, searches)
    customer = choices.order.customer
    use_order_locale(customer.locale if customer is not None else None)
    show_branding(choices.settings.branding)
    return choices


def _earlier_draft(shop_id: str, order_id: str) -> Draft | None:
    """The draft of an earlier pass (a customer back from a later screen), when the page carries one."""
    source = request.form if request.method == "POST" else request.args
    token = source.get(DRAFT_PARAM)
    return unseal(token, signer(), shop_id, order_id) if token else None


def _page(shop_id: str, access: str, choices: ReturnChoices, form: ChoicesForm, earlier: Draft | None) -> str:
    return render_template(
        "portal/lines.html",
        choices=choices,
        form=form,
        access=access,
        draft=seal(earlier, signer()) if earlier is not None else None,
        csrf=form_token(shop_id, order_subject(choices.order.id)),
        today=container().clock().date(),
        reasons=[(reason.value, reason_label(reason)) for reason in ReasonCode],
        language=current_language(),
        page_title=_("Choose what to return"),
    )
