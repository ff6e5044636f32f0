"""One return's page as every action renders it: the return read for agents (``services.admin_return``), the
form that was sent (kept as typed, with its mistakes marked), and a line saying what was just recorded.

Every action goes through ``run_step``: the use case of ``ReturnService`` runs under the agent's name
(``AdminContext.actor``), then the agent is sent back to the return (303) with ``done`` saying what was done.
A step the return's state forbids (someone else moved it) or the domain refuses answers 409 with the return
as it is now and a sentence in the agent's language; a mistake in the form answers 422 with the field marked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from flask import redirect, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.events import Actor
from connector.domain.refund_deadline import DeadlineRisk, deadline_risk
from connector.domain.returns import ReturnRequest
from connector.domain.shipping import PaperSize
from connector.errors import ConfigError
from connector.pages.admin.auth import current_admin
from connector.pages.admin.current import container, signer
from connector.pages.admin.links import admin_url
from connector.pages.labels import label_path, label_token
from connector.pages.signed import Purpose
from connector.pages.store.return_forms import ReturnForms
from connector.services.admin_return import AdminReturn, admin_return
from connector.services.returns import Outcome, ReturnNotFound, ReturnService
from connector.store.photos_repo import StoredPhoto

DONE: Final = ("approved", "declined", "canceled", "received", "inspected", "noted", "resolved")
PHOTO: Final = Purpose("admin-photo", timedelta(hours=1))
"""A photo's link on a return's page: an <img> inside Shopify's iframe carries no ID token, so the link itself
is the credential, signed for one photo of one shop and short-lived (the page is opened again for a new one)."""
Step = Callable[[ReturnService, Actor], Outcome]


def load(shop_id: str, return_id: str) -> AdminReturn:
    found = admin_return(container(), shop_id, return_id)
    if found is None:
        raise ReturnNotFound(return_id)
    return found


def render_return(view: AdminReturn, form: ReturnForms | None = None, done: str | None = None) -> str:
    request = view.request
    return render_template(
        "admin/return.html",
        view=view,
        ret=request,
        form=form or ReturnForms(),
        done=done if done in DONE else None,
        photo_url=lambda photo: photo_url(view.shop.id, photo),
        label_links=label_links(view),
        overdue=overdue(request, container().clock()),
        page_title=_("Return %(number)s", number=request.id),
    )


def run_step(shop_id: str, return_id: str, step: Step | None, form: ReturnForms, done: str) -> BaseResponse | tuple[
    str, int
]:
    """``step`` under the agent's name, then back to the return; None (the form was wrong): the page, 422."""
    if step is None:
        return render_return(load(shop_id, return_id), form), 422
    try:
        step(ReturnService(container()), current_admin(shop_id).actor)
    except (IllegalTransition, InvalidReturn) as exc:
        return refused(shop_id, return_id, form, exc)
    return redirect(admin_url("admin.return_page", shop_id=shop_id, return_id=return_id, done=done), 303)


def refused(shop_id: str, return_id: str, form: ReturnForms, exc: Exception) -> tuple[str, int]:
    """The return as it is now (someone may have moved it), and why this step cannot be taken."""
    if isinstance(exc, IllegalTransition):
        form.problem = _("This cannot be done while the return is in this state. Its state is shown below.")
    else:
        form.problem = _("The return has changed since this page was opened. Check it below and try again.")
    form.errors.clear()
    return render_return(load(shop_id, return_id), form), 409


def overdue(request: ReturnRequest, now: datetime) -> bool:
    """Whether the EU withdrawal's refund deadline has passed with nothing paid (the queue's "overdue")."""
    due = request.refund_due_by
    return due is not None and deadline_risk(due, request.status, request.money_moved, now) is DeadlineRisk.OVERDUE


def photo_url(shop_id: str, photo: StoredPhoto) -> str:
    try:
        token = signer().dumps(PHOTO, shop_id, {"r": photo.return_id, "p": str(photo.id)})
    except ConfigError:
        return ""
    return admin_url("admin.photo", shop_id=shop_id, token=token)


def label_links(view: AdminReturn) -> list[tuple[str, str]]:
    """(paper size, link) of each label document stored for the return's parcel: the same signed links the
    shop's admin and the customer's e-mail carry (issue 19, ``connector.pages.labels``)."""
    parcel = view.shipment
    if parcel is None:
        return []
    try:
        return [
            (size, label_path(label_token(signer(), view.shop.id, parcel.id, PaperSize(size))))
            for size in parcel.paper_sizes
            if size in PaperSize.__members__
        ]
    except ConfigError:
        return []
