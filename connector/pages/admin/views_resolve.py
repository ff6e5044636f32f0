"""Resolving a return, in two steps: the preview (``GET .../resolve``) shows exactly what will be paid, to whom
and how (``services.resolution_preview``, the same planning as ``ReturnService.resolve``), and nothing is paid
until the agent confirms it (``POST .../resolve/confirm``).

An agent may pay another refund than the computed one: the amount, with the reason that must come with it, is
sent to the preview first (``POST .../resolve``), which shows the payments with it; the confirmation carries
them on. The confirmation carries the preview's fingerprint too, and is refused (409, the new preview shown)
when what would be paid is no longer what the agent saw: the return was changed meanwhile, or the shop's order.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from connector.domain.errors import IllegalTransition, InvalidReturn
from connector.domain.money import Money
from connector.pages.admin import bp
from connector.pages.admin.auth import current_admin
from connector.pages.admin.current import container
from connector.pages.admin.forms import read_override
from connector.pages.admin.return_page import refused, run_step
from connector.pages.store.return_forms import ReturnForms
from connector.services.resolution_preview import ResolutionPreview, preview_resolution


def _preview(shop_id: str, return_id: str, override: Money | None) -> ResolutionPreview:
    return preview_resolution(container(), shop_id, return_id, current_admin(shop_id).actor, override)


def _page(preview: ResolutionPreview, form: ReturnForms, status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/resolve.html",
        preview=preview,
        ret=preview.request,
        form=form,
        page_title=_("Resolve return %(number)s", number=preview.request.id),
    ), status


@bp.get("/returns/<return_id>/resolve")
def resolve_preview(shop_id: str, return_id: str) -> tuple[str, int]:
    try:
        return _page(_preview(shop_id, return_id, None), ReturnForms())
    except IllegalTransition as exc:
        return refused(shop_id, return_id, ReturnForms(), exc)


@bp.post("/returns/<return_id>/resolve")
def resolve_with_override(shop_id: str, return_id: str) -> tuple[str, int]:
    """The preview again with the amount the agent typed (or the computed one when the amount is emptied)."""
    try:
        plain = _preview(shop_id, return_id, None)
        override, _reason, form = read_override(plain.request.currency)
        if form.errors:
            return _page(plain, form, 422)
        if override is not None and override > plain.left_to_refund:
            form.errors["amount"] = _("The order has %(left)s left to refund: enter at most that.",
                                      left=str(plain.left_to_refund))
            return _page(plain, form, 422)
        return _page(_preview(shop_id, return_id, override) if override is not None else plain, form)
    except IllegalTransition as exc:
        return refused(shop_id, return_id, ReturnForms(), exc)


@bp.post("/returns/<return_id>/resolve/confirm")
def resolve_confirm(shop_id: str, return_id: str) -> BaseResponse | tuple[str, int]:
    try:
        plain = _preview(shop_id, return_id, None)
        override, reason, form = read_override(plain.request.currency)
        if form.errors:
            return _page(plain, form, 422)
        preview = plain if override is None else _preview(shop_id, return_id, override)
    except (IllegalTransition, InvalidReturn) as exc:
        return refused(shop_id, return_id, ReturnForms(), exc)
    if request.form.get("fingerprint", "") != preview.fingerprint:
        form.problem = _("What would be paid has changed since the preview. Check it again below, then confirm.")
        return _page(preview, form, 409)
    if preview.refund_too_high:
        form.problem = _("The shop would refuse this refund: the order has less left to refund. Pay at most "
                         "%(left)s with another amount below.", left=str(preview.left_to_refund))
        return _page(preview, form, 409)
    step = lambda service, actor: service.resolve(  # noqa: E731
        shop_id, return_id, actor, override=override, reason=reason if override is not None else ""
    )
    return run_step(shop_id, return_id, step, form, "resolved")
